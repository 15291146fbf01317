/**
 * The local Cognito's data: user pools, their users and sessions, signing keys and recent codes,
 * with the lookups and token issuing every operation shares. Persists through `JsonFile`.
 */
import { join } from 'node:path';
import { type Keyed, keyed } from '../../keyed.js';
import { CognitoError, INCORRECT_CREDENTIALS, invalidParameter, notAuthorized } from './errors.js';
import {
  hashToken,
  newClientId,
  newClientSecret,
  newConfirmationCode,
  newUserPoolId,
  newUuid,
} from './ids.js';
import { SigningKey } from './keys.js';
import { tokenLifetimes, type UserPoolClientSpec, type UserPoolSpec } from './spec.js';
import { SrpChallenges } from './srp-flow.js';
import {
  type CodeKind,
  type CodeRecord,
  type CognitoState,
  emptyKeys,
  emptyState,
  JsonFile,
  type KeyState,
  type StoredClient,
  type StoredPool,
  type StoredSession,
  type StoredUser,
} from './state.js';

const HOUR_MS = 3_600_000;
const CODE_LIFETIME_MS: Record<CodeKind, number> = { 'sign-up': 24 * HOUR_MS, 'forgot-password': HOUR_MS };
const MAX_CODE_ATTEMPTS = 5;
const KEPT_CODE_RECORDS = 200;

export interface DirectoryOptions {
  /** `<dataDir>/cognito` holds the files; undefined keeps everything in memory. */
  readonly dataDir: string | undefined;
  readonly region: string;
  readonly clock: () => number;
  readonly log: (line: string) => void;
}

/** A client id resolved to its pool, stored ids and declared settings. */
export interface ResolvedClient {
  readonly pool: StoredPool;
  readonly clientId: string;
  readonly secret: string | undefined;
  readonly spec: UserPoolClientSpec;
}

/** What a successful sign-in or refresh returns, in Cognito's `AuthenticationResult` shape. */
export interface AuthenticationResult {
  AccessToken: string;
  IdToken: string;
  ExpiresIn: number;
  TokenType: 'Bearer';
  RefreshToken?: string;
}

/** A pool's settings and ids as `planUserPool` computed them, not yet stored. */
export interface PlannedPool {
  readonly spec: UserPoolSpec;
  readonly userPoolId: string;
  /** Keyed by the client's logical id: the stored clients with the spec's added or updated. */
  readonly clients: Keyed<StoredClient>;
}

/** All user pools of one local Cognito, and their persistence. */
export class CognitoDirectory {
  private state: CognitoState = emptyState();
  private keyState: KeyState = emptyKeys();
  private readonly signingKeys = new Map<string, SigningKey>();
  private readonly pendingKeys = new Map<string, Promise<void>>();
  private readonly stateFile: JsonFile<CognitoState>;
  private readonly keyFile: JsonFile<KeyState>;
  private loaded = false;
  /** SRP challenges waiting for their answer; they live as long as the process, like Cognito's few minutes. */
  readonly srpChallenges = new SrpChallenges();

  constructor(private readonly options: DirectoryOptions) {
    const dir = options.dataDir === undefined ? undefined : join(options.dataDir, 'cognito');
    this.stateFile = new JsonFile(dir, 'state.json');
    // The private keys are secrets of this machine: readable by the owner only.
    this.keyFile = new JsonFile(dir, 'keys.json', 0o600);
  }

  now(): number {
    return this.options.clock();
  }

  /** Writes one line to the service's log. */
  log(line: string): void {
    this.options.log(line);
  }

  /** Reads the data files once; throws a one-line Error naming a corrupt file (which stays untouched). */
  load(): void {
    if (this.loaded) return;
    const state = this.stateFile.read() ?? emptyState();
    const keys = this.keyFile.read() ?? emptyKeys();
    this.state = state;
    this.keyState = keys;
    for (const [poolId, stored] of Object.entries(keys.keys))
      this.signingKeys.set(poolId, new SigningKey(stored));
    this.loaded = true;
  }

  /** Writes the state after a change. */
  save(): void {
    this.pruneSessions();
    this.stateFile.write(this.state);
  }

  /** Creates the pool and its clients on first sight, otherwise updates their settings from the spec. */
  ensureUserPool(spec: UserPoolSpec): Promise<StoredPool> {
    return this.storeUserPool(this.planUserPool(spec));
  }

