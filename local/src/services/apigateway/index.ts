/**
 * API Gateway: one node:http server on 127.0.0.1 serving every REST API of the assembly at
 * `/<stageName>/<path>`, with the Cognito authorizer, CORS mock integrations, gateway responses
 * and the Lambda proxy integration, mapped like API Gateway maps them.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LOCAL_ACCOUNT_ID, type PhysicalIds } from '../../intrinsics/physical-ids.js';
import { LoopbackService } from '../../loopback.js';
import {
  addedAndRemoved,
  type ReloadPlan,
  type ServiceContext,
  type ServiceDescription,
  UNCHANGED,
} from '../../service.js';
import type { ApiRequest, RequestsView } from '../../views.js';
import type { MetricSink } from '../cloudwatch/metrics.js';
import type { InvokeOutcome } from '../lambda/index.js';
import { CognitoAuthorizer, type UserPoolDirectory } from './authorizer.js';
import { proxyEvent } from './event.js';
import { type ApiMethod, type RestApiModel, readRestApis } from './model.js';
import { validateRequest } from './request-validator.js';
import { matchRoute } from './router.js';

export type { UserPoolDirectory } from './authorizer.js';

/** Requests the `requests` view keeps. */
const RECENT_REQUESTS = 200;

/** `GET /tasks/{id}`: how the reload's line names a method. */
function methodName(method: ApiMethod): string {
  return `${method.httpMethod} ${method.resourcePath}`;
}

function serialized(apis: readonly RestApiModel[]): string {
  return JSON.stringify(apis, (_key, value: unknown) => (value instanceof Map ? [...value] : value));
}

/** API Gateway's payload limit. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface LocalApiGatewayOptions {
  readonly ids: PhysicalIds;
  readonly port: number;
  readonly pools: UserPoolDirectory;
  readonly invoke: (functionArn: string, event: unknown) => Promise<InvokeOutcome>;
  /**
   * Whether the function's policy (its `AWS::Lambda::Permission`s) lets API Gateway invoke it
   * for this method's ARN. @default every invocation is allowed
   */
  readonly mayInvoke?: (functionArn: string, sourceArn: string) => boolean;
  readonly metrics: MetricSink;
  readonly log: (line: string) => void;
}

interface GatewayError {
  readonly type: string;
  readonly status: number;
  readonly message: string;
  readonly validationErrorString?: string;
}

const ERRORS = {
  missingToken: {
    type: 'MISSING_AUTHENTICATION_TOKEN',
    status: 403,
    message: 'Missing Authentication Token',
  },
  unauthorized: { type: 'UNAUTHORIZED', status: 401, message: 'Unauthorized' },
  tooLarge: { type: 'REQUEST_TOO_LARGE', status: 413, message: 'Request Too Long' },
  integrationFailure: { type: 'DEFAULT_5XX', status: 502, message: 'Internal server error' },
  // Lambda's 429 (throttled) reaches a proxy integration's caller as a 500.
  integrationThrottled: { type: 'INTEGRATION_FAILURE', status: 500, message: 'Internal server error' },
  configurationError: { type: 'API_CONFIGURATION_ERROR', status: 500, message: 'Internal server error' },
  timeout: { type: 'INTEGRATION_TIMEOUT', status: 504, message: 'Endpoint request timed out' },
} satisfies Record<string, GatewayError>;

export class LocalApiGateway extends LoopbackService {
  private models: readonly RestApiModel[];
  private authorizers: ReadonlyMap<string, CognitoAuthorizer>;
  /** The latest requests, newest last, for the console's `requests` view. */
  private readonly recent: ApiRequest[] = [];

  constructor(private readonly options: LocalApiGatewayOptions) {
    super(options.port);
    this.models = readRestApis(options.ids);
    this.authorizers = this.authorizersOf(this.models);
  }

  /** The REST APIs it serves, as the running assembly defines them. */
  get apis(): readonly RestApiModel[] {
    return this.models;
  }

