/**
 * The Cognito user-pools authorizer: verifies the token's RS256 signature against the local
 * pool's keys, its issuer, audience (the pool's app clients), `token_use` and expiry with
 * aws-jwt-verify, and hands over the claims as strings, as API Gateway does. A token without an
 * `exp` claim is refused: aws-jwt-verify checks `exp` only when it is there, and a token that
 * never expires is not one Cognito issues.
 */
import type { JsonWebKey } from 'node:crypto';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import type { CognitoAuthorizerModel } from './model.js';

/** What the gateway needs from the local Cognito. */
export interface UserPoolDirectory {
  clientIds(userPoolId: string): string[];
  jwks(userPoolId: string): { keys: JsonWebKey[] };
}

type Verifier = ReturnType<typeof CognitoJwtVerifier.create>;

/**
 * A token a verifier accepted, with its claims. Its signature, issuer, audience, `token_use` and
 * scopes cannot change, and a `nbf` it passed stays passed: only `exp` is checked again.
 */
interface AcceptedToken {
  readonly exp: number;
  readonly claims: Readonly<Record<string, string>>;
}

/**
 * Accepted tokens remembered per verifier (the oldest goes first): verifying the RS256 signature
 * and parsing the token again on every request of a session was the authorizer's whole cost.
 */
const ACCEPTED_TOKENS_KEPT = 1_000;

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export class CognitoAuthorizer {
  private readonly verifiers = new Map<
    string,
    { readonly verifier: Verifier; readonly accepted: Map<string, AcceptedToken> }
  >();

  constructor(
    private readonly model: CognitoAuthorizerModel,
    private readonly pools: UserPoolDirectory,
  ) {}

  /**
   * The claims of a valid token, or undefined (→ 401 Unauthorized). Without authorization scopes
   * API Gateway requires an ID token; with scopes, an access token carrying one of them.
   */
  async verify(
    headerValue: string | undefined,
    scopes: readonly string[],
  ): Promise<Readonly<Record<string, string>> | undefined> {
    const token = headerValue?.replace(/^Bearer\s+/i, '').trim();
    if (!token) return undefined;
    for (const userPoolId of this.model.userPoolIds) {
      const claims = await this.verifyWithPool(userPoolId, token, scopes);
      if (claims) return claims;
    }
    return undefined;
  }

  /**
   * One verifier per pool, clients and scopes, with the pool's keys imported once: building it
   * (and importing the JWKS) on every request cost more than the signature check itself.
   */
  private verifierFor(userPoolId: string, clientIds: readonly string[], scopes: readonly string[]) {
    const key = JSON.stringify([userPoolId, clientIds, scopes]);
    const cached = this.verifiers.get(key);
    if (cached) return cached;
    const verifier =
      scopes.length > 0
        ? CognitoJwtVerifier.create({
            userPoolId,
            tokenUse: 'access',
            clientId: [...clientIds],
            scope: [...scopes],
          })
        : CognitoJwtVerifier.create({ userPoolId, tokenUse: 'id', clientId: [...clientIds] });
    verifier.cacheJwks(this.pools.jwks(userPoolId) as Parameters<typeof verifier.cacheJwks>[0]);
    const entry = { verifier, accepted: new Map<string, AcceptedToken>() };
    this.verifiers.set(key, entry);
    return entry;
  }

  get headerName(): string {
    return this.model.headerName;
  }

  private async verifyWithPool(
    userPoolId: string,
    token: string,
    scopes: readonly string[],
  ): Promise<Readonly<Record<string, string>> | undefined> {
    const clientIds = this.pools.clientIds(userPoolId);
    if (clientIds.length === 0) return undefined;
    const { verifier, accepted } = this.verifierFor(userPoolId, clientIds, scopes);
    const known = accepted.get(token);
    // Only the expiry can turn an accepted token down later, checked as aws-jwt-verify checks it.
    if (known && known.exp >= Date.now() / 1000) return known.claims;
    accepted.delete(token);
    let payload: Record<string, unknown>;
    try {
      payload = (await verifier.verify(token)) as Record<string, unknown>;
    } catch {
      return undefined;
    }
    if (typeof payload.exp !== 'number') return undefined;
    const claims = Object.freeze(stringClaims(payload));
    if (accepted.size >= ACCEPTED_TOKENS_KEPT) accepted.delete(accepted.keys().next().value as string);
    accepted.set(token, { exp: payload.exp, claims });
    return claims;
  }
}

/** API Gateway passes every claim as a string; times in Java's `Date.toString()` form. */
export function stringClaims(payload: Record<string, unknown>): Record<string, string> {
  // Claim names come from the token: a `__proto__` claim must stay a claim.
  const out = Object.create(null) as Record<string, string>;
  for (const [name, value] of Object.entries(payload)) {
    if (['exp', 'iat', 'auth_time'].includes(name) && typeof value === 'number') out[name] = javaDate(value);
    else if (Array.isArray(value)) out[name] = value.join(',');
    else if (typeof value === 'object' && value !== null) out[name] = JSON.stringify(value);
    else out[name] = String(value);
  }
  return out;
}

function javaDate(epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}
