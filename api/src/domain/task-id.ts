/**
 * Task ids are ULIDs: 48 bits of milliseconds then 80 random bits, Crockford base32.
 * They sort by creation time, so a reverse key-order Query lists newest first. Ids made in
 * the same millisecond by one process increment the random part, keeping that order strict.
 */
import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const TIME_CHARS = 10;
const RANDOM_CHARS = 16;
const RANDOM_MAX = (1n << 80n) - 1n;

/** Shape of a task id; anything else cannot name a task. */
export const TASK_ID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;

let lastTime = -1;
let lastRandom = 0n;

function encode(value: bigint, chars: number): string {
  let out = '';
  let rest = value;
  for (let i = 0; i < chars; i += 1) {
    out = ALPHABET[Number(rest & 31n)] + out;
    rest >>= 5n;
  }
  return out;
}

/** A new time-sortable task id for the given creation time (epoch ms). */
export function newTaskId(nowMs: number = Date.now()): string {
  if (nowMs === lastTime && lastRandom < RANDOM_MAX) {
    lastRandom += 1n;
  } else {
    lastTime = nowMs;
    lastRandom = BigInt(`0x${randomBytes(10).toString('hex')}`);
  }
  return encode(BigInt(nowMs), TIME_CHARS) + encode(lastRandom, RANDOM_CHARS);
}

/** Whether a string has the shape of a task id. */
export function isTaskId(value: string): boolean {
  return TASK_ID_PATTERN.test(value);
}
