/**
 * Developer loop: `npm run synth`, `npm start` cold to its ready line, and the whole
 * `npm test`, each timed from spawn in a fresh process.
 */
import { spawn } from 'node:child_process';
import { portSpecs } from '@tasktracker/local';
import { notAvailable, type Row } from './report.js';
import { REPO_ROOT, runCommand } from './run-command.js';

const AREA = 'developer loop';
/**
 * `npm start` flags: in memory, and a free port for every service the local cloud has, so it
 * cannot collide with a running instance.
 */
export const START_ARGS = [
  'start',
  '--',
  '--in-memory',
  ...portSpecs().flatMap((port) => [`--${port.name}-port`, '0']),
];
/** The line `npm start` prints once every service is up ("Local cloud for <stack> ready in 6.7 s"). */
export const READY_LINE = /Local cloud\b.* ready in /;
const START_TIMEOUT_MS = 120_000;

export async function measureSynth(): Promise<Row> {
  const run = await runCommand('npm', ['run', 'synth'], { timeoutMs: 300_000 });
  if (run.exitCode !== 0) {
    return notAvailable(
      AREA,
      '`npm run synth`',
      `exit code ${run.exitCode}: ${run.lastLine}`,
      'synthSeconds',
    );
  }
  return {
    area: AREA,
    metric: '`npm run synth`',
    value: run.seconds,
    unit: 's',
    budget: 'synthSeconds',
    note: 'the CDK CLI: every stage and the pipeline, esbuild bundling, CloudFormation validation and cdk-nag',
  };
}

export async function measureNpmTest(): Promise<Row> {
  const metric = '`npm test` total';
  const run = await runCommand('npm', ['test'], { timeoutMs: 1_800_000 });
  if (run.exitCode !== 0) {
    // A failing run stops early: its time is not the total, so it is not reported as one.
    return notAvailable(AREA, metric, `npm test failed after ${run.seconds.toFixed(1)} s: ${run.lastLine}`);
  }
  return { area: AREA, metric, value: run.seconds, unit: 's' };
}

/** Spawns `npm start`, resolves with the seconds until the ready line, then stops it. */
export function measureStart(): Promise<Row> {
  const metric = '`npm start` cold to ready';
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn('npm', START_ARGS, {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    let settled = false;
    const finish = (row: Row): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      stopGroup(child.pid).then(() => resolve(row));
    };
    const onData = (c: Buffer): void => {
      output = (output + c.toString('utf8')).slice(-8000);
      if (READY_LINE.test(output)) {
        finish({
          area: AREA,
          metric,
          value: (performance.now() - started) / 1000,
          unit: 's',
          budget: 'startSeconds',
          note: `\`npm ${START_ARGS.join(' ')}\` until "Local cloud ready"; includes the in-process synth and esbuild bundling`,
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const lastLine = (): string => output.trim().split('\n').filter(Boolean).at(-1) ?? '';
    const timer = setTimeout(
      () =>
        finish(
          notAvailable(
            AREA,
            metric,
            `no ready line within ${START_TIMEOUT_MS / 1000} s: ${lastLine()}`,
            'startSeconds',
          ),
        ),
      START_TIMEOUT_MS,
    );
    child.on('exit', (code) =>
      finish(notAvailable(AREA, metric, `exited ${code} before ready: ${lastLine()}`, 'startSeconds')),
    );
  });
}

/** Stops the process group `npm start` leads: SIGINT as Ctrl-C would, SIGKILL after 10 s. */
function stopGroup(pid: number | undefined): Promise<void> {
  if (pid === undefined) return Promise.resolve();
  return new Promise((resolve) => {
    const alive = (): boolean => {
      try {
        process.kill(-pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    if (!alive()) return resolve();
    process.kill(-pid, 'SIGINT');
    const deadline = Date.now() + 10_000;
    const poll = setInterval(() => {
      if (!alive()) {
        clearInterval(poll);
        resolve();
      } else if (Date.now() > deadline) {
        process.kill(-pid, 'SIGKILL');
        clearInterval(poll);
        resolve();
      }
    }, 100);
  });
}
