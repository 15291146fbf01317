/**
 * RS256 signing keys (one RSA-2048 key per user pool, generated locally, never shipped) and the
 * small amount of JWT handling the service needs: sign, and verify its own tokens.
 */
import {
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  type JsonWebKey,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';

/** A pool's key as persisted: the private JWK and its key id. */
export interface StoredSigningKey {
  readonly kid: string;
  readonly privateJwk: JsonWebKey;
  readonly createdAt: string;
}

/** A signing key ready for use. */
export class SigningKey {
  private readonly privateKey: KeyObject;
  readonly publicJwk: JsonWebKey;

  constructor(readonly stored: StoredSigningKey) {
    this.privateKey = createPrivateKey({ key: stored.privateJwk, format: 'jwk' });
    const { n, e } = createPublicKey(this.privateKey).export({ format: 'jwk' });
    this.publicJwk = { kty: 'RSA', alg: 'RS256', use: 'sig', kid: stored.kid, n, e } as JsonWebKey;
  }

  get kid(): string {
    return this.stored.kid;
  }

  static async generate(): Promise<SigningKey> {
    const privateKey = await new Promise<KeyObject>((resolve, reject) => {
      generateKeyPair('rsa', { modulusLength: 2048 }, (err, _pub, priv) =>
        err ? reject(err) : resolve(priv),
      );
    });
    const privateJwk = privateKey.export({ format: 'jwk' });
    // The key id is a digest of the public modulus, like a JWK thumbprint: stable for the key, unique across keys.
    const kid = createHash('sha256')
      .update(privateJwk.n ?? '')
      .digest('base64url')
      .slice(0, 43);
    return new SigningKey({ kid, privateJwk, createdAt: new Date().toISOString() });
  }

  /**
   * A secret derived from the private key for one purpose (`label`): stable for as long as the
   * key is, so what it seeds looks the same across restarts, and never usable to rebuild the key.
   */
  derivedSecret(label: string): Buffer {
    return createHmac('sha256', this.stored.privateJwk.d ?? '')
      .update(label)
      .digest();
  }

  /** Signs claims as a compact RS256 JWT with this key's `kid`. */
  signJwt(claims: Record<string, unknown>): string {
    const header = encodeSegment({ kid: this.kid, alg: 'RS256' });
    const payload = encodeSegment(claims);
    const signature = sign('sha256', Buffer.from(`${header}.${payload}`), this.privateKey);
    return `${header}.${payload}.${signature.toString('base64url')}`;
  }

  /** The claims of a JWT this key signed, or undefined when the token is malformed or signed otherwise. */
  verifiedClaims(token: string): Record<string, unknown> | undefined {
    const [header, payload, signature, ...rest] = token.split('.');
    if (!header || !payload || !signature || rest.length > 0) return undefined;
    const parsedHeader = decodeSegment(header);
    if (parsedHeader?.alg !== 'RS256' || parsedHeader.kid !== this.kid) return undefined;
    const ok = verify(
      'sha256',
      Buffer.from(`${header}.${payload}`),
      this.privateKey,
      Buffer.from(signature, 'base64url'),
    );
    return ok ? decodeSegment(payload) : undefined;
  }
}

function encodeSegment(value: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function decodeSegment(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
