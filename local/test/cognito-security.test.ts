/**
 * The local Cognito tried as an attacker on 127.0.0.1 would: names of Object.prototype members as
 * operations, user names, attribute names, ids and body keys, and calls from a foreign web page.
 * Secrets (the pool's private key, password hashes, SRP verifiers) are read from the data folder
 * so every answer can be checked for them.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AdminConfirmSignUpCommand,
  type CognitoIdentityProviderClient,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localCognitoClient } from '../src/services/cognito/client.js';
import { LocalCognito, type UserPoolSpec } from '../src/services/cognito/index.js';
import { OPERATIONS } from '../src/services/cognito/operations.js';
import { signInWithSrp } from '../src/services/cognito/srp-client.js';
import { BUILT_IN_NAMES } from './support/built-in-names.js';
import { PASSWORD_AUTH_POOL } from './support/cognito-pool.js';
import { getWithHost } from './support/http.js';
import { decodeJwt } from './support/tokens.js';

const REGION = 'eu-west-1';
const PASSWORD = 'Correct-horse-9';
const WEB_ORIGIN = 'http://127.0.0.1:8080';
const TARGET = 'AWSCognitoIdentityProviderService.';

/** The template's pool, plus a pool whose users choose a user name (so `constructor` can be one). */
const EMAIL_POOL = PASSWORD_AUTH_POOL;
const NAME_POOL: UserPoolSpec = { ...EMAIL_POOL, logicalId: 'NamePool', usernameAttributes: [] };

const dataDir = mkdtempSync(join(tmpdir(), 'local-cognito-security-'));
const cognito = new LocalCognito({ port: 0, region: REGION, dataDir, allowedOrigins: () => [WEB_ORIGIN] });
let sdk: CognitoIdentityProviderClient;
const ids = { emailPool: '', emailClient: '', namePool: '', nameClient: '' };

beforeAll(async () => {
  await cognito.start();
  const emailPool = await cognito.ensureUserPool(EMAIL_POOL);
  const namePool = await cognito.ensureUserPool(NAME_POOL);
  ids.emailPool = emailPool.userPoolId;
  ids.emailClient = emailPool.clientIds.WebClient ?? '';
  ids.namePool = namePool.userPoolId;
  ids.nameClient = namePool.clientIds.WebClient ?? '';
  sdk = localCognitoClient(cognito.url, REGION);
  await sdk.send(
    new SignUpCommand({ ClientId: ids.emailClient, Username: 'ada@example.com', Password: PASSWORD }),
  );
  await sdk.send(new AdminConfirmSignUpCommand({ UserPoolId: ids.emailPool, Username: 'ada@example.com' }));
});

afterAll(async () => {
  sdk.destroy();
  await cognito.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** What no answer may contain: private key parameters, password hashes, SRP verifiers. */
function secrets(): string[] {
  const read = (file: string) => JSON.parse(readFileSync(join(dataDir, 'cognito', file), 'utf8')) as unknown;
  const keys = read('keys.json') as { keys: Record<string, { privateJwk: Record<string, string> }> };
  const state = read('state.json') as {
    pools: Record<string, { users: Record<string, { passwordHash: string; srp?: { verifier: string } }> }>;
  };
  const privateParts = Object.values(keys.keys).flatMap(({ privateJwk }) =>
    ['d', 'p', 'q', 'dp', 'dq', 'qi'].map((name) => privateJwk[name] ?? ''),
  );
  const userSecrets = Object.values(state.pools).flatMap((pool) =>
    Object.values(pool.users).flatMap((user) => [user.passwordHash, user.srp?.verifier ?? '']),
  );
  return [...privateParts, ...userSecrets].filter((secret) => secret.length > 16);
}

/** Posts raw JSON text, so keys such as `__proto__` reach the service as written. */
async function call(operation: string, body: string, headers: Record<string, string> = {}) {
  const response = await fetch(cognito.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `${TARGET}${operation}`,
      ...headers,
    },
    body,
  });
  return { status: response.status, text: await response.text() };
}