  /**
   * The pool as storing `spec` would leave it: its id and its clients' (new ones drawn now), with
   * nothing stored, so a live reload can resolve them before it knows it will apply.
   */
  planUserPool(spec: UserPoolSpec): PlannedPool {
    this.load();
    const existing = this.state.pools[spec.logicalId];
    // The template may have changed since the last run: its settings win, ids and users stay.
    const clients = keyed<StoredClient>();
    Object.assign(clients, existing?.clients);
    for (const client of spec.clients) {
      const stored = clients[client.logicalId];
      if (stored && (stored.secret !== undefined) === client.generateSecret) continue;
      clients[client.logicalId] = {
        clientId: stored?.clientId ?? newClientId(),
        ...(client.generateSecret ? { secret: newClientSecret() } : {}),
      };
    }
    return { spec, userPoolId: existing?.userPoolId ?? newUserPoolId(this.options.region), clients };
  }

  /** Stores a planned pool (its users and sessions stay) and generates its signing key on first sight. */
  async storeUserPool(planned: PlannedPool): Promise<StoredPool> {
    this.load();
    const pool: StoredPool = this.state.pools[planned.spec.logicalId] ?? {
      userPoolId: planned.userPoolId,
      spec: planned.spec,
      clients: keyed(),
      users: keyed(),
      sessions: keyed(),
    };
    pool.spec = planned.spec;
    pool.clients = planned.clients;
    this.state.pools[planned.spec.logicalId] = pool;
    await this.ensureSigningKey(pool.userPoolId);
    this.save();
    return pool;
  }

  /** Generates a pool's key once, even when two ensureUserPool calls for it overlap. */
  private ensureSigningKey(userPoolId: string): Promise<void> {
    if (this.signingKeys.has(userPoolId)) return Promise.resolve();
    let pending = this.pendingKeys.get(userPoolId);
    if (!pending) {
      pending = SigningKey.generate()
        .then((key) => {
          this.signingKeys.set(userPoolId, key);
          this.keyState.keys[userPoolId] = key.stored;
          this.keyFile.write(this.keyState);
        })
        .finally(() => this.pendingKeys.delete(userPoolId));
      this.pendingKeys.set(userPoolId, pending);
    }
    return pending;
  }

  pools(): StoredPool[] {
    return Object.values(this.state.pools);
  }

  codes(): readonly CodeRecord[] {
    return this.state.codes;
  }

  issuer(userPoolId: string): string {
    // The region is the pool id's prefix, exactly as verifiers derive it.
    const region = userPoolId.split('_')[0];
    return `https://cognito-idp.${region}.amazonaws.com/${userPoolId}`;
  }

  signingKey(userPoolId: string): SigningKey | undefined {
    return this.signingKeys.get(userPoolId);
  }

  /** A secret for simulating the user `name` of a pool: the same for the same name, and for no other. */
  simulationSecret(pool: StoredPool, name: string): Buffer {
    const key = this.signingKeys.get(pool.userPoolId);
    if (!key) throw new CognitoError('InternalErrorException', `No signing key for ${pool.userPoolId}.`, 500);
    return key.derivedSecret(`simulated-user\0${pool.userPoolId}\0${name}`);
  }

  poolById(userPoolId: unknown): StoredPool {
    const id = requiredId(userPoolId, 'UserPoolId');
    const pool = this.pools().find((p) => p.userPoolId === id);
    if (!pool) throw new CognitoError('ResourceNotFoundException', `User pool ${id} does not exist.`);
    return pool;
  }

  client(id: unknown): ResolvedClient {
    const clientId = requiredId(id, 'ClientId');
    for (const pool of this.pools()) {
      for (const spec of pool.spec.clients) {
        const stored = pool.clients[spec.logicalId];
        if (stored !== undefined && stored.clientId === clientId) {
          return { pool, clientId: stored.clientId, secret: stored.secret, spec };
        }
      }
    }
    throw new CognitoError('ResourceNotFoundException', `User pool client ${clientId} does not exist.`);
  }

  /** True when users sign up and in with their e-mail rather than a chosen user name. */
  emailIsUsername(pool: StoredPool): boolean {
    return pool.spec.usernameAttributes.includes('email');
  }

