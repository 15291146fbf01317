/**
 * Cognito's SRP-6a, the server's side of `USER_SRP_AUTH`: the RFC 5054 3072-bit group with g = 2,
 * SHA-256, k = H(N | g), x = H(salt | H(poolName | userIdForSrp | ":" | password)), and a password
 * claim that is an HMAC keyed by HKDF(S, u, "Caldera Derived Key"). Numbers are hashed in Java's
 * `BigInteger.toByteArray()` form (big-endian, a leading 00 byte when the top bit is set), which is
 * what Cognito and Amplify hash; modular powers run in OpenSSL through Diffie-Hellman, which
 * computes exactly `base ^ exponent mod N`.
 */
import {
  createDiffieHellman,
  createHash,
  createHmac,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';

const N_HEX =
  'FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD' +
  'EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED' +
  'EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F' +
  '83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B' +
  'E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510' +
  '15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7' +
  'ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C' +
  'BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF';
const N = BigInt(`0x${N_HEX}`);
const N_BYTES = Buffer.from(N_HEX, 'hex');
const G = 2n;
const K = BigInt(`0x${sha256Hex(Buffer.from(padHex(N) + padHex(G), 'hex'))}`);
const HKDF_INFO = Buffer.concat([Buffer.from('Caldera Derived Key', 'utf8'), Buffer.from([1])]);
/** A, B and a verifier are below N: 384 bytes, at most 768 hex digits (a few more for leading zeros). */
const MAX_PUBLIC_HEX_DIGITS = 800;
/** 1024 random bits for the server's secret, as Amplify uses for the client's. */
const SECRET_BYTES = 128;

/** A user's stored SRP credential: hex salt and hex verifier `g ^ x mod N`. */
export interface SrpVerifier {
  readonly salt: string;
  readonly verifier: string;
}

/** The server's half of one PASSWORD_VERIFIER challenge. */
export interface ServerSession {
  readonly A: bigint;
  readonly b: bigint;
  readonly B: bigint;
  readonly v: bigint;
}

/** What a password claim signs, besides the key the SRP exchange derives. */
export interface PasswordClaim {
  readonly userPoolId: string;
  readonly userIdForSrp: string;
  readonly secretBlock: Buffer;
  readonly timestamp: string;
}

function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Hex of a non-negative integer as Java's `BigInteger.toByteArray()`: even length, 00 before a set top bit. */
export function padHex(value: bigint): string {
  const hex = value.toString(16);
  const even = hex.length % 2 === 0 ? hex : `0${hex}`;
  return /^[89a-f]/.test(even) ? `00${even}` : even;
}

function toBuffer(value: bigint): Buffer {
  return Buffer.from(padHex(value), 'hex');
}

/** `base ^ exponent mod N`, computed by OpenSSL; throws for a base of 0, 1 or N - 1 (never a real value). */
function modPow(base: bigint, exponent: bigint): bigint {
  const dh = createDiffieHellman(N_BYTES, Buffer.from([Number(G)]));
  dh.setPrivateKey(toBuffer(exponent));
  return BigInt(`0x${dh.computeSecret(toBuffer(base)).toString('hex')}`);
}

/** The part of the user pool id after the region, which Cognito mixes into `x`. */
export function poolNameOf(userPoolId: string): string {
  return userPoolId.split('_')[1] ?? '';
}

function privateX(salt: string, userPoolId: string, userIdForSrp: string, password: string): bigint {
  const identity = sha256Hex(`${poolNameOf(userPoolId)}${userIdForSrp}:${password}`);
  const saltHex = padHex(BigInt(`0x${salt}`));
  return BigInt(`0x${sha256Hex(Buffer.from(saltHex + identity, 'hex'))}`);
}

/** A new salt and verifier for a password; `userIdForSrp` is the pool's internal user name. */
export function createVerifier(userPoolId: string, userIdForSrp: string, password: string): SrpVerifier {
  const salt = randomBytes(16).toString('hex');
  const x = privateX(salt, userPoolId, userIdForSrp, password);
  return { salt, verifier: modPow(G, x).toString(16) };
}

/** `SRP_A` as hex, or undefined when it is not a usable public value (not hex, too long, or 0 mod N). */
export function parsePublicValue(value: string): bigint | undefined {
  if (!/^[0-9a-fA-F]+$/.test(value) || value.length > MAX_PUBLIC_HEX_DIGITS) return undefined;
  const A = BigInt(`0x${value}`);
  return A % N === 0n ? undefined : A;
}

/** Starts the server's side: a random secret b and B = k·v + g^b mod N. */
export function startServerSession(A: bigint, verifier: bigint): ServerSession {
  for (;;) {
    const b = BigInt(`0x${randomBytes(SECRET_BYTES).toString('hex')}`);
    const B = (K * verifier + modPow(G, b)) % N;
    if (B !== 0n) return { A, b, B, v: verifier };
  }
}

/** Reads a stored verifier back as a number. */
export function verifierValue(stored: SrpVerifier): bigint {
  return BigInt(`0x${stored.verifier}`);
}

/** A stand-in verifier of the right size, derived from `seed`: always the same for the same seed. */
export function simulatedVerifier(seed: Buffer): bigint {
  const bytes = Buffer.from(
    hkdfSync('sha256', seed, Buffer.alloc(0), 'simulated verifier', N_BYTES.length + 16),
  );
  return BigInt(`0x${bytes.toString('hex')}`) % N;
}

/**
 * The signature a client that knows the password sends for this challenge:
 * HMAC-SHA256(HKDF(S, u), poolName | userIdForSrp | secretBlock | timestamp), with
 * u = H(A | B) and S = (A · v^u)^b mod N. Undefined when the exchange is degenerate.
 */
export function expectedSignature(session: ServerSession, claim: PasswordClaim): Buffer | undefined {
  const { A, b, B, v } = session;
  const u = BigInt(`0x${sha256Hex(Buffer.from(padHex(A) + padHex(B), 'hex'))}`);
  if (u === 0n) return undefined;
  let S: bigint;
  try {
    S = modPow((A * modPow(v, u)) % N, b);
  } catch {
    // OpenSSL refuses a base of 0, 1 or N - 1: only a crafted A gets there, and it proves nothing.
    return undefined;
  }
  const prk = createHmac('sha256', toBuffer(u)).update(toBuffer(S)).digest();
  const key = createHmac('sha256', prk).update(HKDF_INFO).digest().subarray(0, 16);
  return createHmac('sha256', key)
    .update(
      Buffer.concat([
        Buffer.from(poolNameOf(claim.userPoolId), 'utf8'),
        Buffer.from(claim.userIdForSrp, 'utf8'),
        claim.secretBlock,
        Buffer.from(claim.timestamp, 'utf8'),
      ]),
    )
    .digest();
}

/** Compares a base64 signature with the expected one in constant time. */
export function signatureMatches(expected: Buffer | undefined, signature: string): boolean {
  const given = Buffer.from(signature, 'base64');
  if (expected === undefined || given.length !== expected.length) return false;
  return timingSafeEqual(given, expected);
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const TIMESTAMP = /^([A-Z][a-z]{2}) ([A-Z][a-z]{2}) (\d{1,2}) (\d{2}):(\d{2}):(\d{2}) UTC (\d{4})$/;

/** An instant in Cognito's claim format, `EEE MMM d HH:mm:ss UTC yyyy` (the day is not padded). */
function formatTimestamp(epochMs: number): string {
  const d = new Date(epochMs);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

/**
 * The instant a claim's `TIMESTAMP` names, or undefined unless it is written exactly as Cognito
 * writes it: a padded day ("Mar 05") or a weekday that does not match the date is refused.
 */
export function parseTimestamp(text: string): number | undefined {
  const match = TIMESTAMP.exec(text);
  if (!match) return undefined;
  const [, , month = '', day, hours, minutes, seconds, year] = match;
  const monthIndex = MONTHS.indexOf(month);
  if (monthIndex < 0) return undefined;
  const epochMs = Date.UTC(
    Number(year),
    monthIndex,
    Number(day),
    Number(hours),
    Number(minutes),
    Number(seconds),
  );
  return formatTimestamp(epochMs) === text ? epochMs : undefined;
}
