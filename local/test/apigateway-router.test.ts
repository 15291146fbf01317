import { describe, expect, it } from 'vitest';
import { stringClaims } from '../src/services/apigateway/authorizer.js';
import { proxyResult } from '../src/services/apigateway/index.js';
import type { ApiMethod } from '../src/services/apigateway/model.js';
import { matchRoute } from '../src/services/apigateway/router.js';

function method(httpMethod: string, resourcePath: string): ApiMethod {
  return {
    logicalId: `${httpMethod}${resourcePath}`,
    resourceId: 'r',
    resourcePath,
    httpMethod,
    authorizationType: 'NONE',
    authorizationScopes: [],
    integrationType: 'AWS_PROXY',
    lambdaArn: 'arn',
    integrationTimeoutMs: 29_000,
  };
}

const METHODS = [
  method('GET', '/tasks'),
  method('POST', '/tasks'),
  method('GET', '/tasks/{id}'),
  method('GET', '/tasks/search'),
  method('ANY', '/files/{proxy+}'),
  method('GET', '/'),
];

describe('matchRoute', () => {
  it('matches static paths and verbs', () => {
    expect(matchRoute(METHODS, 'POST', '/tasks')?.method.logicalId).toBe('POST/tasks');
    expect(matchRoute(METHODS, 'GET', '/')?.method.logicalId).toBe('GET/');
  });

  it('extracts decoded path parameters', () => {
    const match = matchRoute(METHODS, 'GET', '/tasks/a%20b');
    expect(match?.method.resourcePath).toBe('/tasks/{id}');
    expect(match?.pathParameters).toEqual({ id: 'a b' });
  });

  it('prefers a static segment over a parameter', () => {
    expect(matchRoute(METHODS, 'GET', '/tasks/search')?.method.resourcePath).toBe('/tasks/search');
  });

  it('matches {proxy+} greedily with ANY', () => {
    const match = matchRoute(METHODS, 'DELETE', '/files/a/b/c');
    expect(match?.pathParameters).toEqual({ proxy: 'a/b/c' });
  });

  it('finds nothing for an unknown path or verb (API Gateway then answers 403 Missing Authentication Token)', () => {
    expect(matchRoute(METHODS, 'GET', '/nothing')).toBeUndefined();
    expect(matchRoute(METHODS, 'DELETE', '/tasks')).toBeUndefined();
    expect(matchRoute(METHODS, 'GET', '/tasks/1/extra')).toBeUndefined();
  });
});

describe('proxyResult', () => {
  it('accepts a well-formed result', () => {
    expect(proxyResult({ statusCode: 201, headers: { 'x-a': 1 }, body: '{}' })).toMatchObject({
      statusCode: 201,
      headers: { 'x-a': '1' },
      body: '{}',
    });
    expect(proxyResult({ statusCode: 204 })).toMatchObject({ statusCode: 204, body: '' });
  });

  it('rejects what API Gateway calls a malformed Lambda proxy response', () => {
    expect(proxyResult('ok')).toBeUndefined();
    expect(proxyResult(null)).toBeUndefined();
    expect(proxyResult({ statusCode: '200', body: '' })).toBeUndefined();
    expect(proxyResult({ statusCode: 200, body: { a: 1 } })).toBeUndefined();
    expect(proxyResult({ body: 'x' })).toBeUndefined();
  });
});

describe('stringClaims', () => {
  it('passes every claim as a string, times in the form API Gateway uses', () => {
    expect(
      stringClaims({ sub: 'u', email_verified: true, exp: 1700003600, 'cognito:groups': ['a', 'b'] }),
    ).toEqual({
      sub: 'u',
      email_verified: 'true',
      exp: 'Tue Nov 14 23:13:20 UTC 2023',
      'cognito:groups': 'a,b',
    });
  });
});