describe('operations named like Object.prototype members', () => {
  it.each(BUILT_IN_NAMES)('answers %s as an unknown operation and leaks nothing', async (name) => {
    const { status, text } = await call(name, '{}');

    expect(status).toBe(400);
    expect(JSON.parse(text)).toMatchObject({ __type: 'UnknownOperationException' });
    for (const secret of secrets()) expect(text).not.toContain(secret);
  });
});

describe('user names like Object.prototype members', () => {
  it.each(BUILT_IN_NAMES)('treats %s as an unknown user wherever a user is named', async (name) => {
    const client = { ClientId: ids.nameClient };
    const answers = await Promise.all([
      call(
        'InitiateAuth',
        JSON.stringify({
          ...client,
          AuthFlow: 'USER_PASSWORD_AUTH',
          AuthParameters: { USERNAME: name, PASSWORD },
        }),
      ),
      call('ConfirmSignUp', JSON.stringify({ ...client, Username: name, ConfirmationCode: '123456' })),
      call('AdminGetUser', JSON.stringify({ UserPoolId: ids.namePool, Username: name })),
      call('ForgotPassword', JSON.stringify({ ...client, Username: name })),
    ]);

    expect(
      answers.map(({ status, text }) => [status, (JSON.parse(text) as { __type?: string }).__type]),
    ).toEqual([
      [400, 'NotAuthorizedException'],
      [400, 'CodeMismatchException'],
      [400, 'UserNotFoundException'],
      [200, undefined],
    ]);
  });

  it('signs up and signs in a user called constructor like any other', async () => {
    await sdk.send(
      new SignUpCommand({ ClientId: ids.nameClient, Username: 'constructor', Password: PASSWORD }),
    );
    await sdk.send(new AdminConfirmSignUpCommand({ UserPoolId: ids.namePool, Username: 'constructor' }));

    const tokens = await signInWithSrp(sdk, {
      userPoolId: ids.namePool,
      clientId: ids.nameClient,
      username: 'constructor',
      password: PASSWORD,
    });

    expect(decodeJwt(tokens.IdToken ?? '').payload).toMatchObject({ 'cognito:username': 'constructor' });
  });
});

describe('attribute names like Object.prototype members', () => {
  it.each(BUILT_IN_NAMES)('refuses an attribute called %s as outside the schema', async (name) => {
    const body = JSON.stringify({
      ClientId: ids.emailClient,
      Username: 'attr@example.com',
      Password: PASSWORD,
      UserAttributes: [{ Name: name, Value: 'x' }],
    });

    const { status, text } = await call('SignUp', body);

    expect(status).toBe(400);
    expect(JSON.parse(text)).toEqual({
      __type: 'InvalidParameterException',
      message: `Attributes did not conform to the schema: ${name}: Attribute does not exist in the schema.`,
    });
  });

  it('keeps the custom attributes the schema declares, as custom:<name>', async () => {
    const pool = await cognito.ensureUserPool({
      ...EMAIL_POOL,
      logicalId: 'TeamPool',
      customAttributes: ['team'],
    });
    const ClientId = pool.clientIds.WebClient ?? '';
    await sdk.send(
      new SignUpCommand({
        ClientId,
        Username: 'grace@example.com',
        Password: PASSWORD,
        UserAttributes: [{ Name: 'custom:team', Value: 'compilers' }],
      }),
    );
    await sdk.send(
      new AdminConfirmSignUpCommand({ UserPoolId: pool.userPoolId, Username: 'grace@example.com' }),
    );

    const tokens = await signInWithSrp(sdk, {
      userPoolId: pool.userPoolId,
      clientId: ClientId,
      username: 'grace@example.com',
      password: PASSWORD,
    });

    expect(decodeJwt(tokens.IdToken ?? '').payload).toMatchObject({ 'custom:team': 'compilers' });
  });
});

