/**
 * The local Cognito authorizer checks what API Gateway's does: signature, issuer, audience,
 * token_use and expiry. Tokens here are signed with a real RSA key whose JWKS the "pool" serves,
 * so each case differs from a valid token in exactly one claim.
 */
import { generateKeyPairSync, type JsonWebKey, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CognitoAuthorizer, stringClaims } from '../src/services/apigateway/authorizer.js';

const REGION = 'eu-west-1';
const POOL_ID = `${REGION}_TestPool1`;
const CLIENT_ID = 'client-of-the-pool';
const ISSUER = `https://cognito-idp.${REGION}.amazonaws.com/${POOL_ID}`;
const KID = 'test-key';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk: JsonWebKey = { ...publicKey.export({ format: 'jwk' }), kid: KID, alg: 'RS256', use: 'sig' };

const authorizer = new CognitoAuthorizer(
  { logicalId: 'Authorizer', name: 'Authorizer', userPoolIds: [POOL_ID], headerName: 'Authorization' },
  { clientIds: (id) => (id === POOL_ID ? [CLIENT_ID] : []), jwks: () => ({ keys: [jwk] }) },
);

function token(overrides: Record<string, unknown> = {}): string {
  const now = Math.floor(Date.now() / 1000);
  const payload = {
    sub: 'user-1',
    iss: ISSUER,
    aud: CLIENT_ID,
    token_use: 'id',
    email: 'user@example.com',
    iat: now,
    exp: now + 3600,
    ...overrides,
  };
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${encode({ kid: KID, alg: 'RS256' })}.${encode(payload)}`;
  return `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
}

describe('the local Cognito authorizer', () => {
  it('accepts a valid ID token and passes its claims as strings', async () => {
    const claims = await authorizer.verify(token(), []);
    expect(claims).toMatchObject({ sub: 'user-1', aud: CLIENT_ID, token_use: 'id', iss: ISSUER });
    expect(typeof claims?.exp).toBe('string');
  });

  it.each([
    ['another issuer', { iss: `https://cognito-idp.${REGION}.amazonaws.com/${REGION}_OtherPool` }],
    ['an audience that is not a client of the pool', { aud: 'some-other-client' }],
    ['an access token', { token_use: 'access', aud: undefined, client_id: CLIENT_ID }],
    ['an expired token', { exp: Math.floor(Date.now() / 1000) - 60 }],
    ['a correctly signed token without exp, which would never expire', { exp: undefined }],
  ])('refuses %s', async (_name, overrides) => {
    expect(await authorizer.verify(token(overrides), [])).toBeUndefined();
  });

  it('keeps claims named like Object.prototype members as plain claims', () => {
    const payload = JSON.parse('{"__proto__":"a","toString":"b","constructor":"c"}') as Record<
      string,
      unknown
    >;

    const claims = stringClaims(payload);

    expect(Object.entries(claims)).toEqual([
      ['__proto__', 'a'],
      ['toString', 'b'],
      ['constructor', 'c'],
    ]);
  });
});
