import { IDEMPOTENCY_HEADER } from '@tasktracker/api/contract';
import { RemovalPolicy } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import { Construct } from 'constructs';
import type { StageConfig } from './config/stages.js';
import { allowedOriginProblem, checkProps } from './props.js';
import { type LogSettings, stageLogGroup } from './removal.js';

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

/** An error body in the contract's shape, rendered by API Gateway (`$context` variables allowed). */
function contractErrorTemplate(code: string, message: string): string {
  return `{"error":{"code":"${code}","message":"${message}"},"requestId":"$context.requestId"}`;
}

/**
 * Gateway responses in the contract's error shape: API Gateway answers these itself, without a
 * function, so without a template the SPA would get `{"message": …}` instead.
 */
export const GATEWAY_ERROR_TEMPLATES = {
  /** A body the request model rejects: the validator's message, like a handler's validation error. */
  BAD_REQUEST_BODY: contractErrorTemplate(
    'validation_failed',
    '$util.escapeJavaScript($context.error.validationErrorString)',
  ),
  /** A request a WAF managed rule group blocked (the firewall's own rules answer themselves). */
  WAF_FILTERED: contractErrorTemplate('forbidden', 'The request was blocked by the API firewall.'),
} as const;

export interface TaskRestApiProps {
  /** Stage name, for the API's name and description (`tasktracker-<stage>`). */
  readonly stageName: string;
  /** Whether real users call it: then CORS must name the web origin, never `*`. */
  readonly production: boolean;
  /** Steady-state requests per second and burst the API stage accepts. */
  readonly throttle: StageConfig['apiThrottle'];
  /** `Access-Control-Allow-Origin` of every answer: the web app's origin, or `*`. */
  readonly allowedOrigin: string;
  /** Retention and removal of the access and execution log groups. */
  readonly logs: LogSettings;
}

/**
 * The REST API without its routes: regional endpoint, the `v1` stage (throttled, traced, access-
 * and execution-logged), CORS preflight on every resource and CORS headers on the errors API
 * Gateway answers itself.
 */
export class TaskRestApi extends Construct {
  public readonly api: apigateway.RestApi;

  constructor(scope: Construct, id: string, props: TaskRestApiProps) {
    super(scope, id);
    const { throttle, allowedOrigin } = props;
    checkProps(this, [
      allowedOriginProblem(allowedOrigin),
      props.production &&
        !allowedOrigin.startsWith('https://') &&
        `allowedOrigin must be the web app's https origin in a production stage (got "${allowedOrigin}")`,
      !(Number.isInteger(throttle.rateLimit) && throttle.rateLimit > 0) &&
        'throttle.rateLimit must be a positive integer',
      !(Number.isInteger(throttle.burstLimit) && throttle.burstLimit >= throttle.rateLimit) &&
        'throttle.burstLimit must be an integer ≥ throttle.rateLimit',
    ]);

    const accessLogs = stageLogGroup(this, 'AccessLogs', props.logs);
    this.api = new apigateway.RestApi(this, 'Api', {
      restApiName: `tasktracker-${props.stageName}`,
      description: `Task tracker API (${props.stageName})`,
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
        throttlingRateLimit: throttle.rateLimit,
        throttlingBurstLimit: throttle.burstLimit,
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
    const executionLogs = stageLogGroup(
      this,
      'ExecutionLogs',
      props.logs,
      `API-Gateway-Execution-Logs_${this.api.restApiId}/${API_STAGE_NAME}`,
    );
    this.api.deploymentStage.node.addDependency(executionLogs);

    // Errors API Gateway answers itself (401 from the authorizer, 429, 5XX, WAF) must carry CORS
    // headers too, or the browser hides them from the SPA.
    const responseHeaders = { 'Access-Control-Allow-Origin': `'${allowedOrigin}'` };
    this.api.addGatewayResponse('Default4xx', { type: apigateway.ResponseType.DEFAULT_4XX, responseHeaders });
    this.api.addGatewayResponse('Default5xx', { type: apigateway.ResponseType.DEFAULT_5XX, responseHeaders });
    this.api.addGatewayResponse('BadRequestBody', {
      type: apigateway.ResponseType.BAD_REQUEST_BODY,
      statusCode: '400',
      responseHeaders,
      templates: { 'application/json': GATEWAY_ERROR_TEMPLATES.BAD_REQUEST_BODY },
    });
    this.api.addGatewayResponse('WafFiltered', {
      type: apigateway.ResponseType.WAF_FILTERED,
      statusCode: '403',
      responseHeaders,
      templates: { 'application/json': GATEWAY_ERROR_TEMPLATES.WAF_FILTERED },
    });
  }
}
