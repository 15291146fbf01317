import { describe, expect, it } from 'vitest';
import { cpuMsOfStat, cpuSpent, treeCpu } from '../src/cpu.js';

describe('cpuMsOfStat', () => {
  it('reads utime + stime in ms, even when the command name holds spaces and parentheses', () => {
    // Arrange: utime 150 ticks, stime 25 ticks (fields 14 and 15 of proc(5)).
    const stat =
      '4242 (node (worker) x) S 1 4242 4242 0 -1 4194560 2048 0 0 0 150 25 0 0 20 0 11 0 1767898 1000 400';

    // Act
    const ms = cpuMsOfStat(stat);

    // Assert
    expect(ms).toBe(1750);
  });
});

describe('cpuSpent', () => {
  it('counts a process that started between two readings from its start, and none that ended', () => {
    // Arrange
    const before = {
      rootMs: 100,
      rootMainThreadMs: 80,
      descendantsMs: new Map([
        [11, 50],
        [12, 70],
      ]),
    };
    const after = {
      rootMs: 160,
      rootMainThreadMs: 120,
      descendantsMs: new Map([
        [11, 65],
        [13, 20],
      ]),
    };

    // Act
    const spent = cpuSpent(before, after);

    // Assert
    expect(spent).toEqual({ rootMs: 60, rootMainThreadMs: 40, descendantsMs: 35 });
  });
});

describe('treeCpu', () => {
  it("reads this process's CPU, its main thread's no more than the whole process's", () => {
    // Act
    const cpu = treeCpu(process.pid);

    // Assert
    expect(cpu.rootMs).toBeGreaterThan(0);
    expect(cpu.rootMainThreadMs).toBeLessThanOrEqual(cpu.rootMs);
  });
});
