/**
 * One local cloud per data folder: a lock file holding the owner's pid, taken before the synth
 * so a second copy is told at once, and taken over when its owner is gone (killed hard).
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { LocalCloudError } from './errors.js';

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
      const owner = Number(readFileSync(file, 'utf8').trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && processExists(owner))
        throw inUse(dataDir, owner);
      // The owner is gone (killed hard, or an earlier run of this very pid): take over.
      rmSync(file, { force: true });
    }
  }
  throw new LocalCloudError(`Could not take the lock of the data folder ${dataDir}; try again.`);
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