  /**
   * Infra live reload: the new assembly's APIs (methods, authorizers, validators, gateway
   * responses) from the next request on; requests under way finish with the old ones.
   */
  reload(ctx: ServiceContext): ReloadPlan {
    const models = readRestApis(ctx.ids);
    const changes = addedAndRemoved(
      this.models.flatMap((api) => api.methods.map(methodName)),
      models.flatMap((api) => api.methods.map(methodName)),
    );
    const same = serialized(models) === serialized(this.models);
    if (same) return UNCHANGED;
    if (changes.length === 0) changes.push('API Gateway: methods changed');
    return {
      changes,
      apply: () => {
        this.models = models;
        this.authorizers = this.authorizersOf(models);
      },
    };
  }

  private authorizersOf(apis: readonly RestApiModel[]): Map<string, CognitoAuthorizer> {
    const authorizers = new Map<string, CognitoAuthorizer>();
    for (const method of apis.flatMap((api) => api.methods))
      if (method.authorizer && !authorizers.has(method.authorizer.logicalId))
        authorizers.set(
          method.authorizer.logicalId,
          new CognitoAuthorizer(method.authorizer, this.options.pools),
        );
    return authorizers;
  }

  /** `http://127.0.0.1:<port>` (no stage). */
  get url(): string {
    const url = this.server.url;
    if (url === undefined) throw new Error('The local API Gateway has not been started.');
    return url;
  }

  /** The stage base URL of an API, ending with `/`, as the `RestApi.url` output would be. */
  stageUrl(api: RestApiModel): string {
    return `${this.url}/${api.stageName}/`;
  }

  /**
   * Rewrites deployed invoke URLs of this gateway's APIs
   * (`https://<apiId>.execute-api.<region>.amazonaws.com/<stage>/…`) to the local ones.
   */
  localUrls(value: string): string {
    return value.replace(
      /https:\/\/([a-z0-9]+)\.execute-api\.[a-z0-9-]+\.amazonaws\.com\/([^/\s]+)/g,
      (match, apiId: string, stage: string) =>
        this.apis.some((api) => api.apiId === apiId) ? `${this.url}/${stage}` : match,
    );
  }

  /** The first API's stage URL (what a client calls), once started. */
  override get endpoint(): string | undefined {
    const [first] = this.apis;
    return this.server.url === undefined || !first ? undefined : this.stageUrl(first);
  }

  describe(): ServiceDescription {
    return {
      name: 'API Gateway',
      resources: this.apis.flatMap((api) => [
        {
          logicalId: api.logicalId,
          type: 'AWS::ApiGateway::RestApi',
          ...(this.server.url === undefined ? {} : { url: this.stageUrl(api) }),
          detail: `${api.name}, stage ${api.stageName}, ${api.methods.length} methods${api.notEnforced.length ? `; not enforced: ${api.notEnforced.join(', ')}` : ''}`,
        },
        ...api.methods.map((method) => ({
          logicalId: method.logicalId,
          type: 'AWS::ApiGateway::Method',
          detail: `${method.httpMethod} ${method.resourcePath}${method.authorizer ? ' (Cognito)' : ''}`,
        })),
      ]),
    };
  }

  protected override internalError(res: ServerResponse, err: unknown): void {
    this.options.log(`[API Gateway] internal error: ${(err as Error).message}`);
    sendJson(res, 500, { message: 'Internal server error' });
  }

