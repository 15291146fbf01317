/**
 * The `npm start` command line: strict flags, a clean Ctrl-C that leaves no process behind.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../src/assembly/index.js';
import { acquireDataLock } from '../src/lock.js';
import { portSpecs } from '../src/registry.js';
import { alive } from './support/processes.js';

const LOCAL_DIR = fileURLToPath(new URL('..', import.meta.url));
const CLI = ['--import', 'tsx', 'src/cli.ts'];
/** Every service on an ephemeral port, so a test's cloud never meets another's. */
const EPHEMERAL_FLAGS = portSpecs().flatMap((p) => [`--${p.name}-port`, '0']);

function runCli(args: string[]): { status: number; stdout: string; stderr: string } {
  try {
    const stdout = execFileSync(process.execPath, [...CLI, ...args], {
      cwd: LOCAL_DIR,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return { status: 0, stdout, stderr: '' };
  } catch (err) {
    const e = err as { status: number; stdout: string; stderr: string };
    return { status: e.status, stdout: e.stdout, stderr: e.stderr };
  }
}

/** Every live descendant of `pid`, from /proc. */
function descendants(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(Number(entry), ppid);
    } catch {
      // The process ended while we looked.
    }
  }
  const found: number[] = [];
  const walk = (parent: number) => {
    for (const [child, ppid] of parents) {
      if (ppid === parent) {
        found.push(child);
        walk(child);
      }
    }
  };
  walk(pid);
  return found;
}

