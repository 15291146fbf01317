/**
 * Builds the REST API (v1) Lambda proxy event exactly as API Gateway does: every field present,
 * `null` where API Gateway sends null, single- and multi-value forms of headers and query.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent } from 'aws-lambda';

export interface ProxyRequest {
  readonly httpMethod: string;
  /** The path without the stage prefix, as the client sent it (decoded). */
  readonly path: string;
  readonly rawHeaders: readonly string[];
  /** The raw query string without `?`. */
  readonly query: string;
  readonly body: Buffer;
  readonly sourceIp: string;
  readonly receivedAt: number;
}

export interface ProxyTarget {
  readonly resourcePath: string;
  readonly resourceId: string;
  readonly pathParameters: Record<string, string> | null;
  readonly stage: string;
  readonly apiId: string;
  readonly accountId: string;
  /** String-valued claims of a verified token, as the Cognito authorizer passes them. */
  readonly claims?: Record<string, string>;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `24/Nov/2026:12:34:56 +0000`, API Gateway's `requestTime` format. */
export function requestTime(epochMs: number): string {
  const d = new Date(epochMs);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

export function buildProxyEvent(request: ProxyRequest, target: ProxyTarget): APIGatewayProxyEvent {
  const { headers, multiValueHeaders } = headerForms(request.rawHeaders);
  const { single, multi } = queryForms(request.query);
  const headerValue = (name: string) =>
    Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];
  const domainName = headerValue('host') ?? '127.0.0.1';
  const userAgent = headerValue('user-agent') ?? null;
  return {
    resource: target.resourcePath,
    path: request.path,
    httpMethod: request.httpMethod,
    headers,
    multiValueHeaders,
    queryStringParameters: single,
    multiValueQueryStringParameters: multi,
    pathParameters: target.pathParameters,
    stageVariables: null,
    requestContext: {
      resourceId: target.resourceId,
      resourcePath: target.resourcePath,
      httpMethod: request.httpMethod,
      extendedRequestId: `${randomBytes(10).toString('base64').replace(/[+/=]/g, '').slice(0, 14)}=`,
      requestTime: requestTime(request.receivedAt),
      path: `/${target.stage}${request.path}`,
      accountId: target.accountId,
      protocol: 'HTTP/1.1',
      stage: target.stage,
      domainPrefix: domainName.split('.')[0] ?? domainName,
      requestTimeEpoch: request.receivedAt,
      requestId: randomUUID(),
      identity: {
        cognitoIdentityPoolId: null,
        accountId: null,
        cognitoIdentityId: null,
        caller: null,
        sourceIp: request.sourceIp,
        principalOrgId: null,
        accessKey: null,
        cognitoAuthenticationType: null,
        cognitoAuthenticationProvider: null,
        userArn: null,
        userAgent,
        user: null,
      },
      domainName,
      apiId: target.apiId,
      ...(target.claims === undefined ? {} : { authorizer: { claims: target.claims } }),
      // The identity has no apiKey/clientCert fields: API keys and mTLS are not in use.
    } as APIGatewayProxyEvent['requestContext'],
    body: request.body.length === 0 ? null : request.body.toString('utf8'),
    isBase64Encoded: false,
  };
}

/**
 * Header names keep the client's first casing; the single-value form holds the last value. Names
 * are the client's, so they are collected in a Map: `__proto__` or `constructor` is just a name.
 */
function headerForms(rawHeaders: readonly string[]): {
  headers: Record<string, string>;
  multiValueHeaders: Record<string, string[]>;
} {
  const byLowerName = new Map<string, { name: string; values: string[] }>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] ?? '';
    const entry = byLowerName.get(name.toLowerCase()) ?? { name, values: [] };
    entry.values.push(rawHeaders[i + 1] ?? '');
    byLowerName.set(name.toLowerCase(), entry);
  }
  const entries = [...byLowerName.values()];
  return {
    headers: Object.fromEntries(entries.map(({ name, values }) => [name, values.at(-1) ?? ''])),
    multiValueHeaders: Object.fromEntries(entries.map(({ name, values }) => [name, values])),
  };
}

function queryForms(query: string): {
  single: Record<string, string> | null;
  multi: Record<string, string[]> | null;
} {
  const multi = new Map<string, string[]>();
  for (const [name, value] of new URLSearchParams(query))
    multi.set(name, [...(multi.get(name) ?? []), value]);
  if (multi.size === 0) return { single: null, multi: null };
  return {
    single: Object.fromEntries([...multi].map(([name, values]) => [name, values.at(-1) ?? ''])),
    multi: Object.fromEntries(multi),
  };
}