  protected override async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAt = Date.now();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const [, stageName = '', ...rest] = url.pathname.split('/');
    const api = this.apis.find((candidate) => candidate.stageName === stageName);
    if (!api) {
      req.resume();
      sendJson(res, 403, { message: ERRORS.missingToken.message });
      return;
    }
    const status = await this.handleApiRequest(
      api,
      req,
      res,
      `/${rest.join('/')}`,
      url.search.slice(1),
      receivedAt,
    );
    const latencyMs = Date.now() - receivedAt;
    this.recordMetrics(api, status, latencyMs);
    this.recent.push({
      time: new Date(receivedAt).toISOString(),
      requestId: String(res.getHeader('x-amzn-requestid') ?? ''),
      api: api.name,
      method: req.method ?? 'GET',
      path: `/${rest.join('/')}`,
      status,
      latencyMs,
    });
    if (this.recent.length > RECENT_REQUESTS) this.recent.shift();
  }

  /** `requests`: the latest requests the gateway answered, with status and latency. */
  localViews(): ReadonlyMap<string, () => unknown> {
    return new Map([['requests', (): RequestsView => ({ requests: this.recent })]]);
  }

  private async handleApiRequest(
    api: RestApiModel,
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    query: string,
    receivedAt: number,
  ): Promise<number> {
    const httpMethod = (req.method ?? 'GET').toUpperCase();
    const match = matchRoute(api.methods, httpMethod, path);
    const body = await readBody(req);
    if (body === undefined) return this.sendGatewayError(api, req, res, ERRORS.tooLarge);
    if (!match) return this.sendGatewayError(api, req, res, ERRORS.missingToken);
    const { method } = match;
    if (method.mock) return this.sendMock(method, req, res);
    let claims: Readonly<Record<string, string>> | undefined;
    if (method.authorizationType === 'COGNITO_USER_POOLS') {
      const authorizer = method.authorizer ? this.authorizers.get(method.authorizer.logicalId) : undefined;
      claims = await authorizer?.verify(header(req, authorizer.headerName), method.authorizationScopes);
      if (!claims) return this.sendGatewayError(api, req, res, ERRORS.unauthorized);
    }
    if (method.validation) {
      const invalid = validateRequest(method.validation, {
        body,
        pathParameters: match.pathParameters,
        query: new URLSearchParams(query),
        headers: req.headers,
      });
      if (invalid) return this.sendGatewayError(api, req, res, { ...invalid, status: 400 });
    }
    if (!method.lambdaArn) return this.sendGatewayError(api, req, res, ERRORS.integrationFailure);
    const sourceArn = `arn:aws:execute-api:${this.options.ids.source.region}:${LOCAL_ACCOUNT_ID}:${api.apiId}/${api.stageName}/${method.httpMethod}${method.resourcePath}`;
    if (this.options.mayInvoke?.(method.lambdaArn, sourceArn) === false) {
      this.options.log(
        `[API Gateway] ${httpMethod} ${method.resourcePath}: Execution failed due to configuration error: Invalid permissions on Lambda function → 500`,
      );
      return this.sendGatewayError(api, req, res, ERRORS.configurationError);
    }
    const event = proxyEvent({
      httpMethod,
      resource: method.resourcePath,
      path: decodePath(path),
      ...(match.pathParameters ? { pathParameters: match.pathParameters } : {}),
      headers: headerPairs(req.rawHeaders),
      query: [...new URLSearchParams(query)],
      body: body.length === 0 ? null : body.toString('utf8'),
      ...(claims ? { claims } : {}),
      stage: api.stageName,
      apiId: api.apiId,
      accountId: LOCAL_ACCOUNT_ID,
      resourceId: method.resourceId,
      receivedAt,
      sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
    });
    const invokedAt = Date.now();
    const outcome = await withTimeout(
      this.options.invoke(method.lambdaArn, event),
      method.integrationTimeoutMs,
    );
    this.recordIntegrationLatency(api, Date.now() - invokedAt);
    if (outcome === undefined) {
      this.options.log(
        `[API Gateway] ${event.requestContext.requestId}: no answer within the integration timeout (${method.integrationTimeoutMs} ms) → 504`,
      );
      return this.sendGatewayError(api, req, res, ERRORS.timeout);
    }
    return this.sendIntegrationResult(api, req, res, outcome, event.requestContext.requestId);
  }

  private sendIntegrationResult(
    api: RestApiModel,
    req: IncomingMessage,
    res: ServerResponse,
    outcome: InvokeOutcome,
    requestId: string,
  ): number {
    if (outcome.kind === 'throttled') {
      this.options.log(
        `[API Gateway] ${requestId}: Lambda TooManyRequestsException (reserved concurrency in use) → 500`,
      );
      return this.sendGatewayError(api, req, res, ERRORS.integrationThrottled);
    }
    if (outcome.kind !== 'result') {
      // A function that times out fails the invocation: a Lambda proxy answers 502, like a crash.
      const why =
        outcome.kind === 'error'
          ? `${outcome.errorType}: ${outcome.errorMessage}`
          : outcome.kind === 'timeout'
            ? `timed out after ${outcome.durationMs} ms`
            : outcome.errorMessage;
      this.options.log(`[API Gateway] ${requestId}: Lambda ${why} → 502`);
      return this.sendGatewayError(api, req, res, ERRORS.integrationFailure);
    }
    const result = proxyResult(outcome.payload);
    if (!result) {
      this.options.log(
        `[API Gateway] ${requestId}: Execution failed due to configuration error: Malformed Lambda proxy response → 502`,
      );
      return this.sendGatewayError(api, req, res, ERRORS.integrationFailure);
    }
    // Header names come from the function: a Map keeps `__proto__` an ordinary name.
    const headers = new Map<string, string | string[]>([
      ['content-type', 'application/json'],
      ['x-amzn-requestid', requestId],
    ]);
    for (const [name, value] of Object.entries(result.multiValueHeaders))
      headers.set(name.toLowerCase(), value);
    for (const [name, value] of Object.entries(result.headers)) headers.set(name.toLowerCase(), value);
    const body = result.isBase64Encoded ? Buffer.from(result.body, 'base64') : Buffer.from(result.body);
    headers.set('content-length', String(body.length));
    const raw = [...headers].flatMap(([name, value]) => [value].flat().flatMap((v) => [name, v]));
    res.writeHead(result.statusCode, raw).end(body);
    return result.statusCode;
  }

  private sendMock(method: ApiMethod, req: IncomingMessage, res: ServerResponse): number {
    const mock = method.mock;
    if (!mock) return 500;
    const headers: Record<string, string> = { ...mock.headers };
    const origin = header(req, 'origin');
    // CDK's multi-origin CORS template echoes the request Origin when it is in its allow-list.
    if (origin && mock.template?.includes(`"${origin}"`)) headers['Access-Control-Allow-Origin'] = origin;
    res.writeHead(mock.statusCode, { ...headers, 'content-length': '0' }).end();
    return mock.statusCode;
  }

  /** A gateway-generated error, with the template's gateway response headers (CORS) applied. */
  private sendGatewayError(
    api: RestApiModel,
    req: IncomingMessage,
    res: ServerResponse,
    error: GatewayError,
  ): number {
    req.resume();
    const requestId = randomUUID();
    const fallback = error.status >= 500 ? 'DEFAULT_5XX' : 'DEFAULT_4XX';
    const response = api.gatewayResponses.get(error.type) ?? api.gatewayResponses.get(fallback);
    const status = response?.statusCode ?? error.status;
    const body = response?.template
      ? renderGatewayTemplate(response.template, error, requestId)
      : JSON.stringify({ message: error.message });
    res
      .writeHead(status, {
        'content-type': 'application/json',
        'x-amzn-errortype': errorTypeHeader(error),
        'x-amzn-requestid': requestId,
        ...(response?.headers ?? {}),
      })
      .end(body);
    return status;
  }

  private recordMetrics(api: RestApiModel, status: number, latencyMs: number): void {
    for (const dims of dimensionSets(api)) {
      this.options.metrics.record('AWS/ApiGateway', 'Count', dims, 1);
      this.options.metrics.record('AWS/ApiGateway', '4XXError', dims, status >= 400 && status < 500 ? 1 : 0);
      this.options.metrics.record('AWS/ApiGateway', '5XXError', dims, status >= 500 ? 1 : 0);
      this.options.metrics.record('AWS/ApiGateway', 'Latency', dims, latencyMs);
    }
  }

  /** The time the backend took, for a request the gateway passed to its integration. */
  private recordIntegrationLatency(api: RestApiModel, integrationMs: number): void {
    for (const dims of dimensionSets(api))
      this.options.metrics.record('AWS/ApiGateway', 'IntegrationLatency', dims, integrationMs);
  }
}

