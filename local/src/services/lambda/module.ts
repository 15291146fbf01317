/** The registry entry of Lambda: each function's bundled asset in warm local workers. */
import { faultsService } from '../../faults.js';
import { iamService } from '../../iam/module.js';
import { refIsName } from '../../intrinsics/physical-ids.js';
import type { ServiceModule } from '../../service.js';
import { cloudwatchService } from '../cloudwatch/module.js';
import { cognitoService } from '../cognito/module.js';
import { LocalLambda } from './index.js';

/** The most latency the `lambda-latency` fault adds: past the longest timeout Lambda allows. */
const MAX_INJECTED_DELAY_MS = 900_000;

export const lambdaService: ServiceModule<LocalLambda> = {
  id: 'lambda',
  name: 'Lambda',
  resourceTypes: ['AWS::Lambda::Function'],
  physicalIds: {
    'AWS::Lambda::Function': refIsName('FunctionName', 'lambda', (name) => `function:${name}`, 64),
  },
  // Environments may name pools and clients, whose ids Cognito assigns at start.
  // Each function runs as its execution role: IAM issues its credentials and judges its logs.
  dependsOn: [cloudwatchService, cognitoService, iamService, faultsService],
  metrics: { 'AWS/Lambda': ['Invocations', 'Errors', 'Duration', 'Throttles'] },
  create: (ctx) => {
    const metrics = ctx.get(cloudwatchService)?.metrics.sinkFor('lambda');
    if (!metrics) return undefined;
    const iam = ctx.get(iamService);
    const faults = ctx.get(faultsService)?.registry;
    const service = new LocalLambda({
      ...(iam && {
        executionRole: ({ roleArn, name, logging: { logGroupName } }) => {
          if (roleArn === undefined) return undefined;
          return {
            credentials: iam.issueCredentials(roleArn, name),
            logsDelivered: iam.functionLogsDelivered(roleArn, name, logGroupName),
          };
        },
      }),
      ids: ctx.ids,
      environment: () => ({ ...ctx.endpointEnvironment(), ...ctx.profileEnvironment('function') }),
      metrics,
      log: ctx.log,
      liveCode: (resource) => ctx.liveCode(resource),
      printLevel: ctx.settings.functionLogLevel ?? 'info',
      faults: (functionName) => {
        const error = faults?.active('lambda-error', functionName);
        const delay = faults?.active('lambda-latency', functionName);
        if (!error && !delay) return undefined;
        return {
          ...(delay ? { delayMs: Number(delay.parameters.delayMs) } : {}),
          ...(error ? { error: `Injected by the local cloud's lambda-error fault (${error.id})` } : {}),
        };
      },
    });
    if (!service.hasFunctions) return undefined;
    const names = () => service.configs().map((config) => config.name);
    faults?.define({
      name: 'lambda-error',
      description:
        'Every invocation of the function fails as if its handler threw (AWS FIS: aws:lambda:invocation-error).',
      targets: names,
    });
    faults?.define({
      name: 'lambda-latency',
      description:
        'Every invocation of the function waits before its handler runs; the wait counts toward its duration and timeout (AWS FIS: aws:lambda:invocation-add-delay).',
      targets: names,
      parameters: {
        delayMs: {
          type: 'number',
          description: 'milliseconds added before the handler',
          min: 1,
          max: MAX_INJECTED_DELAY_MS,
          default: 2500,
        },
      },
    });
    return service;
  },
};
