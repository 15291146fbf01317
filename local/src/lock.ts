/**
 * One local cloud per data folder: a lock file holding the owner's pid, taken before the synth
 * so a second copy is told at once, and taken over when its owner is gone (killed hard).
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalCloudError } from './errors.js';

/** Where `npm start` keeps data (and the synthesized app) unless `--data-dir` says otherwise. */
export const DEFAULT_DATA_DIR = fileURLToPath(new URL('../../.local-cloud', import.meta.url));

export interface DataLock {
  release(): void;
}

const LOCK_FILE = 'local-cloud.lock';

/** Lock files this process holds: a second cloud in the same process is refused too. */
const held = new Set<string>();

/** Takes the folder's lock or throws a one-line error naming the process that holds it. */
export function acquireDataLock(dataDir: string): DataLock {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, LOCK_FILE);
  if (held.has(file)) throw inUse(dataDir, process.pid);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      held.add(file);
      return {
        release: () => {
          if (!held.delete(file)) return;
          rmSync(file, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = lockOwner(dataDir);
      if (owner !== undefined) throw inUse(dataDir, owner);
      // The owner is gone (killed hard, or an earlier run of this very pid): take over.
      rmSync(file, { force: true });
    }
  }
  throw new LocalCloudError(`Could not take the lock of the data folder ${dataDir}; try again.`);
}

/** The pid of another live local cloud holding the folder's lock, if one does. */
function lockOwner(dataDir: string): number | undefined {
  const file = join(dataDir, LOCK_FILE);
  if (!existsSync(file)) return undefined;
  const owner = Number(readFileSync(file, 'utf8').trim());
  return Number.isInteger(owner) && owner > 0 && owner !== process.pid && processExists(owner)
    ? owner
    : undefined;
}

/**
 * Throws the one-line error `acquireDataLock` would, without taking the lock: the CLI asks before
 * it loads anything, so a second copy is told at once.
 */
export function refuseIfInUse(dataDir: string): void {
  const owner = lockOwner(dataDir);
  if (owner !== undefined) throw inUse(dataDir, owner);
}

function inUse(dataDir: string, pid: number): LocalCloudError {
  return new LocalCloudError(
    `The data folder ${dataDir} is in use by another local cloud (pid ${pid}); stop that one first, or use --in-memory or another --data-dir.`,
  );
}

/** Whether a process with this id exists (EPERM: it does, owned by someone else). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
