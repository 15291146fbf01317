import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type CognitoIdentityProviderClient,
  ConfirmSignUpCommand,
  InitiateAuthCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterEach, describe, expect, it } from 'vitest';
import { localCognitoClient } from '../src/services/cognito/client.js';
import { type EnsuredUserPool, LocalCognito } from '../src/services/cognito/index.js';
import { signInWithSrp } from '../src/services/cognito/srp-client.js';
import { SPA_USER_POOL } from './support/cognito-pool.js';

const REGION = 'us-east-1';
const PASSWORD = 'Correct-horse-9';
const POOL = SPA_USER_POOL;

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'local-cognito-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function started(options: {
  dataDir?: string;
  port?: number;
  log?: (line: string) => void;
}): Promise<LocalCognito> {
  const cognito = new LocalCognito({
    port: options.port ?? 0,
    region: REGION,
    dataDir: options.dataDir,
    ...(options.log ? { log: options.log } : {}),
  });
  await cognito.start();
  cleanups.push(() => cognito.stop());
  return cognito;
}

function sdkFor(cognito: LocalCognito): CognitoIdentityProviderClient {
  const sdk = localCognitoClient(cognito.url, REGION);
  cleanups.push(() => sdk.destroy());
  return sdk;
}

/** Signs in as the SPA does (SRP), so the stored verifier is what is tested. */
function signIn(cognito: LocalCognito, pool: EnsuredUserPool, email: string) {
  return signInWithSrp(sdkFor(cognito), {
    userPoolId: pool.userPoolId,
    clientId: pool.clientIds.WebClient ?? '',
    username: email,
    password: PASSWORD,
  });
}

/**
 * A started local Cognito on `dataDir` (in memory without one) with the pool ensured and `email`
 * signed up, unconfirmed, and the code it was sent.
 */
async function withSignedUpUser(email: string, dataDir?: string) {
  const cognito = await started({ dataDir });
  const pool = await cognito.ensureUserPool(POOL);
  const clientId = pool.clientIds.WebClient ?? '';
  await sdkFor(cognito).send(new SignUpCommand({ ClientId: clientId, Username: email, Password: PASSWORD }));
  return { cognito, pool, clientId, code: cognito.confirmationCodes().at(-1)?.code };
}

describe('local Cognito persistence', () => {
  it('keeps pool ids, keys, users, sessions and codes across restarts with the same data folder', async () => {
    const dataDir = tempDir();
    const { cognito: first, pool, clientId, code } = await withSignedUpUser('ada@example.com', dataDir);
    const jwks = first.jwks(pool.userPoolId);
    await first.stop();

    const second = await started({ dataDir });
    expect(await second.ensureUserPool(POOL)).toEqual(pool);
    expect(second.jwks(pool.userPoolId)).toEqual(jwks);
    expect(second.confirmationCodes().at(-1)).toMatchObject({ username: 'ada@example.com', code });
    await expect(signIn(second, pool, 'ada@example.com')).rejects.toMatchObject({
      name: 'UserNotConfirmedException',
    });
    await sdkFor(second).send(
      new ConfirmSignUpCommand({ ClientId: clientId, Username: 'ada@example.com', ConfirmationCode: code }),
    );
    const tokens = await signIn(second, pool, 'ada@example.com');
    await second.stop();

    const third = await started({ dataDir });
    await third.ensureUserPool(POOL);
    const refreshed = await sdkFor(third).send(
      new InitiateAuthCommand({
        ClientId: clientId,
        AuthFlow: 'REFRESH_TOKEN_AUTH',
        AuthParameters: { REFRESH_TOKEN: tokens.RefreshToken ?? '' },
      }),
    );
    expect(refreshed.AuthenticationResult?.IdToken).toBeTruthy();

    const files = readdirSync(join(dataDir, 'cognito')).sort();
    expect(files).toEqual(['keys.json', 'state.json']);
    expect(statSync(join(dataDir, 'cognito', 'keys.json')).mode & 0o777).toBe(0o600);
    const state = readFileSync(join(dataDir, 'cognito', 'state.json'), 'utf8');
    expect(state).not.toContain(PASSWORD);
    expect(state).not.toContain(tokens.RefreshToken);
  });

  it('says how to recover when a user stored without an SRP verifier tries SRP', async () => {
    // Arrange: a confirmed user, then its verifier removed as a data folder from before SRP has none.
    const dataDir = tempDir();
    const { cognito: first, pool, clientId, code } = await withSignedUpUser('old@example.com', dataDir);
    await sdkFor(first).send(
      new ConfirmSignUpCommand({ ClientId: clientId, Username: 'old@example.com', ConfirmationCode: code }),
    );
    await first.stop();
    const stateFile = join(dataDir, 'cognito', 'state.json');
    writeFileSync(stateFile, readFileSync(stateFile, 'utf8').replace(/"srp": \{[^}]*\},?/g, ''));
    const log: string[] = [];
    const second = await started({ dataDir, log: (line) => log.push(line) });
    await second.ensureUserPool(POOL);

    // Act
    const attempt = signIn(second, pool, 'old@example.com');

    // Assert
    await expect(attempt).rejects.toMatchObject({ name: 'NotAuthorizedException' });
    expect(log).toContainEqual(expect.stringContaining('old@example.com cannot sign in with SRP'));
    expect(log.join('\n')).toContain('Forgot password');
  });

  it('keeps nothing on disk and nothing between instances in memory mode', async () => {
    const { cognito: first, pool } = await withSignedUpUser('bo@example.com');
    await first.stop();
    // A data folder would have a `cognito` directory; in memory mode none appears where the process runs.
    expect(existsSync(join(process.cwd(), 'cognito'))).toBe(false);

    const second = await started({});
    const fresh = await second.ensureUserPool(POOL);
    expect(fresh.userPoolId).not.toBe(pool.userPoolId);
    expect(second.confirmationCodes()).toEqual([]);
  });

  it('refuses to start on a corrupt state file, says how to recover, and leaves the file alone', async () => {
    const dataDir = tempDir();
    const stateFile = join(dataDir, 'cognito', 'state.json');
    mkdirSync(join(dataDir, 'cognito'));
    writeFileSync(stateFile, '{"version":1,"pools":');
    const cognito = new LocalCognito({ port: 0, region: REGION, dataDir });
    cleanups.push(() => cognito.stop());

    const error = await cognito.start().then(
      () => undefined,
      (err: unknown) => err as Error,
    );
    expect(error?.message).toContain(stateFile);
    expect(error?.message).toContain('npm start -- --reset');
    expect(error?.message).not.toContain('\n');
    await expect(cognito.ensureUserPool(POOL)).rejects.toThrow(stateFile);
    expect(readFileSync(stateFile, 'utf8')).toBe('{"version":1,"pools":');
    expect(existsSync(join(dataDir, 'cognito', 'keys.json'))).toBe(false);
  });

  it('names the port when it is already in use', async () => {
    const first = await started({});
    const port = Number(new URL(first.url).port);
    const second = new LocalCognito({ port, region: REGION });
    await expect(second.start()).rejects.toMatchObject({
      code: 'EADDRINUSE',
      message: expect.stringContaining(`port ${port} is already in use`),
    });
    await second.stop();
  });
});
