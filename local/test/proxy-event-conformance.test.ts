import { readFileSync } from 'node:fs';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { proxyEvent } from '../src/services/apigateway/event.js';

/**
 * A REST API (v1) proxy event as API Gateway delivers it for a Cognito-authorized method, shaped
 * after the example in the API Gateway developer guide ("Input format of a Lambda function for
 * proxy integration"), with sanitized values.
 */
const recorded = JSON.parse(
  readFileSync(new URL('./fixtures/apigateway-rest-proxy-event.json', import.meta.url), 'utf8'),
) as APIGatewayProxyEvent;

/** Fields whose keys are data (header names, claims), not part of the event's shape. */
const MAPS = new Set([
  'headers',
  'multiValueHeaders',
  'queryStringParameters',
  'multiValueQueryStringParameters',
  'pathParameters',
  'stageVariables',
  'claims',
]);

/** A description of a value's shape: field names and JSON types, recursively. */
function shape(value: unknown, name = ''): unknown {
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.map((item) => shape(item));
  if (typeof value !== 'object') return typeof value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (MAPS.has(name)) return { '<map of>': [...new Set(entries.map(([, v]) => JSON.stringify(shape(v))))] };
  return Object.fromEntries(
    entries.map(([key, v]) => [key, shape(v, key)]).sort(([a], [b]) => String(a).localeCompare(String(b))),
  );
}

function localEvent(): APIGatewayProxyEvent {
  return proxyEvent({
    httpMethod: 'GET',
    resource: '/tasks/{id}',
    path: '/tasks/0a1b2c',
    pathParameters: { id: '0a1b2c' },
    headers: [
      ['Accept', 'application/json'],
      ['Authorization', 'token'],
      ['Host', '127.0.0.1:3000'],
      ['User-Agent', 'curl/8.5.0'],
    ],
    query: [['verbose', 'true']],
    body: null,
    sourceIp: '127.0.0.1',
    receivedAt: Date.UTC(2023, 10, 14, 22, 20, 1),
    resourceId: 'k9x7yz',
    stage: 'v1',
    apiId: 'abcde12345',
    accountId: '000000000000',
    claims: { sub: 'u1', email: 'user@example.com', token_use: 'id', exp: 'Tue Nov 14 23:13:20 UTC 2023' },
  });
}

describe('the local gateway proxy event', () => {
  it('has the same fields and types as a recorded API Gateway REST proxy event', () => {
    expect(shape(localEvent())).toEqual(shape(recorded));
  });

  it('formats requestTime and path like API Gateway', () => {
    const event = localEvent();
    expect(event.requestContext.requestTime).toBe('14/Nov/2023:22:20:01 +0000');
    expect(event.requestContext.path).toBe('/v1/tasks/0a1b2c');
    expect(event.requestContext.requestTimeEpoch).toBe(Date.UTC(2023, 10, 14, 22, 20, 1));
  });
});
