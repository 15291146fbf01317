import { CreateTaskInput, IDEMPOTENCY_HEADER, UpdateTaskInput } from '@tasktracker/api/contract';
import { ROUTES, type Route } from '@tasktracker/api/routes';
import { CfnOutput, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { type $ZodType, toJSONSchema } from 'zod/v4/core';
import { RouteFunction } from './api-functions.js';
import type { StageConfig } from './config/stages.js';
import { removalPolicyOf } from './removal.js';

export interface ApiStackProps extends StackProps {
  /** The stage being deployed. */
  readonly config: StageConfig;
  readonly table: dynamodb.ITableV2;
  /** The pool whose ID tokens the authorizer accepts. */
  readonly userPool: cognito.IUserPool;
  /** Origin the API allows in CORS, e.g. `https://tasks.example.com`. @default '*' */
  readonly allowedOrigin?: string;
}

/** Name of the REST API's deployment stage: the API URL ends in `/v1/`. */
export const API_STAGE_NAME = 'v1';

const F = apigateway.AccessLogField;
/**
 * One JSON line per request. Beyond the standard fields (whose IAM `user`/`caller` are always
 * empty behind a Cognito authorizer), it records who called, how long the function and the whole
 * request took, and why the gateway itself answered (authorizer, validation, throttling, 5XX).
 */
export const ACCESS_LOG_FIELDS = {
  requestId: F.contextRequestId(),
  requestTime: F.contextRequestTime(),
  ip: F.contextIdentitySourceIp(),
  userAgent: F.contextIdentityUserAgent(),
  userSub: F.contextAuthorizerClaims('sub'),
  httpMethod: F.contextHttpMethod(),
  resourcePath: F.contextResourcePath(),
  path: F.contextPath(),
  protocol: F.contextProtocol(),
  status: F.contextStatus(),
  responseLength: F.contextResponseLength(),
  responseLatency: F.contextResponseLatency(),
  integrationStatus: F.contextIntegrationStatus(),
  integrationLatency: F.contextIntegrationLatency(),
  errorType: F.contextErrorResponseType(),
  errorMessage: F.contextErrorMessage(),
  authorizerError: F.contextAuthorizerError(),
  integrationError: F.contextIntegrationErrorMessage(),
} as const;

/** Request bodies API Gateway validates before a function runs, as JSON Schema from the shared contract. */
const BODY_SCHEMAS: Partial<Record<Route['method'], $ZodType>> = {
  POST: CreateTaskInput,
  PATCH: UpdateTaskInput,
};

/** The REST API: one Lambda-proxy method per route, Cognito authorizer, validation, logs, CORS. */
export class ApiStack extends Stack {
  public readonly api: apigateway.RestApi;
  /** The route functions, by route id. */
  public readonly functions: Readonly<Record<string, RouteFunction>>;
  /** The API's invoke URL (`https://…/v1/`). */
  public readonly apiUrl: CfnOutput;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const { config } = props;
    const allowedOrigin = props.allowedOrigin ?? '*';

    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: config.logRetentionDays,
      removalPolicy: removalPolicyOf(config),
    });

    this.api = new apigateway.RestApi(this, 'Api', {
      restApiName: `tasktracker-${config.name}`,
      description: `Task tracker API (${config.name})`,
      endpointTypes: [apigateway.EndpointType.REGIONAL],
      cloudWatchRole: true,
      // The role is an account-wide API Gateway setting shared by every stage in the account:
      // deleting one stage must not take the others' execution logs with it.
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      deployOptions: {
        stageName: API_STAGE_NAME,
        tracingEnabled: true,
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        metricsEnabled: true,
        throttlingRateLimit: config.apiThrottle.rateLimit,
        throttlingBurstLimit: config.apiThrottle.burstLimit,
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigateway.AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
      defaultCorsPreflightOptions: {
        allowOrigins: [allowedOrigin],
        allowMethods: ['GET', 'POST', 'PATCH', 'DELETE', 'OPTIONS'],
        allowHeaders: ['Authorization', 'Content-Type', IDEMPOTENCY_HEADER],
      },
    });

    // API Gateway writes execution logs (level ERROR) to a group it names after the API and stage,
    // and creates it itself without retention: own it here, before the stage exists.
    const executionLogs = new logs.LogGroup(this, 'ExecutionLogs', {
      logGroupName: `API-Gateway-Execution-Logs_${this.api.restApiId}/${API_STAGE_NAME}`,
      retention: config.logRetentionDays,
      removalPolicy: removalPolicyOf(config),
    });
    this.api.deploymentStage.node.addDependency(executionLogs);

    // Errors API Gateway answers itself (401 from the authorizer, 429, 5XX) must carry CORS headers
    // too, or the browser hides them from the SPA.
    const corsHeaders = { 'Access-Control-Allow-Origin': `'${allowedOrigin}'` };
    this.api.addGatewayResponse('Default4xx', {
      type: apigateway.ResponseType.DEFAULT_4XX,
      responseHeaders: corsHeaders,
    });
    this.api.addGatewayResponse('Default5xx', {
      type: apigateway.ResponseType.DEFAULT_5XX,
      responseHeaders: corsHeaders,
    });
    // A body the model rejects gets the contract's error shape, like a handler's validation error.
    this.api.addGatewayResponse('BadRequestBody', {
      type: apigateway.ResponseType.BAD_REQUEST_BODY,
      statusCode: '400',
      responseHeaders: corsHeaders,
      templates: {
        'application/json':
          '{"error":{"code":"validation_failed","message":"$util.escapeJavaScript($context.error.validationErrorString)"},"requestId":"$context.requestId"}',
      },
    });

    const authorizer = new apigateway.CognitoUserPoolsAuthorizer(this, 'Authorizer', {
      cognitoUserPools: [props.userPool],
      identitySource: apigateway.IdentitySource.header('Authorization'),
    });
    const bodyValidator = this.api.addRequestValidator('BodyValidator', {
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    const paramsValidator = this.api.addRequestValidator('ParamsValidator', {
      validateRequestParameters: true,
    });

    const functions: Record<string, RouteFunction> = {};
    for (const route of ROUTES) {
      const routeFunction = new RouteFunction(this, route.id, {
        route,
        table: props.table,
        config,
        corsAllowedOrigin: allowedOrigin,
      });
      functions[route.id] = routeFunction;

      const resource = this.api.root.resourceForPath(route.path);
      const bodySchema = BODY_SCHEMAS[route.method];
      const method = resource.addMethod(
        route.method,
        new apigateway.LambdaIntegration(routeFunction.function),
        {
          operationName: route.id,
          ...(route.authorized
            ? { authorizer, authorizationType: apigateway.AuthorizationType.COGNITO }
            : { authorizationType: apigateway.AuthorizationType.NONE }),
          requestParameters: pathParameters(route.path),
          requestValidator: bodySchema ? bodyValidator : paramsValidator,
          ...(bodySchema ? { requestModels: { 'application/json': this.bodyModel(route, bodySchema) } } : {}),
        },
      );
      if (!route.authorized) {
        const reason = `${route.method} ${route.path} is the public liveness check: it returns a constant and reads no data.`;
        Validations.of(method).acknowledge(
          { id: 'AwsSolutions-APIG4', reason },
          { id: 'AwsSolutions-COG4', reason },
        );
      }
    }
    this.functions = functions;
    this.acknowledgePreflightMethods(this.api.root);

    Validations.of(this.api.deploymentStage).acknowledge({
      id: 'AwsSolutions-APIG3',
      reason:
        "Every data route requires a Cognito ID token, bodies are schema-validated and the stage is throttled per stage config. The web origin's ACL is not attached here on purpose: the common rule set's body rules (8 KB size limit, XSS patterns) would reject valid task notes (up to 5000 characters of free text) with a 403 outside the API's error contract.",
    });
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      reason: 'The account-level role API Gateway needs to write execution logs; AWS maintains it.',
    });

    this.apiUrl = new CfnOutput(this, 'ApiUrl', {
      value: this.api.url,
      description: 'Invoke URL of the REST API',
    });
  }

  /** A request model for a route's body, derived from the shared zod schema (draft 4, as API Gateway wants). */
  private bodyModel(route: Route, schema: $ZodType): apigateway.Model {
    const jsonSchema = withoutSizeLimits(toJSONSchema(schema, { target: 'draft-04', io: 'input' }));
    return this.api.addModel(`${route.id}Body`, {
      contentType: 'application/json',
      modelName: `${route.id}Body`,
      // The two shapes line up: both are draft-4 JSON Schema documents.
      schema: jsonSchema as apigateway.JsonSchema,
    });
  }

  /** CORS preflight methods are unauthenticated by design: browsers send them without credentials. */
  private acknowledgePreflightMethods(resource: apigateway.IResource): void {
    const preflight = resource.node.tryFindChild('OPTIONS');
    if (preflight) {
      const reason =
        'CORS preflight (OPTIONS) requests never carry credentials; the method returns only CORS headers.';
      Validations.of(preflight).acknowledge(
        { id: 'AwsSolutions-APIG4', reason },
        { id: 'AwsSolutions-COG4', reason },
      );
    }
    for (const child of resource.node.children) {
      if (child instanceof apigateway.Resource) this.acknowledgePreflightMethods(child);
    }
  }
}

/** Path parameters of a resource path, each marked required (`{id}` → `method.request.path.id`). */
function pathParameters(path: string): Record<string, boolean> {
  const names = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
  return Object.fromEntries(names.map((name) => [`method.request.path.${name}`, true]));
}

/**
 * The gateway checks a body's shape (types, required fields, enums, unknown keys); sizes stay
 * with the handler. Otherwise a body over the API's 16 KB limit would get the gateway's 400
 * ("notes too long") instead of the API's 413, a title that only fits after trimming would be
 * refused before the handler trims it, and length errors would lose the field-level `details`
 * the web forms show.
 */
export function withoutSizeLimits<T>(schema: T): T {
  if (Array.isArray(schema)) return schema.map((item) => withoutSizeLimits(item)) as T;
  if (schema === null || typeof schema !== 'object') return schema;
  return Object.fromEntries(
    Object.entries(schema)
      .filter(([key]) => key !== 'maxLength' && key !== 'maxItems')
      .map(([key, value]) => [key, withoutSizeLimits(value)]),
  ) as T;
}
