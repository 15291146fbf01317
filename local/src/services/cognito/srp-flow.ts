/**
 * `USER_SRP_AUTH` as Cognito runs it. InitiateAuth answers a PASSWORD_VERIFIER challenge (salt,
 * B, a secret block, and the pool's internal user name to hash the password with);
 * RespondToAuthChallenge checks the password claim. When the client prevents user-existence
 * errors, an unknown name gets a simulated challenge (the same salt and UUID-shaped user id every
 * time for the same name) and then the same NotAuthorizedException as a wrong password, after the
 * same work.
 */
import { randomBytes } from 'node:crypto';
import type { AuthenticationResult, CognitoDirectory, ResolvedClient } from './directory.js';
import { CognitoError, INCORRECT_CREDENTIALS, invalidParameter, notAuthorized } from './errors.js';
import { newRefreshToken } from './ids.js';
import {
  expectedSignature,
  parsePublicValue,
  parseTimestamp,
  type ServerSession,
  signatureMatches,
  simulatedVerifier,
  startServerSession,
  verifierValue,
} from './srp.js';
import type { StoredPool, StoredUser } from './state.js';

/** Cognito's default `AuthSessionValidity`, in minutes: how long a challenge can be answered. */
const DEFAULT_CHALLENGE_MINUTES = 3;
/**
 * How far a claim's TIMESTAMP may be from the service's clock. Cognito refuses claims from a
 * badly set clock without publishing its window; five minutes is the usual allowance for signed
 * requests.
 */
const TIMESTAMP_TOLERANCE_MS = 5 * 60_000;
/** Unanswered challenges kept at most; the oldest go first, so a flood of InitiateAuth calls cannot grow memory. */
const MAX_PENDING_CHALLENGES = 10_000;
const SECRET_BLOCK_BYTES = 96;

type Params = Readonly<Record<string, unknown>>;

interface PendingChallenge {
  readonly clientId: string;
  /** The internal user name; undefined for a simulated challenge, which no password answers. */
  readonly username: string | undefined;
  readonly userIdForSrp: string;
  readonly session: ServerSession;
  readonly secretBlock: Buffer;
  readonly expiresAt: number;
}

/** Challenges handed out and not yet answered, keyed by their secret block. Each is answered once. */
export class SrpChallenges {
  private readonly pending = new Map<string, PendingChallenge>();

  add(secretBlock: string, challenge: PendingChallenge, now: number): void {
    for (const [key, old] of this.pending) {
      if (old.expiresAt > now && this.pending.size < MAX_PENDING_CHALLENGES) break;
      this.pending.delete(key);
    }
    this.pending.set(secretBlock, challenge);
  }

  take(secretBlock: string, now: number): PendingChallenge | undefined {
    const challenge = this.pending.get(secretBlock);
    this.pending.delete(secretBlock);
    return challenge && challenge.expiresAt > now ? challenge : undefined;
  }
}

/** Whether a client's `ExplicitAuthFlows` let it use SRP: by default, and with legacy (non-`ALLOW_`) values, they do. */
function srpEnabled(flows: readonly string[]): boolean {
  return flows.includes('ALLOW_USER_SRP_AUTH') || !flows.some((flow) => flow.startsWith('ALLOW_'));
}

function requireParameter(params: Params, name: string): string {
  const value = params[name];
  if (typeof value !== 'string' || value === '') throw invalidParameter(`Missing required parameter ${name}`);
  return value;
}

