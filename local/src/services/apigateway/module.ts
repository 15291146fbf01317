/**
 * The registry entry of API Gateway: every REST API of the assembly on one local port, with its
 * Cognito authorizers, validators, gateway responses and Lambda proxy integrations.
 */
import { iamService } from '../../iam/module.js';
import { LOCAL_ACCOUNT_ID, literalProperty, stableSuffix } from '../../intrinsics/physical-ids.js';
import type { PhysicalIdRule, ServiceModule } from '../../service.js';
import { cloudwatchService } from '../cloudwatch/module.js';
import { cognitoService } from '../cognito/module.js';
import { lambdaService } from '../lambda/module.js';
import { LocalApiGateway } from './index.js';

/** API Gateway's ids are short lower-case strings like `6wpa7g`. */
const shortId: PhysicalIdRule = (resource) => {
  const id = stableSuffix(`${resource.stack.stackName}/${resource.logicalId}`, 6, true);
  return { ref: id, attributes: { ResourceId: id, AuthorizerId: id, DeploymentId: id } };
};

export const apigatewayService: ServiceModule<LocalApiGateway> = {
  id: 'apigateway',
  name: 'API Gateway',
  resourceTypes: [
    'AWS::ApiGateway::RestApi',
    'AWS::ApiGateway::Resource',
    'AWS::ApiGateway::Method',
    'AWS::ApiGateway::Authorizer',
    'AWS::ApiGateway::Stage',
    'AWS::ApiGateway::Deployment',
    'AWS::ApiGateway::GatewayResponse',
    'AWS::ApiGateway::RequestValidator',
    'AWS::ApiGateway::Model',
  ],
  physicalIds: {
    'AWS::ApiGateway::RestApi': (resource) => {
      const id = stableSuffix(`${resource.stack.stackName}/${resource.logicalId}`, 10, true);
      return { ref: id, attributes: { RestApiId: id, RootResourceId: stableSuffix(`${id}/root`, 10, true) } };
    },
    'AWS::ApiGateway::Resource': shortId,
    'AWS::ApiGateway::Authorizer': shortId,
    'AWS::ApiGateway::Deployment': shortId,
    'AWS::ApiGateway::Stage': (resource) => ({
      ref: literalProperty(resource, 'StageName') ?? 'prod',
      attributes: {},
    }),
  },
  // IAM: each invocation is checked against the function's AWS::Lambda::Permissions.
  dependsOn: [cloudwatchService, cognitoService, lambdaService, iamService],
  port: { name: 'api', default: 3000 },
  metrics: { 'AWS/ApiGateway': ['Count', '4XXError', '5XXError', 'Latency', 'IntegrationLatency'] },
  create: (ctx) => {
    const lambda = ctx.get(lambdaService);
    const metrics = ctx.get(cloudwatchService)?.metrics.sinkFor('apigateway');
    if (!metrics) return undefined;
    const cognito = ctx.get(cognitoService);
    const iam = ctx.get(iamService);
    const gateway = new LocalApiGateway({
      ids: ctx.ids,
      port: ctx.port,
      pools: {
        clientIds: (id) => cognito?.clientIds(id) ?? [],
        jwks: (id) => {
          if (!cognito) throw new Error(`No local Cognito serves the user pool ${id}.`);
          return cognito.jwks(id);
        },
      },
      invoke: (arn, event) => {
        if (!lambda) throw new Error(`No local Lambda serves ${arn}.`);
        return lambda.invoke(arn, event);
      },
      ...(iam && {
        mayInvoke: (functionArn: string, sourceArn: string) =>
          iam.authorize({
            principal: { kind: 'service', service: 'apigateway.amazonaws.com' },
            action: 'lambda:InvokeFunction',
            resource: functionArn,
            context: { 'aws:SourceArn': sourceArn, 'aws:SourceAccount': LOCAL_ACCOUNT_ID },
          }).allowed,
      }),
      metrics,
      log: ctx.log,
    });
    return gateway.apis.length > 0 ? gateway : undefined;
  },
};
