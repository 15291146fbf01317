import { describe, expect, it } from 'vitest';
import { startedAroundTests } from './support/hooks.js';

class Counter {
  readonly label = 'counter';
  #count = 0;
  next(): number {
    this.#count += 1;
    return this.#count;
  }
}

describe('startedAroundTests', () => {
  const counter = startedAroundTests(
    'the counter',
    async () => new Counter(),
    async () => undefined,
  );

  it('calls a method that uses #private fields through the proxy', () => {
    // Act
    const first = counter.next();
    // Assert
    expect(first).toBe(1);
  });

  it("shows the started value's own keys to Object.keys, in and spread", () => {
    // Act
    const view = { keys: Object.keys(counter), has: 'label' in counter, spread: { ...counter } };
    // Assert
    expect(view).toEqual({ keys: ['label'], has: true, spread: { label: 'counter' } });
  });
});
