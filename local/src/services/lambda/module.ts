/** The registry entry of Lambda: each function's bundled asset in warm local workers. */
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
  dependsOn: [cloudwatchService, cognitoService],
  metrics: { 'AWS/Lambda': ['Invocations', 'Errors', 'Duration'] },
  create: (ctx) => {
    const metrics = ctx.get(cloudwatchService)?.metrics;
    if (!metrics) return undefined;
    const service = new LocalLambda({
      ids: ctx.ids,
      environment: () => ({ ...ctx.endpointEnvironment(), ...ctx.profileEnvironment('function') }),
      metrics,
      log: ctx.log,
    });
    return service.hasFunctions ? service : undefined;
  },
};
