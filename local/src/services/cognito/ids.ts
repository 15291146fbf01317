/** Identifiers and secrets in the shapes AWS uses, from a cryptographic random source. */
import { createHash, randomBytes, randomInt, randomUUID } from 'node:crypto';

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const ALPHANUMERIC = `${LOWER}${LOWER.toUpperCase()}${DIGITS}`;

function randomString(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/** A user pool id like AWS's: `<region>_<9 alphanumerics>`. */
export function newUserPoolId(region: string): string {
  return `${region}_${randomString(ALPHANUMERIC, 9)}`;
}

/** An app client id like AWS's: 26 lowercase alphanumerics. */
export function newClientId(): string {
  return randomString(`${LOWER}${DIGITS}`, 26);
}

/** An app client secret: 51 lowercase alphanumerics, like Cognito's. */
export function newClientSecret(): string {
  return randomString(`${LOWER}${DIGITS}`, 51);
}

/** A 6-digit confirmation code; leading zeros are kept. */
export function newConfirmationCode(): string {
  return randomString(DIGITS, 6);
}

/** An opaque refresh token: 256 random bits, base64url. */
export function newRefreshToken(): string {
  return randomBytes(32).toString('base64url');
}

export function newUuid(): string {
  return randomUUID();
}

/** Refresh tokens are stored hashed so that the state file holds nothing a client could replay. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
