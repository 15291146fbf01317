/** REST proxy events for the API's tests, in the shape of the shared builder's requests. */

import { proxyEvent } from '@tasktracker/local/proxy-event';
import type { APIGatewayProxyEvent } from 'aws-lambda';

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

/** A REST proxy event for `method resource` as API Gateway delivers it to the route's function. */
export function apiEvent(method: string, resource: string, options: EventOptions = {}): APIGatewayProxyEvent {
  const body =
    options.body === undefined
      ? null
      : typeof options.body === 'string'
        ? options.body
        : JSON.stringify(options.body);
  return proxyEvent({
    httpMethod: method,
    resource,
    ...(options.id === undefined ? {} : { pathParameters: { id: options.id } }),
    headers: { ...(body === null ? {} : { 'Content-Type': 'application/json' }), ...options.headers },
    ...(options.query ? { query: options.query } : {}),
    body,
    isBase64Encoded: options.isBase64Encoded ?? false,
    ...(options.sub === undefined
      ? {}
      : { claims: { sub: options.sub, email: `${options.sub}@example.com` } }),
  });
}