/** A UUID-shaped id made from a digest, so a simulated user id looks like a real one. */
function uuidFrom(digest: Buffer): string {
  const bytes = Buffer.from(digest.subarray(0, 16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * What a challenge for `name` is computed from: the user's verifier, or a stand-in derived from
 * the name. The stand-in is derived in both cases, so a known user costs what an unknown one does.
 */
function verifierFor(
  directory: CognitoDirectory,
  pool: StoredPool,
  name: string,
  user: StoredUser | undefined,
): { username: string | undefined; userIdForSrp: string; salt: string; v: bigint } {
  const seed = directory.simulationSecret(pool, name.toLowerCase());
  const simulated = {
    username: undefined,
    userIdForSrp: uuidFrom(seed.subarray(16)),
    salt: seed.subarray(0, 16).toString('hex'),
    v: simulatedVerifier(seed),
  };
  if (user?.srp) {
    return {
      username: user.username,
      userIdForSrp: user.username,
      salt: user.srp.salt,
      v: verifierValue(user.srp),
    };
  }
  if (user) {
    directory.log(
      `${directory.signInName(pool, user)} cannot sign in with SRP: the account was stored before the local Cognito kept SRP verifiers; reset its password (Forgot password) or start with --reset.`,
    );
  }
  return simulated;
}

/** InitiateAuth with `USER_SRP_AUTH`: the PASSWORD_VERIFIER challenge, real or simulated. */
export function initiateSrpAuth(
  directory: CognitoDirectory,
  client: ResolvedClient,
  params: Params,
  checkSecretHash: (username: string, secretHash: unknown) => void,
): object {
  const flows = client.spec.explicitAuthFlows;
  if (!srpEnabled(flows)) {
    throw invalidParameter(
      `USER_SRP_AUTH flow not enabled for this client (its ExplicitAuthFlows: ${flows.join(', ')})`,
    );
  }
  const name = requireParameter(params, 'USERNAME');
  const A = parsePublicValue(requireParameter(params, 'SRP_A'));
  if (A === undefined)
    throw invalidParameter('SRP_A must be a hexadecimal number that is not a multiple of N.');
  checkSecretHash(name, params.SECRET_HASH);
  const { pool } = client;
  const user = directory.findUser(pool, name);
  if (!user && !client.spec.preventUserExistenceErrors) throw directory.unknownUser(client);

  const { username, userIdForSrp, salt, v } = verifierFor(directory, pool, name, user);
  const session = startServerSession(A, v);
  const secretBlock = randomBytes(SECRET_BLOCK_BYTES);
  const SECRET_BLOCK = secretBlock.toString('base64');
  const now = directory.now();
  const minutes = client.spec.authSessionValidity ?? DEFAULT_CHALLENGE_MINUTES;
  directory.srpChallenges.add(
    SECRET_BLOCK,
    {
      clientId: client.clientId,
      username,
      userIdForSrp,
      session,
      secretBlock,
      expiresAt: now + minutes * 60_000,
    },
    now,
  );
  return {
    ChallengeName: 'PASSWORD_VERIFIER',
    ChallengeParameters: {
      SALT: salt,
      SECRET_BLOCK,
      SRP_B: session.B.toString(16),
      USERNAME: userIdForSrp,
      USER_ID_FOR_SRP: userIdForSrp,
    },
  };
}

/**
 * RespondToAuthChallenge with `PASSWORD_VERIFIER`: tokens when the claim proves the password.
 * A wrong password, signature, secret block or timestamp, and a simulated challenge, all end in
 * Cognito's "Incorrect username or password."
 */
export function answerPasswordVerifier(
  directory: CognitoDirectory,
  client: ResolvedClient,
  responses: Params,
  checkSecretHash: (username: string, secretHash: unknown) => void,
): AuthenticationResult {
  const name = requireParameter(responses, 'USERNAME');
  const secretBlock = requireParameter(responses, 'PASSWORD_CLAIM_SECRET_BLOCK');
  const signature = requireParameter(responses, 'PASSWORD_CLAIM_SIGNATURE');
  const timestamp = requireParameter(responses, 'TIMESTAMP');
  checkSecretHash(name, responses.SECRET_HASH);
  const incorrect = notAuthorized(INCORRECT_CREDENTIALS);
  const now = directory.now();
  const challenge = directory.srpChallenges.take(secretBlock, now);
  if (!challenge || challenge.clientId !== client.clientId) throw incorrect;
  // Clients answer with the internal user name (Amplify) or the name they signed in with.
  if (
    challenge.username !== undefined &&
    directory.findUser(client.pool, name)?.username !== challenge.username
  ) {
    throw incorrect;
  }
  const signedAt = parseTimestamp(timestamp);
  if (signedAt === undefined || Math.abs(signedAt - now) > TIMESTAMP_TOLERANCE_MS) throw incorrect;

  const expected = expectedSignature(challenge.session, {
    userPoolId: client.pool.userPoolId,
    userIdForSrp: challenge.userIdForSrp,
    secretBlock: challenge.secretBlock,
    timestamp,
  });
  const proven = signatureMatches(expected, signature);
  const user = challenge.username === undefined ? undefined : client.pool.users[challenge.username];
  if (!proven || !user) throw incorrect;
  if (!user.enabled) throw notAuthorized('User is disabled.');
  if (user.status === 'UNCONFIRMED')
    throw new CognitoError('UserNotConfirmedException', 'User is not confirmed.');
  return directory.startSession(client, user, newRefreshToken());
}