/** The dimension sets API Gateway publishes each metric under: the API, and the API and stage. */
function dimensionSets(api: RestApiModel): ReadonlyArray<Record<string, string>> {
  return [{ ApiName: api.name }, { ApiName: api.name, Stage: api.stageName }];
}

interface ProxyResult {
  statusCode: number;
  headers: Record<string, string>;
  multiValueHeaders: Record<string, string[]>;
  body: string;
  isBase64Encoded: boolean;
}

/** Validates a handler's result like API Gateway; undefined means "Malformed Lambda proxy response". */
export function proxyResult(payload: unknown): ProxyResult | undefined {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return undefined;
  const value = payload as Record<string, unknown>;
  const statusCode = value.statusCode;
  if (typeof statusCode !== 'number' || !Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599)
    return undefined;
  if (value.body !== undefined && value.body !== null && typeof value.body !== 'string') return undefined;
  const headers = value.headers ?? {};
  const multi = value.multiValueHeaders ?? {};
  if (typeof headers !== 'object' || headers === null || typeof multi !== 'object' || multi === null)
    return undefined;
  return {
    statusCode,
    headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, String(v)])),
    multiValueHeaders: Object.fromEntries(
      Object.entries(multi).map(([k, v]) => [k, Array.isArray(v) ? v.map(String) : [String(v)]]),
    ),
    body: typeof value.body === 'string' ? value.body : '',
    isBase64Encoded: value.isBase64Encoded === true,
  };
}

