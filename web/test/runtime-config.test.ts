import { describe, expect, it } from 'vitest';
import { ConfigError, contentSecurityPolicy, readRuntimeConfig } from '../server/config.js';
import { parseRuntimeConfig, RuntimeConfigError } from '../src/load-config.js';

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

  it('says which field is missing', () => {
    expect(() => parseRuntimeConfig({ apiUrl: 'https://x', region: 'eu-west-1' })).toThrow(
      new RuntimeConfigError('config.json: userPoolId is missing'),
    );
  });
});
