/**
 * The web container's runtime configuration. The production server builds `/config.json`
 * from these environment variables, so one image serves every stage; infra sets them on
 * the Fargate task definition and the local cloud on the local process.
 */
export const WEB_ENV = {
  apiUrl: 'API_URL',
  region: 'COGNITO_REGION',
  userPoolId: 'USER_POOL_ID',
  userPoolClientId: 'USER_POOL_CLIENT_ID',
  /** Optional: a Cognito-compatible endpoint (the local cloud's). */
  cognitoEndpoint: 'COGNITO_ENDPOINT',
  /** Optional: `USER_SRP_AUTH` (default) or `USER_PASSWORD_AUTH`. */
  authFlow: 'AUTH_FLOW',
  /**
   * Optional, local cloud only: the page listing the confirmation codes the local Cognito
   * "e-mailed". When set, the confirm screens link to it; no deployed stage sets it.
   */
  localCodesUrl: 'LOCAL_CODES_URL',
  port: 'PORT',
  /** Optional: interface to listen on (default `0.0.0.0`; the local cloud and tests use `127.0.0.1`). */
  host: 'HOST',
} as const;

/** Port the container listens on; the ALB target group and health check use it. */
export const WEB_PORT = 8080;
/** Path the ALB health check requests. */
export const WEB_HEALTH_PATH = '/healthz';

/**
 * Whether `value` is an absolute http: or https: URL, as every URL in the runtime configuration
 * must be (never `javascript:`, a relative path or a bare host).
 */
export function isHttpUrl(value: string): boolean {
  return URL.canParse(value) && /^https?:$/.test(new URL(value).protocol);
}

/** The shape of `/config.json`. */
export interface RuntimeConfig {
  readonly apiUrl: string;
  readonly region: string;
  readonly userPoolId: string;
  readonly userPoolClientId: string;
  readonly cognitoEndpoint?: string;
  readonly authFlow: 'USER_SRP_AUTH' | 'USER_PASSWORD_AUTH';
  /** Set only on the local cloud: where its confirmation codes are listed. */
  readonly localCodesUrl?: string;
}
