import { describe, expect, it } from 'vitest';
import { median, percentile } from '../src/stats.js';

describe('median', () => {
  it('is the middle value of an odd sample regardless of order', () => {
    expect(median([9, 1, 5])).toBe(5);
  });

  it('is the mean of the two middle values of an even sample', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('refuses an empty sample', () => {
    expect(() => median([])).toThrow('median of an empty sample');
  });
});

describe('percentile', () => {
  const sample = Array.from({ length: 100 }, (_, i) => 100 - i);

  it('uses the nearest rank', () => {
    expect(percentile(sample, 50)).toBe(50);
    expect(percentile(sample, 99)).toBe(99);
    expect(percentile(sample, 100)).toBe(100);
    expect(percentile(sample, 0)).toBe(1);
  });

  it('refuses percentiles outside 0–100 and empty samples', () => {
    expect(() => percentile(sample, 101)).toThrow('within 0–100');
    expect(() => percentile([], 50)).toThrow('empty sample');
  });
});
