import { describe, expect, it } from 'vitest';
import { ConfigError, contentSecurityPolicy, readRuntimeConfig } from '../server/config.js';
import { parseRuntimeConfig, RuntimeConfigError } from '../src/load-config.js';
import { isHttpUrl } from '../src/runtime-config.js';

const env = {
  API_URL: 'http://127.0.0.1:4010/local/',
  COGNITO_REGION: 'local',
  USER_POOL_ID: 'local_abc',
  USER_POOL_CLIENT_ID: 'client',
  COGNITO_ENDPOINT: 'http://127.0.0.1:4020',
  AUTH_FLOW: 'USER_PASSWORD_AUTH',
};

describe('readRuntimeConfig (server side)', () => {
  it('defaults the auth flow to SRP and leaves out an unset endpoint', () => {
    const { COGNITO_ENDPOINT: _, AUTH_FLOW: __, ...aws } = env;
    expect(readRuntimeConfig(aws)).toEqual({
      apiUrl: 'http://127.0.0.1:4010/local/',
      region: 'local',
      userPoolId: 'local_abc',
      userPoolClientId: 'client',
      authFlow: 'USER_SRP_AUTH',
    });
  });

  it('names the variable that is not a URL', () => {
    expect(() => readRuntimeConfig({ ...env, COGNITO_ENDPOINT: 'localhost:4020' })).toThrow(
      new ConfigError('COGNITO_ENDPOINT must be an absolute http(s) URL, got "localhost:4020"'),
    );
  });

  it('hands the SPA the local codes page when LOCAL_CODES_URL is set (local cloud only)', () => {
    // Arrange
    const local = { ...env, LOCAL_CODES_URL: 'http://127.0.0.1:4020/_local/' };

    // Act
    const config = readRuntimeConfig(local);

    // Assert
    expect(config.localCodesUrl).toBe('http://127.0.0.1:4020/_local/');
  });

  it('names LOCAL_CODES_URL when it is not a URL', () => {
    expect(() => readRuntimeConfig({ ...env, LOCAL_CODES_URL: '/_local/' })).toThrow(
      new ConfigError('LOCAL_CODES_URL must be an absolute http(s) URL, got "/_local/"'),
    );
  });

  it('lets the browser reach the custom Cognito endpoint instead of the regional one', () => {
    const csp = contentSecurityPolicy(readRuntimeConfig(env));
    expect(csp).toContain("connect-src 'self' http://127.0.0.1:4010 http://127.0.0.1:4020;");
    expect(csp).not.toContain('amazonaws.com');
  });
});

describe('parseRuntimeConfig (browser side)', () => {
  it('accepts what the server serves', () => {
    const config = readRuntimeConfig(env);
    expect(parseRuntimeConfig(JSON.parse(JSON.stringify(config)))).toEqual(config);
  });

  it('refuses a local codes link that is not http(s), so config.json cannot plant a script URL', () => {
    // Arrange
    const served = { ...readRuntimeConfig(env), localCodesUrl: 'javascript:alert(1)' };

    // Act
    const parse = () => parseRuntimeConfig(served);

    // Assert
    expect(parse).toThrow(
      new RuntimeConfigError('config.json: localCodesUrl must be an absolute http(s) URL'),
    );
  });

  it('says which field is missing', () => {
    expect(() => parseRuntimeConfig({ apiUrl: 'https://x', region: 'eu-west-1' })).toThrow(
      new RuntimeConfigError('config.json: userPoolId is missing'),
    );
  });
});

describe('isHttpUrl', () => {
  it.each([
    ['http://127.0.0.1:4010/local/', true],
    ['https://tasks.example.com', true],
    ['HTTPS://Example.com/x?y=1', true],
    ['localhost:4020', false],
    ['/_local/', false],
    ['example.com', false],
    ['javascript:alert(1)', false],
    ['ftp://example.com', false],
    ['', false],
  ])('%j is an absolute http(s) URL: %s', (value, verdict) => {
    expect(isHttpUrl(value)).toBe(verdict);
  });
});
