/**
 * Failed sign-ins against a local Cognito on 127.0.0.1, over its HTTP API: a wrong password for a
 * known user, or any password for a user that does not exist, with USER_PASSWORD_AUTH or
 * USER_SRP_AUTH. Whether the two cost the same is what keeps sign-in from telling which accounts
 * exist: the unit tests check that they do the same work and get the same answer
 * (`test/cognito-enumeration.test.ts`), the bench times them (`npm run bench -- --only sign-in-timing`).
 *
 * An SRP attempt answers its challenge with a made-up signature: the service derives and compares
 * the expected one whatever it is sent, so to the service it is a wrong password, and skipping the
 * client's computation leaves each try with only the service's work.
 */
import { randomBytes } from 'node:crypto';
import { localCognitoClient, signUpAndConfirm } from '../../src/services/cognito/client.js';
import { LocalCognito } from '../../src/services/cognito/index.js';
import { claimTimestamp } from '../../src/services/cognito/srp-client.js';
import { PASSWORD_AUTH_POOL } from './cognito-pool.js';

const REGION = 'eu-west-1';
const TARGET = 'AWSCognitoIdentityProviderService.';
const KNOWN_USER = 'known@example.com';
const PASSWORD = 'Correct-horse-9';
const WRONG_PASSWORD = 'Wrong-horse-9';
/** A client's public SRP value: any number that is not 0 mod N serves, as no signature is computed from it. */
const SRP_A = randomBytes(384).toString('hex');

/** The sign-in flows whose failures must not tell a wrong password from an unknown user. */
export const SIGN_IN_FLOWS = ['USER_PASSWORD_AUTH', 'USER_SRP_AUTH'] as const;
export type SignInFlow = (typeof SIGN_IN_FLOWS)[number];

/** How the service refused a sign-in: its error's `__type` and message. */
export interface Refusal {
  readonly type: unknown;
  readonly message: unknown;
}

/** A running local Cognito with a pool whose client allows both flows, and one confirmed user. */
export interface SignInPool {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly clientId: string;
  /** The confirmed user's e-mail, the name it signs in with. */
  readonly knownUser: string;
  stop(): Promise<void>;
}

/** Starts a local Cognito on an ephemeral port with the password-flow pool and signs one user up. */
export async function startSignInPool(): Promise<SignInPool> {
  const cognito = new LocalCognito({ port: 0, region: REGION });
  await cognito.start();
  const sdk = localCognitoClient(cognito.url, REGION);
  try {
    const { clientIds } = await cognito.ensureUserPool(PASSWORD_AUTH_POOL);
    const clientId = clientIds.WebClient ?? '';
    await signUpAndConfirm(sdk, cognito, { clientId, email: KNOWN_USER, password: PASSWORD });
    return { url: cognito.url, clientId, knownUser: KNOWN_USER, stop: () => cognito.stop() };
  } catch (err) {
    await cognito.stop();
    throw err;
  } finally {
    sdk.destroy();
  }
}

/** A user name no account has, new on every call, so nothing about it can have been kept. */
export function unknownUser(): string {
  return `ghost-${randomBytes(6).toString('hex')}@example.com`;
}

async function call(pool: SignInPool, operation: string, body: object): Promise<Record<string, unknown>> {
  const response = await fetch(pool.url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `${TARGET}${operation}` },
    body: JSON.stringify(body),
  });
  return (await response.json()) as Record<string, unknown>;
}

/** The parameters of the PASSWORD_VERIFIER challenge InitiateAuth answers `username` with. */
export async function srpChallenge(pool: SignInPool, username: string): Promise<Record<string, string>> {
  const answer = await call(pool, 'InitiateAuth', {
    ClientId: pool.clientId,
    AuthFlow: 'USER_SRP_AUTH',
    AuthParameters: { USERNAME: username, SRP_A },
  });
  if (answer.ChallengeName !== 'PASSWORD_VERIFIER') {
    throw new Error(
      `USER_SRP_AUTH for ${username} got no PASSWORD_VERIFIER challenge: ${JSON.stringify(answer)}`,
    );
  }
  return answer.ChallengeParameters as Record<string, string>;
}

async function passwordSignIn(pool: SignInPool, username: string): Promise<Record<string, unknown>> {
  return call(pool, 'InitiateAuth', {
    ClientId: pool.clientId,
    AuthFlow: 'USER_PASSWORD_AUTH',
    AuthParameters: { USERNAME: username, PASSWORD: WRONG_PASSWORD },
  });
}

async function srpSignIn(pool: SignInPool, username: string): Promise<Record<string, unknown>> {
  const parameters = await srpChallenge(pool, username);
  return call(pool, 'RespondToAuthChallenge', {
    ClientId: pool.clientId,
    ChallengeName: 'PASSWORD_VERIFIER',
    ChallengeResponses: {
      USERNAME: parameters.USER_ID_FOR_SRP,
      PASSWORD_CLAIM_SECRET_BLOCK: parameters.SECRET_BLOCK,
      PASSWORD_CLAIM_SIGNATURE: randomBytes(32).toString('base64'),
      TIMESTAMP: claimTimestamp(Date.now()),
    },
  });
}

/**
 * Signs `username` in through `flow` with a wrong password and returns how the service refused;
 * throws when it did not refuse, since a try that succeeds is not the one to compare.
 */
export async function failedSignIn(pool: SignInPool, flow: SignInFlow, username: string): Promise<Refusal> {
  const answer =
    flow === 'USER_PASSWORD_AUTH' ? await passwordSignIn(pool, username) : await srpSignIn(pool, username);
  if (answer.__type === undefined) {
    throw new Error(
      `${flow} for ${username} with a wrong password was not refused: ${JSON.stringify(answer)}`,
    );
  }
  return { type: answer.__type, message: answer.message };
}
