import { isHttpUrl, type RuntimeConfig, WEB_ENV } from '../src/runtime-config.js';

/** A deployment mistake in the container's environment; its message is one line for the operator. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const AUTH_FLOWS = ['USER_SRP_AUTH', 'USER_PASSWORD_AUTH'] as const;

type Env = Readonly<Record<string, string | undefined>>;

function required(env: Env, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new ConfigError(`Missing required environment variable ${name}`);
  return value;
}

function httpUrl(name: string, value: string): string {
  if (!isHttpUrl(value)) throw new ConfigError(`${name} must be an absolute http(s) URL, got "${value}"`);
  return value;
}

/** Builds `/config.json` from the environment (WEB_ENV); throws ConfigError naming the bad variable. */
export function readRuntimeConfig(env: Env): RuntimeConfig {
  const apiUrl = httpUrl(WEB_ENV.apiUrl, required(env, WEB_ENV.apiUrl));
  const region = required(env, WEB_ENV.region);
  const userPoolId = required(env, WEB_ENV.userPoolId);
  const userPoolClientId = required(env, WEB_ENV.userPoolClientId);
  const endpoint = env[WEB_ENV.cognitoEndpoint]?.trim();
  const localCodesUrl = env[WEB_ENV.localCodesUrl]?.trim();
  const flow = env[WEB_ENV.authFlow]?.trim() || 'USER_SRP_AUTH';
  const authFlow = AUTH_FLOWS.find((f) => f === flow);
  if (!authFlow) {
    throw new ConfigError(`${WEB_ENV.authFlow} must be one of ${AUTH_FLOWS.join(', ')}, got "${flow}"`);
  }
  return {
    apiUrl,
    region,
    userPoolId,
    userPoolClientId,
    ...(endpoint ? { cognitoEndpoint: httpUrl(WEB_ENV.cognitoEndpoint, endpoint) } : {}),
    authFlow,
    ...(localCodesUrl ? { localCodesUrl: httpUrl(WEB_ENV.localCodesUrl, localCodesUrl) } : {}),
  };
}

/** The origin the SPA talks to for sign-in: the configured endpoint or the region's Cognito IdP. */
export function cognitoOrigin(config: RuntimeConfig): string {
  if (config.cognitoEndpoint) return new URL(config.cognitoEndpoint).origin;
  return `https://cognito-idp.${config.region}.amazonaws.com`;
}

/** CSP for every response: scripts and styles only from this origin, XHR only to the API and Cognito. */
export function contentSecurityPolicy(config: RuntimeConfig): string {
  const connect = ["'self'", new URL(config.apiUrl).origin, cognitoOrigin(config)];
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `connect-src ${[...new Set(connect)].join(' ')}`,
    "img-src 'self' data:",
    "font-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "object-src 'none'",
  ].join('; ');
}
