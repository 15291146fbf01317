/**
 * Listing cursors: opaque to the client, bound to the caller and the status filter. Every
 * TaskRepository adapter pages with these, so a cursor means the same to each of them.
 *
 * A cursor from another user or another filter, or one that is not a cursor, is a 400. The
 * cursor is not signed: an owner who rewrites theirs can only move within their own list,
 * because the listing is always keyed by the caller and the filter.
 */
import { createHash } from 'node:crypto';
import type { TaskStatus } from '../contract/index.js';
import { ValidationError } from './errors.js';
import { isTaskId } from './task-id.js';

const CURSOR_VERSION = 1;

/** Binds a cursor to its owner without putting the owner's id in it. */
const ownerTag = (owner: string): string =>
  createHash('sha256').update(owner).digest('base64url').slice(0, 16);

interface CursorPayload {
  readonly v: number;
  readonly o: string;
  readonly s: TaskStatus | null;
  readonly k: string;
}

/** The cursor of the page that starts after task `lastId`. */
export function encodeCursor(owner: string, status: TaskStatus | undefined, lastId: string): string {
  const payload: CursorPayload = { v: CURSOR_VERSION, o: ownerTag(owner), s: status ?? null, k: lastId };
  return Buffer.from(JSON.stringify(payload)).toString('base64url');
}

/** The id a page starts after; a 400 for a cursor this owner and filter were not given. */
export function decodeCursor(owner: string, status: TaskStatus | undefined, cursor: string): string {
  const invalid = ValidationError.field('cursor', 'is not a cursor returned by this listing');
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid;
  }
  if (typeof payload !== 'object' || payload === null) throw invalid;
  const { v, o, s, k } = payload as Partial<CursorPayload>;
  const matches =
    v === CURSOR_VERSION &&
    o === ownerTag(owner) &&
    s === (status ?? null) &&
    typeof k === 'string' &&
    isTaskId(k) &&
    Buffer.from(cursor, 'base64url').toString('base64url') === cursor;
  if (!matches) throw invalid;
  return k;
}
