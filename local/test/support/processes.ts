/** What the local cloud's tests ask of the processes it starts. */
import { readFileSync } from 'node:fs';

/**
 * Whether `pid` still runs. A killed child stays a zombie until its parent reaps it, and
 * `kill(pid, 0)` still succeeds on a zombie, so its state in /proc decides.
 */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
    return state !== 'Z';
  } catch {
    return false;
  }
}
