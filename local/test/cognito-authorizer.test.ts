/**
 * The local Cognito authorizer checks what API Gateway's does: signature, issuer, audience,
 * token_use and expiry. Tokens here are signed with a real RSA key whose JWKS the "pool" serves,
 * so each case differs from a valid token in exactly one claim.
 */
import { generateKeyPairSync, type JsonWebKey, sign } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
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

/** An authorizer with nothing remembered yet. */
function freshAuthorizer(clientIds: () => string[] = () => [CLIENT_ID]): CognitoAuthorizer {
  return new CognitoAuthorizer(
    { logicalId: 'Authorizer', name: 'Authorizer', userPoolIds: [POOL_ID], headerName: 'Authorization' },
    { clientIds, jwks: () => ({ keys: [jwk] }) },
  );
}

describe('the authorizer remembering accepted tokens', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it.each<[string, (pool: { clients: string[] }) => void]>([
    ['the token has expired', () => vi.setSystemTime(Date.now() + 61_000)],
    [
      'its app client is no longer one of the pool',
      (pool) => {
        pool.clients = ['another-client'];
      },
    ],
  ])('refuses a token it accepted once %s', async (_, change) => {
    // Arrange: a token that expires in a minute, accepted while its app client is one of the pool.
    vi.useFakeTimers({ toFake: ['Date'] });
    const pool = { clients: [CLIENT_ID] };
    const fresh = freshAuthorizer(() => pool.clients);
    const idToken = token({ exp: Math.floor(Date.now() / 1000) + 60 });
    const before = await fresh.verify(idToken, []);

    // Act
    change(pool);
    const after = await fresh.verify(idToken, []);

    // Assert
    expect(before?.sub).toBe('user-1');
    expect(after).toBeUndefined();
  });

  it('keeps refusing a token it refused', async () => {
    // Arrange
    const fresh = freshAuthorizer();
    const foreign = token({ aud: 'some-other-client' });

    // Act
    const answers = [await fresh.verify(foreign, []), await fresh.verify(foreign, [])];

    // Assert
    expect(answers).toEqual([undefined, undefined]);
  });

  it('does not accept an ID token it accepted for a method without scopes on a method with scopes', async () => {
    // Arrange
    const fresh = freshAuthorizer();
    const idToken = token();
    await fresh.verify(idToken, []);

    // Act
    const scoped = await fresh.verify(idToken, ['tasks/read']);

    // Assert
    expect(scoped).toBeUndefined();
  });

  it('hands out the same claims for a token it accepted before', async () => {
    // Arrange
    const fresh = freshAuthorizer();
    const idToken = token({ email: 'again@example.com' });
    const first = await fresh.verify(idToken, []);

    // Act
    const second = await fresh.verify(idToken, []);

    // Assert
    expect(second).toEqual(first);
    expect(second?.email).toBe('again@example.com');
  });
});
