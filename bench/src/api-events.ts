/**
 * API Gateway REST proxy events as the Cognito-authorized API delivers them to the
 * handlers, and a Lambda context, so a bundled handler can be invoked outside Lambda.
 */
import { randomUUID } from 'node:crypto';
import { IDEMPOTENCY_HEADER } from '@tasktracker/api/contract';
import type { Route } from '@tasktracker/api/routes';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';

/** The signed-in user the events come from (the Cognito authorizer's claims). */
export interface BenchUser {
  readonly sub: string;
  readonly email: string;
}

export interface EventRequest {
  readonly pathParameters?: Record<string, string>;
  readonly query?: Record<string, string>;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

/** A REST API (v1) proxy event for `route`, authorized as `user` when the route is. */
export function apiEvent(route: Route, user: BenchUser, request: EventRequest = {}): APIGatewayProxyEvent {
  const params = request.pathParameters ?? {};
  const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => params[name] ?? name);
  const headers: Record<string, string> = {
    accept: 'application/json',
    host: 'localhost',
    ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
    ...request.headers,
  };
  const query = request.query ?? null;
  const claims = route.authorized
    ? { claims: { sub: user.sub, email: user.email, email_verified: 'true', token_use: 'id' } }
    : null;
  return {
    resource: route.path,
    path,
    httpMethod: route.method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: query,
    multiValueQueryStringParameters: query
      ? Object.fromEntries(Object.entries(query).map(([k, v]) => [k, [v]]))
      : null,
    pathParameters: Object.keys(params).length > 0 ? params : null,
    stageVariables: null,
    body: request.body === undefined ? null : JSON.stringify(request.body),
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'bench',
      authorizer: claims,
      protocol: 'HTTP/1.1',
      httpMethod: route.method,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: '127.0.0.1',
        user: null,
        userAgent: 'bench',
        userArn: null,
      },
      path: `/dev${path}`,
      stage: 'dev',
      requestId: randomUUID(),
      requestTimeEpoch: Date.now(),
      resourceId: 'bench',
      resourcePath: route.path,
    },
  };
}

/** A create body and an idempotency key, unique per call. */
export function createRequest(title: string): EventRequest {
  return {
    body: { title },
    headers: { [IDEMPOTENCY_HEADER.toLowerCase()]: randomUUID() },
  };
}

/** Lambda context fields handlers and Powertools read. */
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
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'bench',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}

/** Finds a route by id; throws with the known ids when missing. */
export function routeById(routes: readonly Route[], id: string): Route {
  const route = routes.find((r) => r.id === id);
  if (!route) throw new Error(`route '${id}' not in ROUTES (${routes.map((r) => r.id).join(', ')})`);
  return route;
}
