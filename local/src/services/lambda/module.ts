/** The registry entry of Lambda: each function's bundled asset in warm local workers. */

import { iamService } from '../../iam/module.js';
import { generatedName, literalProperty } from '../../intrinsics/physical-ids.js';
import type { ServiceModule } from '../../service.js';
import { cloudwatchService } from '../cloudwatch/module.js';
import { cognitoService } from '../cognito/module.js';
import { LocalLambda } from './index.js';

export const lambdaService: ServiceModule<LocalLambda> = {
  id: 'lambda',
  name: 'Lambda',
  resourceTypes: ['AWS::Lambda::Function'],
  physicalIds: {
    'AWS::Lambda::Function': (resource, arn) => {
      const name = literalProperty(resource, 'FunctionName') ?? generatedName(resource, 64);
      return { ref: name, attributes: { Arn: arn('lambda', `function:${name}`) } };
    },
  },
  // Environments may name pools and clients, whose ids Cognito assigns at start.
  // Each function runs as its execution role: IAM issues its credentials and judges its logs.
  dependsOn: [cloudwatchService, cognitoService, iamService],
  metrics: { 'AWS/Lambda': ['Invocations', 'Errors', 'Duration'] },
  create: (ctx) => {
    const metrics = ctx.get(cloudwatchService)?.metrics;
    if (!metrics) return undefined;
    const iam = ctx.get(iamService);
    const service = new LocalLambda({
      ...(iam && {
        executionRole: ({ roleArn, name, logGroupName }) => {
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
    });
    return service.hasFunctions ? service : undefined;
  },
};