/**
 * The `$context`/`$util.escapeJavaScript` subset of VTL that gateway response templates use.
 */
export function renderGatewayTemplate(template: string, error: GatewayError, requestId: string): string {
  const values: Record<string, string> = {
    '$context.error.validationErrorString': error.validationErrorString ?? '',
    '$context.error.messageString': JSON.stringify(error.message),
    '$context.error.message': error.message,
    '$context.error.responseType': error.type,
    '$context.requestId': requestId,
  };
  const variable = /\$context\.[A-Za-z.]+/g;
  return template
    .replace(/\$util\.escapeJavaScript\((\$context\.[A-Za-z.]+)\)/g, (_m, name: string) =>
      JSON.stringify(values[name] ?? '').slice(1, -1),
    )
    .replace(variable, (name) => values[name] ?? name);
}

function errorTypeHeader(error: GatewayError): string {
  if (error.type === 'UNAUTHORIZED') return 'UnauthorizedException';
  if (error.type === 'MISSING_AUTHENTICATION_TOKEN') return 'MissingAuthenticationTokenException';
  if (error.type.startsWith('BAD_REQUEST')) return 'BadRequestException';
  return 'InternalServerErrorException';
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** Node's raw header list (`[name, value, name, value, …]`) as name/value pairs, in order. */
function headerPairs(raw: readonly string[]): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i] ?? '', raw[i + 1] ?? '']);
  return pairs;
}

function decodePath(path: string): string {
  try {
    return decodeURI(path);
  } catch {
    return path;
  }
}

/** The request body, or undefined past API Gateway's 10 MB limit. */
async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  // Keep reading past the limit (discarding) so the 413 can still be written to the socket.
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk as Buffer);
  }
  return size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks);
}

/** The promise's value, or undefined once `ms` have passed without one. */
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res
    .writeHead(status, { 'content-type': 'application/json', 'x-amzn-requestid': randomUUID() })
    .end(JSON.stringify(body));
}
