/**
 * The API Gateway REST (v1) Lambda proxy event as API Gateway delivers it: every field present,
 * `null` where API Gateway sends null, single- and multi-value forms of headers and query. The
 * local gateway builds its events here, and so does everything that invokes handlers without it
 * (an app's tests, the bench), with the Lambda context to invoke them with.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';

/** Name/value pairs in the order received; a name may repeat. */
export type Pairs = readonly (readonly [string, string])[];

export interface ProxyRequest {
  readonly httpMethod: string;
  /** API Gateway resource path, e.g. `/tasks/{id}`. */
  readonly resource: string;
  /** Values of the resource's `{name}` parameters. */
  readonly pathParameters?: Readonly<Record<string, string>>;
  /**
   * The path without the stage prefix, decoded, as API Gateway passes it; by default the
   * resource with its parameters filled in.
   */
  readonly path?: string;
  readonly headers?: Pairs | Readonly<Record<string, string>>;
  readonly query?: Pairs | Readonly<Record<string, string>>;
  /** The body as the client sent it (base64 when `isBase64Encoded`); null for none. */
  readonly body?: string | null;
  readonly isBase64Encoded?: boolean;
  /** String-valued claims of a verified token, as the Cognito authorizer passes them. */
  readonly claims?: Readonly<Record<string, string>>;
  /** @default 'dev' */
  readonly stage?: string;
  /** @default 'local' */
  readonly apiId?: string;
  /** @default '000000000000' */
  readonly accountId?: string;
  /** @default 'local' */
  readonly resourceId?: string;
  /** @default a new UUID */
  readonly requestId?: string;
  /** Epoch ms the request arrived. @default now */
  readonly receivedAt?: number;
  /** @default '127.0.0.1' */
  readonly sourceIp?: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `24/Nov/2026:12:34:56 +0000`, API Gateway's `requestTime` format. */
export function requestTime(epochMs: number): string {
  const d = new Date(epochMs);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

/** Random bytes drawn a kilobyte at a time: `randomBytes` on every request cost a third of the event. */
const RANDOM_POOL_BYTES = 1024;
let randomPool = Buffer.alloc(0);
let randomOffset = 0;

/** `size` fresh random bytes (never handed out twice). */
function randomChunk(size: number): Buffer {
  if (randomOffset + size > randomPool.length) {
    randomPool = randomBytes(RANDOM_POOL_BYTES);
    randomOffset = 0;
  }
  randomOffset += size;
  return randomPool.subarray(randomOffset - size, randomOffset);
}

const pairsOf = (input: Pairs | Readonly<Record<string, string>> | undefined): Pairs =>
  input === undefined ? [] : Array.isArray(input) ? (input as Pairs) : Object.entries(input);

/** Header names keep the first casing seen; the single-value form holds the last value. */
function headerForms(pairs: Pairs) {
  const canonical = new Map<string, string>();
  const multi = new Map<string, string[]>();
  for (const [name, value] of pairs) {
    const key = canonical.get(name.toLowerCase()) ?? name;
    canonical.set(name.toLowerCase(), key);
    multi.set(key, [...(multi.get(key) ?? []), value]);
  }
  return forms(multi);
}

function queryForms(pairs: Pairs) {
  const multi = new Map<string, string[]>();
  for (const [name, value] of pairs) multi.set(name, [...(multi.get(name) ?? []), value]);
  return forms(multi);
}

/** Own properties from the client's names: `__proto__` or `constructor` is just a name. */
function forms(multi: Map<string, string[]>) {
  return {
    single: Object.fromEntries([...multi].map(([name, values]) => [name, values.at(-1) ?? ''])),
    multi: Object.fromEntries(multi),
    empty: multi.size === 0,
  };
}

/** The proxy event API Gateway would deliver for `request`. */
export function proxyEvent(request: ProxyRequest): APIGatewayProxyEvent {
  const params = request.pathParameters ?? {};
  const path =
    request.path ??
    request.resource.replace(/\{(\w+)\}/g, (whole, name: string) =>
      params[name] === undefined ? whole : params[name],
    );
  const headers = headerForms(pairsOf(request.headers));
  const query = queryForms(pairsOf(request.query));
  const stage = request.stage ?? 'dev';
  const receivedAt = request.receivedAt ?? Date.now();
  const header = (name: string) =>
    Object.entries(headers.single).find(([key]) => key.toLowerCase() === name)?.[1];
  const host = header('host') ?? '127.0.0.1';
  return {
    resource: request.resource,
    path,
    httpMethod: request.httpMethod,
    headers: headers.single,
    multiValueHeaders: headers.multi,
    queryStringParameters: query.empty ? null : query.single,
    multiValueQueryStringParameters: query.empty ? null : query.multi,
    pathParameters: Object.keys(params).length > 0 ? { ...params } : null,
    stageVariables: null,
    requestContext: {
      resourceId: request.resourceId ?? 'local',
      resourcePath: request.resource,
      httpMethod: request.httpMethod,
      extendedRequestId: `${randomChunk(10).toString('base64').replace(/[+/=]/g, '').slice(0, 14)}=`,
      requestTime: requestTime(receivedAt),
      path: `/${stage}${path}`,
      accountId: request.accountId ?? '000000000000',
      protocol: 'HTTP/1.1',
      stage,
      domainPrefix: host.split('.')[0] ?? host,
      requestTimeEpoch: receivedAt,
      requestId: request.requestId ?? randomUUID(),
      identity: {
        cognitoIdentityPoolId: null,
        accountId: null,
        cognitoIdentityId: null,
        caller: null,
        sourceIp: request.sourceIp ?? '127.0.0.1',
        principalOrgId: null,
        accessKey: null,
        cognitoAuthenticationType: null,
        cognitoAuthenticationProvider: null,
        userArn: null,
        userAgent: header('user-agent') ?? null,
        user: null,
      },
      domainName: host,
      apiId: request.apiId ?? 'local',
      ...(request.claims === undefined ? {} : { authorizer: { claims: { ...request.claims } } }),
      // The identity has no apiKey/clientCert fields: API keys and mTLS are not in use.
    } as APIGatewayProxyEvent['requestContext'],
    body: request.body ?? null,
    isBase64Encoded: request.isBase64Encoded ?? false,
  };
}

/** A Lambda context for one invocation of `functionName`, with `timeoutMs` left. */
export function lambdaContext(functionName: string, timeoutMs = 10_000): Context {
  const deadline = Date.now() + timeoutMs;
  const unsupported = (): never => {
    throw new Error('callback-style completion is not supported');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}
