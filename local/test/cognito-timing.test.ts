/**
 * Sign-in must not tell, by how long it takes, whether an account exists: over 100 tries the
 * median time of a wrong password for an existing user and of an unknown user differ by less than
 * 5 ms, for USER_PASSWORD_AUTH (a scrypt check either way) and for SRP (a simulated challenge).
 *
 * A measurement, so it stays in this one file and is built to give the same verdict on a busy
 * machine (the unit suite runs files side by side on two cores):
 * - the 5 ms bound applies to the CPU time the process spends per try, which other processes do
 *   not change; the leak it guards against is work (a whole password hash, about 50 ms);
 * - the wall-clock medians, what an attacker sees, must be within 20 ms: generous enough for
 *   scheduling noise on a shared machine, still far below the gap a skipped hash makes, and a
 *   leak that waits rather than works (a sleep, a file write) would show there;
 * - the two kinds of try alternate, so a slow moment hits both, and the median ignores pauses.
 * The SRP claims carry a made-up signature: the service derives and compares the expected one
 * whatever it is sent, and skipping the client's computation keeps the test short.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalCognito } from '../src/services/cognito/index.js';
import { claimTimestamp } from '../src/services/cognito/srp-client.js';
import { PASSWORD_AUTH_POOL } from './support/cognito-pool.js';

const TRIES = 100;
const WARM_UP = 5;
const MAX_CPU_MEDIAN_GAP_MS = 5;
const MAX_WALL_MEDIAN_GAP_MS = 20;
const PASSWORD = 'Correct-horse-9';
const EMAIL = 'known@example.com';
const TARGET = 'AWSCognitoIdentityProviderService.';

/** The template's pool; its SPA client also allows USER_PASSWORD_AUTH, so both flows can be timed. */
const POOL = PASSWORD_AUTH_POOL;

const cognito = new LocalCognito({ port: 0, region: 'eu-west-1' });
let userPoolId = '';
let clientId = '';

async function call(
  operation: string,
  body: object,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(cognito.url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `${TARGET}${operation}` },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  await cognito.start();
  const pool = await cognito.ensureUserPool(POOL);
  userPoolId = pool.userPoolId;
  clientId = pool.clientIds.WebClient ?? '';
  await call('SignUp', { ClientId: clientId, Username: EMAIL, Password: PASSWORD });
  await call('AdminConfirmSignUp', { UserPoolId: userPoolId, Username: EMAIL });
});

afterAll(async () => {
  await cognito.stop();
});

/** One failed sign-in; it must fail with Cognito's one message for both cases. */
type Attempt = (username: string) => Promise<void>;

const passwordAttempt: Attempt = async (username) => {
  const { json } = await call('InitiateAuth', {
    ClientId: clientId,
    AuthFlow: 'USER_PASSWORD_AUTH',
    AuthParameters: { USERNAME: username, PASSWORD: 'Wrong-horse-9' },
  });
  expect(json).toMatchObject({
    __type: 'NotAuthorizedException',
    message: 'Incorrect username or password.',
  });
};

const SRP_A = randomBytes(384).toString('hex');

const srpAttempt: Attempt = async (username) => {
  const { json: challenge } = await call('InitiateAuth', {
    ClientId: clientId,
    AuthFlow: 'USER_SRP_AUTH',
    AuthParameters: { USERNAME: username, SRP_A },
  });
  const parameters = challenge.ChallengeParameters as Record<string, string>;
  const { json } = await call('RespondToAuthChallenge', {
    ClientId: clientId,
    ChallengeName: 'PASSWORD_VERIFIER',
    ChallengeResponses: {
      USERNAME: parameters.USER_ID_FOR_SRP,
      PASSWORD_CLAIM_SECRET_BLOCK: parameters.SECRET_BLOCK,
      PASSWORD_CLAIM_SIGNATURE: randomBytes(32).toString('base64'),
      TIMESTAMP: claimTimestamp(Date.now()),
    },
  });
  expect(json).toMatchObject({
    __type: 'NotAuthorizedException',
    message: 'Incorrect username or password.',
  });
};

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

interface Samples {
  wall: number[];
  cpu: number[];
}

/** Times one attempt: wall clock, and CPU time of this process (its threads included, so scrypt's too). */
async function timed(attempt: () => Promise<void>, into: Samples): Promise<void> {
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await attempt();
  into.wall.push(performance.now() - started);
  const cpu = process.cpuUsage(cpuBefore);
  into.cpu.push((cpu.user + cpu.system) / 1000);
}

/** Alternating attempts: a wrong password for the known user, and a new unknown user each time. */
async function measure(
  attempt: Attempt,
  tries: number,
): Promise<{ wrongPassword: Samples; unknownUser: Samples }> {
  const wrongPassword: Samples = { wall: [], cpu: [] };
  const unknownUser: Samples = { wall: [], cpu: [] };
  for (let i = 0; i < tries; i++) {
    const known = () => timed(() => attempt(EMAIL), wrongPassword);
    const unknown = () =>
      timed(() => attempt(`ghost-${i}-${randomBytes(4).toString('hex')}@example.com`), unknownUser);
    // Alternating which goes first cancels any advantage of going first.
    if (i % 2 === 0) {
      await known();
      await unknown();
    } else {
      await unknown();
      await known();
    }
  }
  return { wrongPassword, unknownUser };
}

describe('sign-in timing does not reveal whether a user exists', () => {
  it.each([
    ['USER_PASSWORD_AUTH', passwordAttempt],
    ['USER_SRP_AUTH', srpAttempt],
  ])(
    `%s: wrong password and unknown user take the same time at the median of ${TRIES} tries`,
    async (flow, attempt) => {
      await measure(attempt, WARM_UP);

      const { wrongPassword, unknownUser } = await measure(attempt, TRIES);

      const report = (kind: keyof Samples) =>
        `${kind} p50 wrong password ${median(wrongPassword[kind]).toFixed(2)} ms, unknown user ${median(unknownUser[kind]).toFixed(2)} ms`;
      console.info(`${flow} over ${TRIES} tries: ${report('wall')}; ${report('cpu')}`);
      const gap = (kind: keyof Samples) => Math.abs(median(wrongPassword[kind]) - median(unknownUser[kind]));
      expect(gap('cpu')).toBeLessThan(MAX_CPU_MEDIAN_GAP_MS);
      expect(gap('wall')).toBeLessThan(MAX_WALL_MEDIAN_GAP_MS);
    },
    120_000,
  );
});
