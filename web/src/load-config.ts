import { isHttpUrl, type RuntimeConfig } from './runtime-config.js';

/** A `/config.json` that is missing or malformed; its message says which. */
export class RuntimeConfigError extends Error {
  override readonly name = 'RuntimeConfigError';
}

function text(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '')
    throw new RuntimeConfigError(`config.json: ${field} is missing`);
  return value;
}

/** An optional link target: absent, or an absolute http(s) URL (never `javascript:` or the like). */
function optionalHttpUrl(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string' && isHttpUrl(value)) return value;
  throw new RuntimeConfigError(`config.json: ${field} must be an absolute http(s) URL`);
}

/** Checks a parsed `/config.json` against RuntimeConfig. */
export function parseRuntimeConfig(json: unknown): RuntimeConfig {
  if (typeof json !== 'object' || json === null) throw new RuntimeConfigError('config.json is not an object');
  const c = json as Record<string, unknown>;
  const authFlow = c.authFlow ?? 'USER_SRP_AUTH';
  if (authFlow !== 'USER_SRP_AUTH' && authFlow !== 'USER_PASSWORD_AUTH') {
    throw new RuntimeConfigError(`config.json: unsupported authFlow ${String(authFlow)}`);
  }
  const endpoint = c.cognitoEndpoint;
  const localCodesUrl = optionalHttpUrl(c.localCodesUrl, 'localCodesUrl');
  return {
    apiUrl: text(c.apiUrl, 'apiUrl'),
    region: text(c.region, 'region'),
    userPoolId: text(c.userPoolId, 'userPoolId'),
    userPoolClientId: text(c.userPoolClientId, 'userPoolClientId'),
    ...(typeof endpoint === 'string' && endpoint ? { cognitoEndpoint: endpoint } : {}),
    authFlow,
    ...(localCodesUrl ? { localCodesUrl } : {}),
  };
}

/** Loads the stage's settings the server built from its environment; nothing stage-specific is in the bundle. */
export async function loadRuntimeConfig(fetchImpl: typeof fetch = fetch): Promise<RuntimeConfig> {
  const res = await fetchImpl('/config.json', { cache: 'no-cache' });
  if (!res.ok) throw new RuntimeConfigError(`Could not load /config.json (HTTP ${res.status})`);
  return parseRuntimeConfig(await res.json());
}
