/**
 * CPU time of a process tree, read from /proc: what a load costs each process of the local cloud
 * (its main thread, its other threads, the Lambda workers it forked) per request. On a shared
 * machine throughput swings with everyone else's work; CPU time per request much less.
 */
import { readFileSync } from 'node:fs';
import { processTree } from './memory.js';

/**
 * Clock ticks per second of /proc's utime and stime: Linux's USER_HZ, 100 on every architecture
 * Node runs on (sysconf(_SC_CLK_TCK) reports it; Node has no binding for it).
 */
const TICKS_PER_SECOND = 100;

/** utime + stime of a `/proc/<pid>/stat` (or `…/task/<tid>/stat`) line, in ms. */
export function cpuMsOfStat(stat: string): number {
  // The command name is in parentheses and may hold spaces; utime and stime are the 12th and
  // 13th fields after it.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

function readCpuMs(path: string): number | undefined {
  try {
    return cpuMsOfStat(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/** CPU used so far by a process tree's root (whole process and main thread) and its descendants. */
export interface TreeCpu {
  /** The root process, every thread. */
  readonly rootMs: number;
  /** The root's main thread (the event loop of a Node process). */
  readonly rootMainThreadMs: number;
  /** CPU of each descendant still running, by pid. */
  readonly descendantsMs: ReadonlyMap<number, number>;
}

/** Reads the CPU a process tree has used so far: the root (all threads, main thread) and each descendant. */
export function treeCpu(root: number): TreeCpu {
  const descendantsMs = new Map<number, number>();
  for (const pid of processTree(root)) {
    if (pid === root) continue;
    const ms = readCpuMs(`/proc/${pid}/stat`);
    if (ms !== undefined) descendantsMs.set(pid, ms);
  }
  return {
    rootMs: readCpuMs(`/proc/${root}/stat`) ?? 0,
    rootMainThreadMs: readCpuMs(`/proc/${root}/task/${root}/stat`) ?? 0,
    descendantsMs,
  };
}

/** CPU spent between two readings of the same tree, in ms. */
export interface CpuSpent {
  readonly rootMs: number;
  readonly rootMainThreadMs: number;
  /**
   * Descendants running at the second reading; one that started in between counts from its
   * start, one that ended in between is not counted.
   */
  readonly descendantsMs: number;
}

/** The CPU a tree spent between two readings of it. */
export function cpuSpent(before: TreeCpu, after: TreeCpu): CpuSpent {
  let descendantsMs = 0;
  for (const [pid, ms] of after.descendantsMs) {
    const earlier = before.descendantsMs.get(pid);
    // A process that started during the load counts from its start.
    descendantsMs += ms - (earlier ?? 0);
  }
  return {
    rootMs: after.rootMs - before.rootMs,
    rootMainThreadMs: after.rootMainThreadMs - before.rootMainThreadMs,
    descendantsMs,
  };
}
