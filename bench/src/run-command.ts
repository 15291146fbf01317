/** Runs a repository command (npm scripts) and times it, keeping only the tail of its output. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface CommandRun {
  readonly seconds: number;
  readonly exitCode: number | null;
  /** Last non-empty output line, for a one-line failure reason. */
  readonly lastLine: string;
}

/** Runs `command args` in the repository root; resolves on exit (never rejects on failure). */
export function runCommand(
  command: string,
  args: readonly string[],
  options: { timeoutMs: number; env?: NodeJS.ProcessEnv },
): Promise<CommandRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, {
      cwd: REPO_ROOT,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let tail = '';
    const keep = (c: Buffer): void => {
      tail = (tail + c.toString('utf8')).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => {
      // The whole process group: npm starts the real work in children.
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    }, options.timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      const lastLine =
        tail
          .split('\n')
          .map((l) => l.trim())
          .filter((l) => l.length > 0 && !/NodeVersionSupportWarning|Unknown user config/.test(l))
          .at(-1) ?? '';
      resolve({ seconds: (performance.now() - started) / 1000, exitCode, lastLine });
    });
  });
}
