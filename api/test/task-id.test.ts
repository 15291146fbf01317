import { describe, expect, it } from 'vitest';
import { isTaskId, newTaskId } from '../src/domain/task-id.js';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const decodeTime = (id: string) => [...id.slice(0, 10)].reduce((ms, c) => ms * 32 + ALPHABET.indexOf(c), 0);

describe('task ids', () => {
  it('are 26-character ULIDs that encode their creation time', () => {
    const at = Date.UTC(2026, 10, 24, 12, 0, 0);
    const id = newTaskId(at);
    expect(isTaskId(id)).toBe(true);
    expect(decodeTime(id)).toBe(at);
  });

  it('sort by creation time, strictly even within one millisecond', () => {
    const ids = [
      ...Array.from({ length: 50 }, () => newTaskId(1_700_000_000_000)),
      ...Array.from({ length: 5 }, (_, i) => newTaskId(1_700_000_000_001 + i)),
    ];
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  it('rejects strings that are not ids', () => {
    for (const value of [
      '',
      'abc',
      '01ARZ3NDEKTSV4RRFFQ69G5FAVX',
      '01arz3ndektsv4rrffq69g5fav',
      '01ARZ3NDEKTSV4RRFFQ69G5FAU'.replace('U', 'I'),
    ]) {
      expect(isTaskId(value)).toBe(false);
    }
  });
});