  /** Finds a user by `Username`, or by e-mail where the pool signs in (or aliases) by e-mail. */
  findUser(pool: StoredPool, name: string): StoredUser | undefined {
    const direct = pool.users[name];
    if (direct) return direct;
    const byEmail = this.emailIsUsername(pool);
    if (!byEmail && !pool.spec.aliasAttributes.includes('email')) return undefined;
    const email = name.toLowerCase();
    // An alias only counts once the e-mail is verified, as in Cognito.
    return Object.values(pool.users).find((u) => u.email === email && (byEmail || u.emailVerified));
  }

  /** The name a person signs in with: their e-mail when e-mail is the sign-in attribute. */
  signInName(pool: StoredPool, user: StoredUser): string {
    return this.emailIsUsername(pool) && user.email ? user.email : user.username;
  }

  /** Issues a new code of a kind for a user, replacing any earlier one, and "delivers" it to the log. */
  sendCode(pool: StoredPool, user: StoredUser, kind: CodeKind): void {
    const code = newConfirmationCode();
    const now = this.now();
    user.codes[kind] = { code, expiresAt: now + CODE_LIFETIME_MS[kind], failedAttempts: 0 };
    const username = this.signInName(pool, user);
    this.state.codes.push({
      userPoolId: pool.userPoolId,
      username,
      code,
      kind,
      at: new Date(now).toISOString(),
    });
    this.state.codes.splice(0, Math.max(0, this.state.codes.length - KEPT_CODE_RECORDS));
    const what = kind === 'sign-up' ? 'confirmation code' : 'password reset code';
    this.log(`${what} for ${username}: ${code}`);
  }

  /** Uses up a code; wrong, expired or missing codes throw Cognito's errors (and count attempts). */
  consumeCode(user: StoredUser, kind: CodeKind, code: unknown): void {
    const pending = user.codes[kind];
    if (!pending || pending.expiresAt <= this.now()) {
      throw new CognitoError('ExpiredCodeException', 'Invalid code provided, please request a code again.');
    }
    if (pending.code === code) {
      delete user.codes[kind];
      return;
    }
    pending.failedAttempts += 1;
    if (pending.failedAttempts >= MAX_CODE_ATTEMPTS) {
      delete user.codes[kind];
      this.save();
      throw new CognitoError('LimitExceededException', 'Attempt limit exceeded, please try after some time.');
    }
    this.save();
    throw new CognitoError('CodeMismatchException', 'Invalid verification code provided, please try again.');
  }

  /** Starts a session for a signed-in user and returns its tokens, including a new refresh token. */
  startSession(client: ResolvedClient, user: StoredUser, refreshToken: string): AuthenticationResult {
    const now = this.now();
    const session: StoredSession = {
      originJti: newUuid(),
      refreshTokenHash: hashToken(refreshToken),
      username: user.username,
      clientId: client.clientId,
      eventId: newUuid(),
      authTime: Math.floor(now / 1000),
      expiresAt: now + tokenLifetimes(client.spec).refresh * 1000,
      revoked: false,
    };
    client.pool.sessions[session.originJti] = session;
    this.save();
    return { ...this.issueTokens(client, user, session), RefreshToken: refreshToken };
  }

  /** The live session a refresh token belongs to; throws NotAuthorizedException as Cognito words it. */
  sessionForRefreshToken(client: ResolvedClient, refreshToken: unknown): StoredSession {
    const session = this.findSession(client, refreshToken);
    if (!session) throw notAuthorized('Invalid Refresh Token');
    if (session.revoked) throw notAuthorized('Refresh Token has been revoked');
    if (session.expiresAt <= this.now()) throw notAuthorized('Refresh Token has expired');
    return session;
  }

  /** The session a refresh token of this client belongs to, whatever its state. */
  findSession(client: ResolvedClient, refreshToken: unknown): StoredSession | undefined {
    if (typeof refreshToken !== 'string') return undefined;
    const hash = hashToken(refreshToken);
    return Object.values(client.pool.sessions).find(
      (s) => s.refreshTokenHash === hash && s.clientId === client.clientId,
    );
  }