function waitForOutput(child: ChildProcess, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (pattern.test(output)) resolve(output);
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${output}`)));
  });
}

/** A profile that fails the moment it is imported: a conflict told first proves nothing was loaded. */
function unloadableProfile(dir: string): string {
  const file = join(dir, 'unloadable.profile.ts');
  writeFileSync(file, "throw new Error('the app profile was loaded');\n");
  return file;
}

// Each test starts the CLI (Node with tsx) at least once: seconds on 2 busy cores, past the default 5 s.
describe('the local cloud CLI', { timeout: 20_000 }, () => {
  it('rejects an unknown flag with one line and the usage', () => {
    const result = runCli(['--bogus']);
    expect(result.status).toBe(2);
    expect(result.stderr.split('\n')[0]).toMatch(/^local cloud: Unknown option '--bogus'/);
    expect(result.stderr).toContain('Usage: npm start');
  });

  it.each([
    ['a bad port value', ['--api-port', 'http'], '--api-port needs a port number 0-65535, got "http".'],
    [
      'an IAM mode it does not know, naming the modes',
      ['--iam', 'strict'],
      '--iam needs one of enforce, warn, off, got "strict".',
    ],
    [
      'a function log level it does not know, naming the levels',
      ['--log-level', 'verbose'],
      '--log-level needs one of debug, info, warn, error, off, got "verbose".',
    ],
    [
      'no app to run: no profile and no assembly',
      ['--profile', 'none'],
      '--profile none has no app to synthesize: pass the cloud assembly to run with --assembly <cdk.out>.',
    ],
    [
      'a stage name that is not a name',
      ['--stage', '../..'],
      '--stage needs a stage name (letters, digits, -), got "../..".',
    ],
  ])('rejects %s', (_, args, message) => {
    const result = runCli(args);
    expect(result.status).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe(`local cloud: ${message}`);
  });

  it('tells a second copy that the data folder is in use before it loads anything', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'local-cloud-second-'));
    const lock = acquireDataLock(dataDir);
    try {
      const result = runCli(['--data-dir', dataDir, '--profile', unloadableProfile(dataDir)]);
      expect(result.status).toBe(1);
      expect(result.stderr.trim()).toBe(
        `local cloud: The data folder ${dataDir} is in use by another local cloud (pid ${process.pid}); stop that one first, or use --in-memory or another --data-dir.`,
      );
    } finally {
      lock.release();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it.each([
    [
      'a port in use, with its flag',
      ['api'],
      (p: number[]) =>
        `A port is already in use on 127.0.0.1: API Gateway on ${p[0]} (--api-port <port>). Stop what holds it, or choose other ports (0 picks a free one).`,
    ],
    [
      'every port in use in one message, each with its flag',
      ['api', 'cognito'],
      (p: number[]) =>
        `Ports are already in use on 127.0.0.1: Cognito on ${p[1]} (--cognito-port <port>), API Gateway on ${p[0]} (--api-port <port>). Stop what holds them, or choose other ports (0 picks a free one).`,
    ],
  ])('tells of %s, before it loads the app', async (_, names, message) => {
    // Arrange: a server on each port the flags then ask for.
    const dir = mkdtempSync(join(tmpdir(), 'local-cloud-port-'));
    const holders = names.map(() => createServer());
    const ports = await Promise.all(
      holders.map(
        (holder) =>
          new Promise<number>((resolve) =>
            holder.listen(0, '127.0.0.1', () => resolve((holder.address() as { port: number }).port)),
          ),
      ),
    );
    try {
      const flags = [...EPHEMERAL_FLAGS, ...names.flatMap((name, i) => [`--${name}-port`, String(ports[i])])];

      // Act
      const result = runCli(['--in-memory', ...flags, '--profile', unloadableProfile(dir)]);

      // Assert
      expect(result.status).toBe(1);
      expect(result.stderr.trim()).toBe(`local cloud: ${message(ports)}`);
    } finally {
      for (const holder of holders) holder.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses --reset without a terminal unless --yes is given', () => {
    const result = runCli(['--reset', '--data-dir', LOCAL_DIR]);
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(
      `local cloud: --reset would delete ${LOCAL_DIR}; confirm with --yes when not on a terminal.`,
    );
  });

  // Two CLI runs, each loading the app profile: seconds of CPU on a busy machine.
  it('with --reset --yes deletes the data but keeps the synthesized app; an unknown stage is one line', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'local-cloud-reset-'));
    try {
      for (const folder of ['cognito', 'dynamodb', 'cdk.out-dev']) mkdirSync(join(dataDir, folder));
      writeFileSync(join(dataDir, 'cognito', 'state.json'), '{}');
      const result = runCli([
        '--reset',
        '--yes',
        '--data-dir',
        dataDir,
        '--stage',
        'nope',
        ...EPHEMERAL_FLAGS,
      ]);
      expect(result.stdout).toContain(`Deleted the local data in ${dataDir}.`);
      expect(readdirSync(dataDir)).toEqual(['cdk.out-dev']);
      expect(result.status).toBe(1);
      expect(result.stderr.trim()).toMatch(
        /^local cloud: unknown stage "nope" \(valid stages: .+\); choose one with --stage <name>\.$/,
      );
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 30_000);

  it('starts, serves, and on Ctrl-C stops every process it started', async () => {
    const child = spawn(process.execPath, [...CLI, '--in-memory', ...EPHEMERAL_FLAGS], {
      cwd: LOCAL_DIR,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const output = await waitForOutput(child, /Ctrl-C stops everything/);
      const apiUrl = /^ {2}API Gateway\s+(\S+)/m.exec(output)?.[1] ?? '';
      expect((await fetch(new URL('health', apiUrl))).status).toBe(200);
      // The banner is short: a line per service, and what is not emulated in one line, listed
      // in full by the console.
      const banner = output.slice(output.indexOf('Local cloud for'));
      expect(banner.trimEnd().split('\n').length).toBeLessThanOrEqual(25);
      const consoleUrl = /^ {2}Console\s+(\S+)/m.exec(banner)?.[1] ?? '';
      expect(banner).toMatch(/^Not emulated: \d+ resources of \d+ types \(.+\), each listed at http/m);
      const page = await (await fetch(consoleUrl)).text();
      for (const type of ['AWS::EC2::VPC', 'AWS::EC2::NatGateway', 'AWS::WAFv2::WebACL'])
        expect(page).toContain(type);
      const pids = descendants(child.pid ?? 0);
      expect(pids.length).toBeGreaterThanOrEqual(2);
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      await expect.poll(() => pids.filter(alive), { timeout: 5000 }).toEqual([]);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 60_000);

  it('stops every process when npm start itself gets SIGTERM, as an IDE stop button sends it', async () => {
    const npm = spawn('npm', ['start', '--', '--in-memory', '--demo', ...EPHEMERAL_FLAGS], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const output = await waitForOutput(npm, /Ctrl-C stops everything/);
      expect(output).toContain('Demo user: demo@example.com / ');
      const pids = descendants(npm.pid ?? 0);
      // npm runs node itself (exec), which runs the functions, the dev server, the next synth.
      expect(pids.length).toBeGreaterThanOrEqual(3);
      const exited = new Promise<number | null>((resolve) => npm.once('exit', resolve));
      npm.kill('SIGTERM');
      await exited;
      await expect.poll(() => pids.filter(alive), { timeout: 10_000 }).toEqual([]);
    } finally {
      if (npm.exitCode === null) npm.kill('SIGKILL');
    }
  }, 90_000);

  it('leaves no process behind when it is killed without a chance to stop them', async () => {
    const child = spawn(process.execPath, [...CLI, '--in-memory', ...EPHEMERAL_FLAGS], {
      cwd: LOCAL_DIR,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let pids: number[] = [];
    try {
      const output = await waitForOutput(child, /Ctrl-C stops everything/);
      const apiUrl = /^ {2}API Gateway\s+(\S+)/m.exec(output)?.[1] ?? '';
      expect((await fetch(new URL('health', apiUrl))).status).toBe(200);
      pids = descendants(child.pid ?? 0);
      expect(pids.length).toBeGreaterThanOrEqual(2);
      child.kill('SIGKILL');
      await expect.poll(() => pids.filter(alive), { timeout: 5000 }).toEqual([]);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      for (const pid of pids.filter(alive)) process.kill(pid, 'SIGKILL');
    }
  }, 60_000);
});
