/** Forged tokens for the authorizer's negative cases, made with node:crypto. */
import { generateKeyPairSync, sign } from 'node:crypto';

function base64url(value: unknown): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

/** Decodes a JWT's header and payload without verifying it. */
export function decodeJwt(token: string): {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
} {
  const [header = '', payload = ''] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString()) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>,
  };
}

/** The same header (kid included) and claims as `token`, signed RS256 by a key the pool never had. */
export function resignWithForeignKey(token: string): string {
  const { header, payload } = decodeJwt(token);
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const input = `${base64url(header)}.${base64url(payload)}`;
  return `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
}
