/** The user pool's password policy and password hashing (scrypt). */
import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';
import { CognitoError, invalidParameter } from './errors.js';

/** Password policy as the user pool's template declares it. */
export interface PasswordPolicy {
  readonly minimumLength: number;
  readonly requireLowercase: boolean;
  readonly requireUppercase: boolean;
  readonly requireNumbers: boolean;
  readonly requireSymbols: boolean;
}

/** The characters Cognito counts as symbols (its documented set, plus a non-leading, non-trailing space). */
const SYMBOLS = new Set('^$*.[]{}()?"!@#%&/\\,><\':;|_~`=+- ');
const MAX_LENGTH = 256;

/**
 * Throws InvalidPasswordException worded like Cognito ("Password did not conform with policy: …")
 * for the first rule the password breaks, checked in Cognito's order.
 */
export function assertPasswordMeetsPolicy(password: string, policy: PasswordPolicy): void {
  if (password.length > MAX_LENGTH) {
    throw invalidParameter(`Password must be at most ${MAX_LENGTH} characters long.`);
  }
  if (password !== password.trim()) {
    throw invalidParameter('Password must not start or end with whitespace.');
  }
  const chars = [...password];
  const broken: [boolean, string][] = [
    [chars.length < policy.minimumLength, 'Password not long enough'],
    [
      policy.requireLowercase && !chars.some((c) => c >= 'a' && c <= 'z'),
      'Password must have lowercase characters',
    ],
    [
      policy.requireUppercase && !chars.some((c) => c >= 'A' && c <= 'Z'),
      'Password must have uppercase characters',
    ],
    [
      policy.requireNumbers && !chars.some((c) => c >= '0' && c <= '9'),
      'Password must have numeric characters',
    ],
    [policy.requireSymbols && !chars.some((c) => SYMBOLS.has(c)), 'Password must have symbol characters'],
  ];
  const first = broken.find(([isBroken]) => isBroken);
  if (first) {
    throw new CognitoError('InvalidPasswordException', `Password did not conform with policy: ${first[1]}`);
  }
}

const SCRYPT: ScryptOptions = { N: 16384, r: 8, p: 1 };
const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, options, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

/** A salt and key as `scrypt$N$r$p$salt$hash` (base64url parts) with today's parameters, so they can change later. */
function encodeHash(salt: Buffer, key: Buffer): string {
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), key.toString('base64url')].join(
    '$',
  );
}

/** Hashes a password as `scrypt$N$r$p$salt$hash`. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  return encodeHash(salt, await derive(password, salt, SCRYPT));
}

/**
 * What an unknown user's password is checked against: a hash with today's parameters and a random
 * key, which a password matches with a chance of 2^-256. Drawn rather than derived, so even the
 * first unknown user costs one derivation, as every wrong password does.
 */
const STAND_IN = encodeHash(randomBytes(16), randomBytes(KEY_LENGTH));

/**
 * True when `password` matches the stored hash. Without a stored hash (an unknown user) it does
 * the same work against a stand-in and answers false, so the answer's timing does not tell that
 * the user does not exist.
 */
export async function verifyPassword(password: string, stored: string | undefined): Promise<boolean> {
  if (stored === undefined) {
    await verifyPassword(password, STAND_IN);
    return false;
  }
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await derive(password, Buffer.from(salt, 'base64url'), {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}
