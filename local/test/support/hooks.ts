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
  const current = (): T => {
    if (!started) throw new Error(`${what} has not started.`);
    return started;
  };
  // Methods are bound to the started value, so its #private fields work through the proxy.
  return new Proxy({} as T, {
    get(_, key) {
      const value = Reflect.get(current(), key);
      return typeof value === 'function' ? value.bind(current()) : value;
    },
    has: (_, key) => Reflect.has(current(), key),
    ownKeys: () => Reflect.ownKeys(current()),
    getOwnPropertyDescriptor: (_, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(current(), key);
      return descriptor && { ...descriptor, configurable: true };
    },
  });
}