describe('the codes page', () => {
  it('answers only requests addressed to its own loopback host (no DNS rebinding)', async () => {
    const { port } = new URL(cognito.url);
    const status = async (host: string) => (await getWithHost(cognito.url, '/_local/codes', host)).status;
    expect(await status(`rebound.example:${port}`)).toBe(403);
    expect(await status(`127.0.0.1:${port}`)).toBe(200);
  });
});

describe('calls from a browser page', () => {
  it('answers the local web app, and refuses preflight and calls from any other origin', async () => {
    const preflight = (origin: string) =>
      fetch(cognito.url, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'x-amz-target',
        },
      });

    const allowed = await preflight(WEB_ORIGIN);
    const foreign = await preflight('http://evil.example');

    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(WEB_ORIGIN);
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    expect(foreign.headers.get('access-control-allow-headers')).toBeNull();
  });

  it('answers pages on loopback and no other site when no web origin is given', async () => {
    const unconfigured = new LocalCognito({ port: 0, region: REGION });
    await unconfigured.start();
    const status = async (origin: string) =>
      (await fetch(unconfigured.url, { method: 'OPTIONS', headers: { origin } })).status;

    const answers = await Promise.all(
      [
        'http://127.0.0.1:8080',
        'http://localhost:5173',
        'http://evil.example',
        'http://127.0.0.1.evil.example',
      ].map(status),
    );
    await unconfigured.stop();

    expect(answers).toEqual([204, 204, 403, 403]);
  });

  it('runs no operation for a foreign origin', async () => {
    const body = JSON.stringify({
      ClientId: ids.emailClient,
      Username: 'mallory@example.com',
      Password: PASSWORD,
    });

    const { status } = await call('SignUp', body, { origin: 'http://evil.example' });
    const retry = await call('SignUp', body);

    expect(status).toBe(403);
    expect(retry.status).toBe(200);
  });
});

describe('every keyed input, fed built-in property names (property)', () => {
  const name = fc.constantFrom(...BUILT_IN_NAMES);
  const fields = [
    'ClientId',
    'UserPoolId',
    'Username',
    'Password',
    'ConfirmationCode',
    'AuthFlow',
    'AuthParameters',
    'ChallengeName',
    'ChallengeResponses',
    'UserAttributes',
    'AccessToken',
    'RefreshToken',
    'Token',
    'Filter',
    'PaginationToken',
    'USERNAME',
    'PASSWORD',
    'SRP_A',
    'REFRESH_TOKEN',
    'PASSWORD_CLAIM_SECRET_BLOCK',
    'PASSWORD_CLAIM_SIGNATURE',
    'TIMESTAMP',
  ];
  const key = fc.oneof(name, fc.constantFrom(...fields));
  /** Values that make an operation get far: the real ids and a valid password, next to built-in names. */
  const scalar = fc.oneof(
    name,
    fc
      .constantFrom(ids)
      .chain((known) =>
        fc.constantFrom(known.emailClient, known.nameClient, known.emailPool, known.namePool),
      ),
    fc.constantFrom(
      PASSWORD,
      'ada@example.com',
      'USER_PASSWORD_AUTH',
      'USER_SRP_AUTH',
      'PASSWORD_VERIFIER',
      '0',
    ),
    fc.integer(),
    fc.constant(null),
  );
  const json = fc.letrec<{ value: string; object: string }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      scalar.map((v) => JSON.stringify(v)),
      tie('object'),
      fc
        .array(fc.record({ Name: name, Value: name }), { maxLength: 3 })
        .map((attributes) => JSON.stringify(attributes)),
    ),
    object: fc
      .array(fc.tuple(key, tie('value')), { maxLength: 6 })
      .map((entries) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`),
  }));
  const operation = fc.oneof(name, fc.constantFrom(...OPERATIONS.keys()));

  it('never answers 500 and never shows a secret', async () => {
    await fc.assert(
      fc.asyncProperty(operation, json.object, async (op, body) => {
        const { status, text } = await call(op, body);
        expect(status, `${op} ${body} → ${text}`).toBeLessThan(500);
        for (const secret of secrets()) expect(text).not.toContain(secret);
      }),
      { numRuns: 300 },
    );
  }, 120_000);
});
