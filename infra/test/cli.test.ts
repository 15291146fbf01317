import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const INFRA_DIR = fileURLToPath(new URL('../', import.meta.url));
const emptyHome = mkdtempSync(join(tmpdir(), 'cli-test-home-'));
afterAll(() => rmSync(emptyHome, { recursive: true, force: true }));

/** Runs the CLI with an environment that holds no AWS configuration or credentials at all. */
function cli(...args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/cli.ts', ...args], {
    cwd: INFRA_DIR,
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH ?? '',
      HOME: emptyHome,
      AWS_CONFIG_FILE: join(emptyHome, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(emptyHome, 'credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
    },
  });
  return { status: result.status, stderr: result.stderr.trim(), stdout: result.stdout.trim() };
}

describe('laptop CLI', () => {
  it('rejects an unknown stage in one line listing the valid stages', () => {
    const { status, stderr } = cli('deploy', '--stage', 'staging');
    expect(status).toBe(1);
    expect(stderr).toBe('error: unknown stage "staging" (valid stages: dev, prod)');
  });

  it('asks for --stage when it is missing', () => {
    const { status, stderr } = cli('diff');
    expect(status).toBe(1);
    expect(stderr).toBe(
      'error: missing --stage (usage: npm run diff -- --stage <name>; valid stages: dev, prod)',
    );
  });

  it('says how to configure credentials when there are none, without a stack trace', () => {
    const { status, stderr } = cli('deploy', '--stage', 'dev');
    expect(status).toBe(1);
    expect(stderr.split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^error: no AWS credentials found: run `aws configure`/);
  });

  it('refuses to destroy prod before touching AWS', () => {
    const { status, stderr } = cli('destroy', '--stage', 'prod');
    expect(status).toBe(1);
    expect(stderr).toMatch(/^error: refusing to destroy prod/);
  });

  it('rejects an unknown command and stray arguments', () => {
    expect(cli('launch').stderr).toBe(
      'error: unknown command "launch" (expected one of: synth, deploy, diff, bootstrap, destroy)',
    );
    expect(cli('deploy', '--force').stderr).toMatch(/^error: unknown argument "--force"/);
  });

  it('the CDK app entry rejects an unknown -c stage in one line', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'bin/app.ts'], {
      cwd: INFRA_DIR,
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH ?? '',
        HOME: emptyHome,
        CDK_CONTEXT_JSON: JSON.stringify({ stage: 'qa' }),
      },
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe('error: unknown stage "qa" (valid stages: dev, prod)');
  });
});