  /** New ID and access tokens for a session (a refresh keeps `auth_time`, `origin_jti` and `event_id`). */
  issueTokens(client: ResolvedClient, user: StoredUser, session: StoredSession): AuthenticationResult {
    const { pool } = client;
    const key = this.signingKeys.get(pool.userPoolId);
    if (!key) throw new CognitoError('InternalErrorException', `No signing key for ${pool.userPoolId}.`, 500);
    const lifetimes = tokenLifetimes(client.spec);
    const iat = Math.floor(this.now() / 1000);
    const iss = this.issuer(pool.userPoolId);
    const common = {
      origin_jti: session.originJti,
      event_id: session.eventId,
      auth_time: session.authTime,
      iat,
    };
    const idToken = key.signJwt({
      ...user.attributes,
      sub: user.sub,
      ...(user.email === undefined ? {} : { email_verified: user.emailVerified }),
      iss,
      'cognito:username': user.username,
      aud: client.clientId,
      token_use: 'id',
      ...common,
      exp: iat + lifetimes.id,
      jti: newUuid(),
      ...(user.email === undefined ? {} : { email: user.email }),
    });
    const accessToken = key.signJwt({
      sub: user.sub,
      iss,
      client_id: client.clientId,
      token_use: 'access',
      scope: 'aws.cognito.signin.user.admin',
      ...common,
      exp: iat + lifetimes.access,
      jti: newUuid(),
      username: user.username,
    });
    return { AccessToken: accessToken, IdToken: idToken, ExpiresIn: lifetimes.access, TokenType: 'Bearer' };
  }

  /**
   * The pool, user and claims behind an access token, checked like Cognito does for user operations:
   * signature, `token_use`, expiry, and that its session was not signed out.
   */
  authenticate(accessToken: unknown): { pool: StoredPool; user: StoredUser; session: StoredSession } {
    const invalid = notAuthorized('Invalid Access Token');
    if (typeof accessToken !== 'string') throw invalid;
    const issuer = unverifiedIssuer(accessToken);
    const pool = this.pools().find((p) => this.issuer(p.userPoolId) === issuer);
    const claims = pool && this.signingKeys.get(pool.userPoolId)?.verifiedClaims(accessToken);
    if (!pool || !claims || claims.token_use !== 'access') throw invalid;
    if (typeof claims.exp !== 'number' || claims.exp * 1000 <= this.now()) {
      throw notAuthorized('Access Token has expired');
    }
    const session = pool.sessions[String(claims.origin_jti)];
    if (!session || session.revoked) throw notAuthorized('Access Token has been revoked');
    const user = pool.users[String(claims.username)];
    if (!user || user.sub !== claims.sub) throw notAuthorized('User does not exist.');
    return { pool, user, session };
  }

  /** Ends every session of a user (GlobalSignOut, password change elsewhere, deletion). */
  revokeSessions(pool: StoredPool, username: string): void {
    for (const session of Object.values(pool.sessions)) {
      if (session.username === username) session.revoked = true;
    }
  }

  /** The error for an unknown user: hidden as a wrong password when the client prevents existence errors. */
  unknownUser(client: ResolvedClient): CognitoError {
    return client.spec.preventUserExistenceErrors
      ? notAuthorized(INCORRECT_CREDENTIALS)
      : new CognitoError('UserNotFoundException', 'User does not exist.');
  }

  deleteUser(pool: StoredPool, user: StoredUser): void {
    delete pool.users[user.username];
    for (const [id, session] of Object.entries(pool.sessions)) {
      if (session.username === user.username) delete pool.sessions[id];
    }
    this.save();
  }

  /** Drops sessions whose refresh token expired: nothing can use them any more. */
  private pruneSessions(): void {
    const now = this.now();
    for (const pool of this.pools()) {
      for (const [id, session] of Object.entries(pool.sessions)) {
        if (session.expiresAt <= now) delete pool.sessions[id];
      }
    }
  }
}

/** An id parameter as a string; anything else is refused as Cognito refuses it. */
function requiredId(value: unknown, name: string): string {
  if (value === undefined || value === null) throw invalidParameter(`Missing required parameter ${name}`);
  if (typeof value !== 'string')
    throw new CognitoError('SerializationException', `${name} must be a string.`);
  return value;
}

function unverifiedIssuer(token: string): unknown {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    return (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { iss?: unknown }).iss;
  } catch {
    return undefined;
  }
}
