/** Builds API Gateway REST (v1 proxy) events like the Cognito-authorized gateway sends. */
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';

export interface EventOptions {
  /** The Cognito `sub` claim; omit for an unauthenticated request. */
  readonly sub?: string;
  /** Task id for `/tasks/{id}` routes. */
  readonly id?: string;
  readonly query?: Record<string, string>;
  /** A value to send as JSON, or a raw string body. */
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  readonly isBase64Encoded?: boolean;
}

/** A REST proxy event for `method path` as API Gateway delivers it to the route's function. */
export function apiEvent(method: string, resource: string, options: EventOptions = {}): APIGatewayProxyEvent {
  const body =
    options.body === undefined
      ? null
      : typeof options.body === 'string'
        ? options.body
        : JSON.stringify(options.body);
  const headers: Record<string, string> = {
    ...(body === null ? {} : { 'Content-Type': 'application/json' }),
    ...options.headers,
  };
  const path = options.id === undefined ? resource : resource.replace('{id}', encodeURIComponent(options.id));
  const requestId = randomUUID();
  return {
    httpMethod: method,
    path,
    resource,
    body,
    isBase64Encoded: options.isBase64Encoded ?? false,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    pathParameters: options.id === undefined ? null : { id: options.id },
    queryStringParameters: options.query ?? null,
    multiValueQueryStringParameters: options.query
      ? Object.fromEntries(Object.entries(options.query).map(([k, v]) => [k, [v]]))
      : null,
    stageVariables: null,
    requestContext: {
      accountId: '123456789012',
      apiId: 'local',
      httpMethod: method,
      path: `/dev${path}`,
      protocol: 'HTTP/1.1',
      requestId,
      requestTimeEpoch: Date.now(),
      resourceId: 'local',
      resourcePath: resource,
      stage: 'dev',
      identity: {
        sourceIp: '127.0.0.1',
        userAgent: 'vitest',
      } as APIGatewayProxyEvent['requestContext']['identity'],
      authorizer:
        options.sub === undefined
          ? null
          : { claims: { sub: options.sub, email: `${options.sub}@example.com` } },
    },
  };
}

/** A Lambda context for one invocation. */
export function lambdaContext(functionName = 'tasktracker-test'): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 10_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
