/**
 * API Gateway REST proxy events as the Cognito-authorized API delivers them to the handlers,
 * built with the API's shared builder, so a bundled handler can be invoked outside Lambda.
 */
import { randomUUID } from 'node:crypto';
import { IDEMPOTENCY_HEADER } from '@tasktracker/api/contract';
import type { Route } from '@tasktracker/api/routes';
import { proxyEvent } from '@tasktracker/local/proxy-event';
import type { APIGatewayProxyEvent } from 'aws-lambda';

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
  return proxyEvent({
    httpMethod: route.method,
    resource: route.path,
    ...(request.pathParameters ? { pathParameters: request.pathParameters } : {}),
    headers: {
      accept: 'application/json',
      host: 'localhost',
      'user-agent': 'bench',
      ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...request.headers,
    },
    ...(request.query ? { query: request.query } : {}),
    body: request.body === undefined ? null : JSON.stringify(request.body),
    apiId: 'bench',
    ...(route.authorized
      ? { claims: { sub: user.sub, email: user.email, email_verified: 'true', token_use: 'id' } }
      : {}),
  });
}

/** A create body and an idempotency key, unique per call. */
export function createRequest(title: string): EventRequest {
  return {
    body: { title },
    headers: { [IDEMPOTENCY_HEADER.toLowerCase()]: randomUUID() },
  };
}

/** Finds a route by id; throws with the known ids when missing. */
export function routeById(routes: readonly Route[], id: string): Route {
  const route = routes.find((r) => r.id === id);
  if (!route) throw new Error(`route '${id}' not in ROUTES (${routes.map((r) => r.id).join(', ')})`);
  return route;
}
