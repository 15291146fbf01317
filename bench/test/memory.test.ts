import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { commandOf, processTree, sampleTreeMemory, statusKb } from '../src/memory.js';

describe('processTree', () => {
  it('collects a process and all its descendants, not its siblings', () => {
    const parents = new Map([
      [10, 1],
      [11, 10],
      [12, 11],
      [13, 10],
      [20, 1],
    ]);
    expect(processTree(10, parents).sort()).toEqual([10, 11, 12, 13]);
  });
});

describe('sampleTreeMemory', () => {
  it("sums the RSS of a running child into its parent's tree", async () => {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    try {
      await new Promise((r) => child.once('spawn', r));
      const childKb = statusKb(child.pid as number, 'VmRSS');
      const sampler = sampleTreeMemory(process.pid, 50);
      const peak = sampler.stop();
      expect(peak.peakProcesses).toBeGreaterThanOrEqual(2);
      expect(peak.peakRssMb * 1024).toBeGreaterThan(statusKb(process.pid, 'VmRSS') * 0.5 + childKb * 0.5);
      expect(peak.sumOfPeaksMb).toBeGreaterThanOrEqual(peak.peakRssMb * 0.9);
    } finally {
      child.kill();
    }
  });

  it('reads 0 for a process that does not exist', () => {
    expect(statusKb(2 ** 22 + 1, 'VmRSS')).toBe(0);
  });
});

describe('commandOf', () => {
  it('names a process by its program and script, without flags or folders', () => {
    expect(commandOf(process.pid)).toMatch(/^node\b/);
    expect(commandOf(2 ** 22 + 1)).toBe(`pid ${2 ** 22 + 1}`);
  });
});
