import { relative } from 'node:path';
import { HANDLER_BUNDLING, LAMBDA_NODE_MAJOR } from '@tasktracker/api/bundling';
import { handlerEntry, ROUTES } from '@tasktracker/api/routes';
import { TABLE_SCHEMA } from '@tasktracker/api/table-schema';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { LOCAL_HANDLER_METADATA_KEY, REPO_ROOT } from '../src/api-functions.js';
import { ACCESS_LOG_FIELDS } from '../src/api-gateway.js';
import { customMetricsNamespace } from '../src/config/monitoring.js';
import { STAGES } from '../src/config/stages.js';
import { devStack } from './support/assembly.js';

const { assembly, template, json } = await devStack('Api');

const dev = STAGES.dev;

/** The logical id of a route's function (found by its description, `METHOD /path`). */
function functionOf(route: (typeof ROUTES)[number]): [string, Record<string, unknown>] {
  const found = Object.entries(
    template.findResources('AWS::Lambda::Function', {
      Properties: { Description: `${route.method} ${route.path}` },
    }),
  )[0];
  if (!found) throw new Error(`no function for ${route.id}`);
  return [found[0], found[1].Properties];
}

/** Every IAM statement attached to a function's role. */
function statementsOf(
  functionProps: Record<string, unknown>,
): Array<{ Action: string | string[]; Resource: unknown }> {
  const roleId = (functionProps.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  return Object.values(json.Resources)
    .filter(
      (r) =>
        r.Type === 'AWS::IAM::Policy' &&
        JSON.stringify(r.Properties?.Roles) === JSON.stringify([{ Ref: roleId }]),
    )
    .flatMap(
      (r) =>
        (
          (r.Properties?.PolicyDocument ?? { Statement: [] }) as {
            Statement: Array<{ Action: string | string[]; Resource: unknown }>;
          }
        ).Statement,
    );
}

const actionsOf = (statement: { Action: string | string[] }) => [statement.Action].flat();

describe('api stack: functions', () => {
  it('has one function per route', () => {
    template.resourceCountIs('AWS::Lambda::Function', ROUTES.length);
  });

  it.each(ROUTES.map((route) => [route.id, route] as const))(
    'tells the local cloud the %s function handler and its deployed bundling (live reload)',
    (_id, route) => {
      const [logicalId] = functionOf(route);
      const metadata = json.Resources[logicalId]?.Metadata?.[LOCAL_HANDLER_METADATA_KEY] as
        | { entry: string; bundling: Record<string, unknown> }
        | undefined;
      expect(metadata?.entry).toBe(relative(REPO_ROOT, handlerEntry(route)));
      expect(metadata?.bundling).toMatchObject({
        format: 'esm',
        target: HANDLER_BUNDLING.target,
        minify: HANDLER_BUNDLING.minify,
        externalModules: [...HANDLER_BUNDLING.externalModules],
      });
    },
  );

  it.each(ROUTES.map((route) => [route.id, route] as const))(
    '%s runs on ARM64 with the Node.js its bundle targets, with active tracing',
    (_, route) => {
      const [, props] = functionOf(route);
      expect(props).toMatchObject({
        Runtime: `nodejs${LAMBDA_NODE_MAJOR}.x`,
        Architectures: ['arm64'],
        Handler: 'index.handler',
        Timeout: 10,
        MemorySize: route.memoryMb,
        TracingConfig: { Mode: 'Active' },
      });
      const variables = (props.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(variables).toMatchObject({
        POWERTOOLS_LOG_LEVEL: dev?.logLevel,
        POWERTOOLS_SERVICE_NAME: 'tasktracker-api',
        POWERTOOLS_METRICS_NAMESPACE: customMetricsNamespace('dev'),
      });
      expect('TABLE_NAME' in variables).toBe(route.tableActions.length > 0);
    },
  );

  it.each(ROUTES.map((route) => [route.id, route] as const))(
    '%s may call exactly its route’s table actions',
    (_, route) => {
      const [, props] = functionOf(route);
      const dynamo = statementsOf(props).filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));
      expect(dynamo.flatMap(actionsOf).sort()).toEqual([...route.tableActions].sort());
      const resources = JSON.stringify(dynamo.map((s) => s.Resource));
      expect(resources.includes(`/index/${TABLE_SCHEMA.statusIndex.name}`)).toBe(
        route.tableActions.includes('dynamodb:Query'),
      );
    },
  );

  it.each(ROUTES.map((route) => [route.id, route] as const))(
    '%s logs to its own retained log group',
    (_, route) => {
      const [, props] = functionOf(route);
      const logGroupId = (props.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
      expect(json.Resources[logGroupId]?.Properties).toMatchObject({
        RetentionInDays: dev?.logRetentionDays,
      });
    },
  );

  it('grants no wildcard IAM actions anywhere in the stage', () => {
    for (const concern of ['Network', 'Data', 'Auth', 'Api', 'Web', 'Monitoring'] as const) {
      const resources = Object.values(assembly.json(concern).Resources);
      const documents = resources.flatMap((r) =>
        r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy'
          ? [r.Properties?.PolicyDocument]
          : [],
      );
      const actions = documents.flatMap((d) =>
        (d as { Statement: Array<{ Action: string | string[] }> }).Statement.flatMap(actionsOf),
      );
      expect(
        actions.filter((a) => a.includes('*')),
        concern,
      ).toEqual([]);
    }
  });
});

describe('api stack: REST API', () => {
  it('guards every authorized route with the Cognito authorizer and leaves health open', () => {
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'COGNITO_USER_POOLS',
      IdentitySource: 'method.request.header.Authorization',
    });
    for (const route of ROUTES) {
      const methods = template.findResources('AWS::ApiGateway::Method', {
        Properties: { HttpMethod: route.method, OperationName: route.id },
      });
      const method = Object.values(methods)[0];
      expect(method?.Properties.AuthorizationType, route.id).toBe(
        route.authorized ? 'COGNITO_USER_POOLS' : 'NONE',
      );
    }
  });

  it('validates POST and PATCH bodies against models derived from the contract', () => {
    template.hasResourceProperties('AWS::ApiGateway::RequestValidator', { ValidateRequestBody: true });
    template.hasResourceProperties('AWS::ApiGateway::Model', {
      Name: 'CreateTaskBody',
      Schema: Match.objectLike({ required: ['title'], additionalProperties: false }),
    });
    template.hasResourceProperties('AWS::ApiGateway::Model', {
      Name: 'UpdateTaskBody',
      Schema: Match.objectLike({ required: ['version'], additionalProperties: false }),
    });
    for (const method of ['POST', 'PATCH']) {
      template.hasResourceProperties('AWS::ApiGateway::Method', {
        HttpMethod: method,
        RequestModels: { 'application/json': Match.anyValue() },
      });
    }
  });

  it('leaves body sizes to the handler so oversized bodies get its 413 and field details', () => {
    const models = template.findResources('AWS::ApiGateway::Model');
    const schemas = JSON.stringify(Object.values(models).map((model) => model.Properties.Schema));
    expect(schemas).not.toMatch(/"maxLength"|"maxItems"/);
    // The shape is still the gateway's to check: the status enum, for one.
    expect(schemas).toContain('"enum":["todo","doing","done"]');
  });

  it('requires the {id} path parameter on /tasks/{id} methods', () => {
    const methods = template.findResources('AWS::ApiGateway::Method', {
      Properties: { RequestParameters: { 'method.request.path.id': true } },
    });
    expect(Object.keys(methods)).toHaveLength(ROUTES.filter((r) => r.path.includes('{id}')).length);
  });

  it('access-logs who called, latencies and why the gateway itself answered, as JSON', () => {
    const stage = Object.values(template.findResources('AWS::ApiGateway::Stage'))[0];
    const format = JSON.parse(stage?.Properties.AccessLogSetting.Format) as Record<string, string>;
    expect(format).toEqual(ACCESS_LOG_FIELDS);
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      status: '$context.status',
      userSub: '$context.authorizer.claims.sub',
      responseLatency: '$context.responseLatency',
      integrationLatency: '$context.integrationLatency',
      errorMessage: '$context.error.message',
      authorizerError: '$context.authorizer.error',
      integrationError: '$context.integrationErrorMessage',
    });
  });

  it('owns the execution log group API Gateway would create without retention', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: {
        'Fn::Join': ['', ['API-Gateway-Execution-Logs_', { Ref: Match.stringLikeRegexp('^RestApi') }, '/v1']],
      },
      RetentionInDays: dev?.logRetentionDays,
    });
    const stage = Object.entries(template.findResources('AWS::ApiGateway::Stage'))[0]?.[1];
    expect(stage?.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^RestExecutionLogs/)]));
  });

  it('throttles, traces and access-logs the stage', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'v1',
      TracingEnabled: true,
      AccessLogSetting: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
      MethodSettings: [
        Match.objectLike({
          ThrottlingRateLimit: dev?.apiThrottle.rateLimit,
          ThrottlingBurstLimit: dev?.apiThrottle.burstLimit,
          LoggingLevel: 'ERROR',
        }),
      ],
    });
  });

  it('answers CORS preflights and adds CORS headers to gateway errors', () => {
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'OPTIONS',
      AuthorizationType: 'NONE',
      Integration: Match.objectLike({ Type: 'MOCK' }),
    });
    for (const type of ['DEFAULT_4XX', 'DEFAULT_5XX', 'BAD_REQUEST_BODY', 'WAF_FILTERED']) {
      template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
        ResponseType: type,
        ResponseParameters: { 'gatewayresponse.header.Access-Control-Allow-Origin': "'*'" },
      });
    }
  });

  it('outputs the stage invoke URL the smoke test and the web app use', () => {
    const url = JSON.stringify(json.Outputs?.ApiUrl?.Value);
    expect(url).toMatch(/^\{"Fn::Join":\["",\["https:\/\/",\{"Ref":"RestApi\w+"\},".execute-api./);
    expect(url).toMatch(/"\/",\{"Ref":"RestApiDeploymentStagev1\w+"\},"\/"\]\]\}$/);
  });
});
