/**
 * What the local Cognito remembers (pools, users, sessions, recent codes, signing keys) and how it
 * persists it: `<dataDir>/cognito/state.json` and `keys.json`, each written atomically (temp file +
 * rename). A file that does not parse is reported and never overwritten. Every record keyed by a
 * name (users by the name a client sends, attributes, sessions) is a null-prototype object, also
 * when read back from disk, so `constructor` or `__proto__` is just another key.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Keyed, keyed, nullPrototypeObjects } from '../../keyed.js';
import type { StoredSigningKey } from './keys.js';
import type { UserPoolSpec } from './spec.js';
import type { SrpVerifier } from './srp.js';

export type CodeKind = 'sign-up' | 'forgot-password';

/** A code that was sent (logged) and not yet used. */
export interface PendingCode {
  code: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  /** Wrong guesses so far; too many invalidate the code. */
  failedAttempts: number;
}

export interface StoredUser {
  /** Cognito's `Username`: the `sub` when e-mail is the sign-in attribute, else what the user chose. */
  username: string;
  sub: string;
  /** Lower-cased e-mail, if the user has one. */
  email?: string;
  emailVerified: boolean;
  passwordHash: string;
  /** The SRP salt and verifier; absent for users stored before the local Cognito kept them. */
  srp?: SrpVerifier;
  status: 'UNCONFIRMED' | 'CONFIRMED';
  enabled: boolean;
  /** Other attributes given at sign-up (`name`, `custom:*`, …). */
  attributes: Keyed<string>;
  /** Epoch milliseconds. */
  createdAt: number;
  updatedAt: number;
  codes: Partial<Record<CodeKind, PendingCode>>;
}

/** One sign-in: its refresh token (hashed) and the `origin_jti` every token derived from it carries. */
export interface StoredSession {
  originJti: string;
  refreshTokenHash: string;
  username: string;
  clientId: string;
  eventId: string;
  /** Epoch seconds, as the `auth_time` claim. */
  authTime: number;
  /** Epoch milliseconds when the refresh token expires. */
  expiresAt: number;
  revoked: boolean;
}

export interface StoredClient {
  clientId: string;
  secret?: string;
}

export interface StoredPool {
  userPoolId: string;
  spec: UserPoolSpec;
  /** Keyed by the client's logical id. */
  clients: Keyed<StoredClient>;
  /** Keyed by `Username`. */
  users: Keyed<StoredUser>;
  /** Keyed by `origin_jti`. */
  sessions: Keyed<StoredSession>;
}

export interface CodeRecord {
  readonly userPoolId: string;
  /** The name the user signs in with (their e-mail when e-mail is the sign-in attribute). */
  readonly username: string;
  readonly code: string;
  readonly kind: CodeKind;
  /** ISO-8601 time the code was issued. */
  readonly at: string;
}

export interface CognitoState {
  version: 1;
  /** Keyed by the pool's logical id, so ids stay stable across runs. */
  pools: Keyed<StoredPool>;
  /** Recently issued codes, oldest first. */
  codes: CodeRecord[];
}

export interface KeyState {
  version: 1;
  /** Keyed by user pool id. */
  keys: Keyed<StoredSigningKey>;
}

export function emptyState(): CognitoState {
  return { version: 1, pools: keyed(), codes: [] };
}

export function emptyKeys(): KeyState {
  return { version: 1, keys: keyed() };
}

/** Reads and writes one JSON document; `undefined` directory means in memory (nothing is written). */
export class JsonFile<T extends { version: number }> {
  private readonly path: string | undefined;

  constructor(
    directory: string | undefined,
    fileName: string,
    private readonly mode = 0o644,
  ) {
    this.path = directory === undefined ? undefined : join(directory, fileName);
  }

  /** The stored document, or undefined when there is none yet. Throws a one-line Error for a corrupt file. */
  read(): T | undefined {
    if (this.path === undefined || !existsSync(this.path)) return undefined;
    const text = readFileSync(this.path, 'utf8');
    let value: unknown;
    try {
      value = JSON.parse(text, nullPrototypeObjects);
    } catch (err) {
      throw this.corrupt(`is not valid JSON (${(err as Error).message.split('\n')[0]})`);
    }
    if (typeof value !== 'object' || value === null || (value as { version?: unknown }).version !== 1) {
      throw this.corrupt('is not a local Cognito file of version 1');
    }
    return value as T;
  }

  write(value: T): void {
    if (this.path === undefined) return;
    const dir = join(this.path, '..');
    mkdirSync(dir, { recursive: true });
    const temp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify(value, null, 2)}\n`, { mode: this.mode });
    renameSync(temp, this.path);
  }

  private corrupt(problem: string): Error {
    return new Error(
      `Local Cognito data file ${this.path} ${problem}; fix or remove it, or run \`npm start -- --reset\` to start with empty data.`,
    );
  }
}
