import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));

function bench(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('npm run bench misuse', () => {
  it('exits 2 with a one-line error and no stack trace', () => {
    const run = bench('--only', 'warp-speed');
    expect(run.status).toBe(2);
    const errorLines = run.stderr.split('\n').filter((l) => l.startsWith('bench:'));
    expect(errorLines).toEqual([expect.stringContaining("unknown measurement 'warp-speed'")]);
    expect(run.stderr).not.toMatch(/\bat .+:\d+:\d+/);
  });

  it('prints usage on --help and exits 0', () => {
    const run = bench('--help');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('usage: npm run bench -- [--quick]');
  });
});
