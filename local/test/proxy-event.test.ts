import { describe, expect, it } from 'vitest';
import { lambdaContext, proxyEvent, requestTime } from '../src/services/apigateway/event.js';

describe('proxyEvent', () => {
  it('gives headers and query in single- and multi-value forms, one name per header whatever its casing', () => {
    // Act
    const event = proxyEvent({
      httpMethod: 'GET',
      resource: '/tasks',
      headers: [
        ['X-Trace', 'a'],
        ['x-trace', 'b'],
        ['Host', 'api.example.com'],
      ],
      query: [
        ['status', 'todo'],
        ['status', 'done'],
      ],
    });
    // Assert
    expect(event.headers).toEqual({ 'X-Trace': 'b', Host: 'api.example.com' });
    expect(event.multiValueHeaders).toEqual({ 'X-Trace': ['a', 'b'], Host: ['api.example.com'] });
    expect(event.queryStringParameters).toEqual({ status: 'done' });
    expect(event.multiValueQueryStringParameters).toEqual({ status: ['todo', 'done'] });
    expect(event.requestContext.domainName).toBe('api.example.com');
  });

  it('sends null for an absent query, path parameters and body, and no authorizer without claims', () => {
    // Act
    const event = proxyEvent({ httpMethod: 'GET', resource: '/health' });
    // Assert
    expect(event).toMatchObject({
      queryStringParameters: null,
      multiValueQueryStringParameters: null,
      pathParameters: null,
      stageVariables: null,
      body: null,
      isBase64Encoded: false,
    });
    expect(event.requestContext).not.toHaveProperty('authorizer');
  });

  it('fills the path from the resource, prefixes the stage, and passes the claims as the authorizer does', () => {
    // Act
    const event = proxyEvent({
      httpMethod: 'PATCH',
      resource: '/tasks/{id}',
      pathParameters: { id: '01ARZ3NDEKTSV4RRFFQ69G5FAV' },
      claims: { sub: 'alice' },
      stage: 'prod',
      receivedAt: Date.UTC(2026, 10, 24, 12, 34, 56),
    });
    // Assert
    expect(event.path).toBe('/tasks/01ARZ3NDEKTSV4RRFFQ69G5FAV');
    expect(event.requestContext.path).toBe('/prod/tasks/01ARZ3NDEKTSV4RRFFQ69G5FAV');
    expect(event.requestContext.authorizer).toEqual({ claims: { sub: 'alice' } });
    expect(event.requestContext.requestTime).toBe('24/Nov/2026:12:34:56 +0000');
  });
});

describe('the extended request id', () => {
  it("is new for every event, in API Gateway's shape, across many events", () => {
    // Act
    const ids = Array.from(
      { length: 1_000 },
      () => proxyEvent({ httpMethod: 'GET', resource: '/health' }).requestContext.extendedRequestId,
    );

    // Assert
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9]{1,14}=$/);
  });
});

describe('requestTime', () => {
  it("writes API Gateway's day/month/year:time format in UTC", () => {
    expect(requestTime(Date.UTC(2027, 0, 5, 3, 4, 5))).toBe('05/Jan/2027:03:04:05 +0000');
  });
});

describe('lambdaContext', () => {
  it('counts the remaining time down from the timeout and refuses callback-style completion', () => {
    // Act
    const context = lambdaContext('GetTask', 5_000);
    // Assert
    expect(context.getRemainingTimeInMillis()).toBeLessThanOrEqual(5_000);
    expect(context.getRemainingTimeInMillis()).toBeGreaterThan(4_000);
    expect(() => context.done()).toThrow('callback-style completion is not supported');
  });
});
