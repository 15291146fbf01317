/**
 * Peak resident memory of a process tree (a process and all its descendants), sampled
 * from /proc. The local cloud spawns Lambda workers and the web server as children, so
 * its footprint is the sum over the tree, not the RSS of one process.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface TreeMemory {
  /** Largest sum of VmRSS over the tree seen in one sample, in MB. */
  readonly peakRssMb: number;
  /** Sum over every process seen of its own peak (VmHWM), in MB: an upper bound. */
  readonly sumOfPeaksMb: number;
  /** Each process seen, by its own peak (VmHWM), largest first. */
  readonly processes: readonly { readonly command: string; readonly peakMb: number }[];
  /** Largest number of processes in the tree in one sample. */
  readonly peakProcesses: number;
  readonly samples: number;
}

/** Parent pid of every running process, read from /proc/<pid>/stat. */
function parentsByPid(): Map<number, number> {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name is in parentheses and may hold spaces; fields after it are fixed.
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parents.set(Number(entry), Number(rest[1]));
    } catch {
      // The process exited between listing and reading: it is simply not in this sample.
    }
  }
  return parents;
}

/** The pid and all its descendants' pids. */
export function processTree(root: number, parents: Map<number, number> = parentsByPid()): number[] {
  const children = new Map<number, number[]>();
  for (const [pid, ppid] of parents) {
    const list = children.get(ppid) ?? [];
    list.push(pid);
    children.set(ppid, list);
  }
  const tree: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/** A `/proc/<pid>/status` field in kB (VmRSS, VmHWM), or 0 when the process is gone. */
export function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** A short name for a process: its program and first script argument, e.g. `node server.mjs`. */
export function commandOf(pid: number): string {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    const script = args.slice(1).find((a) => /\.(m|c)?[jt]s$/.test(a));
    const shown = [args[0], script].filter((a): a is string => a !== undefined);
    return shown.map((a) => a.split('/').pop()).join(' ') || `pid ${pid}`;
  } catch {
    return `pid ${pid}`;
  }
}

/** Samples the tree's summed RSS every `intervalMs` until `stop()` is called. */
export function sampleTreeMemory(root: number, intervalMs = 100): { stop(): TreeMemory } {
  let peakKb = 0;
  let peakProcesses = 0;
  let samples = 0;
  const hwmByPid = new Map<number, number>();
  const commands = new Map<number, string>();
  const sample = (): void => {
    const tree = processTree(root);
    const kb = tree.reduce((sum, pid) => sum + statusKb(pid, 'VmRSS'), 0);
    for (const pid of tree) {
      hwmByPid.set(pid, Math.max(hwmByPid.get(pid) ?? 0, statusKb(pid, 'VmHWM')));
      if (!commands.has(pid)) commands.set(pid, commandOf(pid));
    }
    peakKb = Math.max(peakKb, kb);
    peakProcesses = Math.max(peakProcesses, tree.length);
    samples++;
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      const sumOfPeaksKb = [...hwmByPid.values()].reduce((a, b) => a + b, 0);
      const processes = [...hwmByPid.entries()]
        .map(([pid, kb]) => ({ command: commands.get(pid) ?? `pid ${pid}`, peakMb: kb / 1024 }))
        .sort((a, b) => b.peakMb - a.peakMb);
      return {
        peakRssMb: peakKb / 1024,
        sumOfPeaksMb: sumOfPeaksKb / 1024,
        processes,
        peakProcesses,
        samples,
      };
    },
  };
}
