/** What a test file starts before its tests and stops after them, in one call. */
import { afterAll, beforeAll } from 'vitest';

/**
 * Starts a value before the tests of the file (or of the describe block it is called in) and stops
 * it after them. The object returned reads the started value's properties, so a test writes
 * `fixture.cloud`; reading one before the start throws, naming what has not started.
 */
export function startedAroundTests<T extends object>(
  what: string,
  start: () => Promise<T>,
  stop: (value: T) => Promise<void>,
  timeoutMs = 60_000,
): T {
  let started: T | undefined;
  beforeAll(async () => {
    started = await start();
  }, timeoutMs);
  afterAll(async () => {
    if (started) await stop(started);
  });
  return new Proxy({} as T, {
    get(_, key) {
      if (!started) throw new Error(`${what} has not started.`);
      return Reflect.get(started, key);
    },
  });
}
