/**
 * What a task uses, read from /proc as a cgroup would account it: the CPU time (utime + stime) and
 * resident memory of every process of the task — the container's entrypoint, everything it
 * started, and anything injected into the task (a stress process) — against the task definition's
 * `Cpu` units and `Memory`. Fargate cannot give a task more CPU than its units, so utilization is
 * capped at 100 %, as CloudWatch would show it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's CPU times (`getconf CLK_TCK`, 100 on Linux). */
const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** Whether this machine has /proc to sample (Linux); elsewhere ECS metrics are not observed. */
export const CAN_SAMPLE_TASKS = existsSync('/proc/self/stat');

interface ProcessStat {
  readonly pid: number;
  readonly ppid: number;
  /** utime + stime, in clock ticks. */
  readonly ticks: number;
}

/** One reading of a task: utilization in percent of the task definition's size. */
export interface TaskUsage {
  readonly cpuPercent: number;
  readonly memoryPercent: number;
  /** Resident memory of the task's processes, in MiB. */
  readonly memoryMiB: number;
  readonly processes: number;
}

export class TaskSampler {
  private previous: { readonly at: number; readonly ticks: ReadonlyMap<number, number> } | undefined;

  /**
   * @param roots the task's processes: the container's pid and injected ones (their children count too).
   * @param cpuUnits the task definition's `Cpu` (1024 = one vCPU).
   * @param memoryMiB the task definition's `Memory`.
   */
  constructor(
    private readonly roots: () => readonly number[],
    private readonly cpuUnits: number,
    private readonly memoryMiB: number,
  ) {}

  /** The task's resident memory right now, in MiB. */
  residentMiB(): number {
    return taskProcesses(this.roots()).reduce((sum, p) => sum + residentMiB(p.pid), 0);
  }

  /** Reads the task now; the first call only sets the baseline CPU time (undefined). */
  sample(now = Date.now()): TaskUsage | undefined {
    const processes = taskProcesses(this.roots());
    const ticks = new Map(processes.map((p) => [p.pid, p.ticks]));
    const previous = this.previous;
    this.previous = { at: now, ticks };
    if (!previous) return undefined;
    // A process that started since the last reading used all its ticks since then.
    let used = 0;
    for (const [pid, total] of ticks) used += Math.max(0, total - (previous.ticks.get(pid) ?? 0));
    const seconds = Math.max(0.001, (now - previous.at) / 1000);
    const cores = used / TICKS_PER_SECOND / seconds;
    const memoryMiB = processes.reduce((sum, p) => sum + residentMiB(p.pid), 0);
    return {
      cpuPercent: Math.min(100, (cores / (this.cpuUnits / 1024)) * 100),
      memoryPercent: Math.min(100, (memoryMiB / this.memoryMiB) * 100),
      memoryMiB,
      processes: processes.length,
    };
  }
}

/** The roots and all their descendants that are still running. */
function taskProcesses(roots: readonly number[]): ProcessStat[] {
  const all = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .flatMap((name) => {
      const stat = readStat(Number(name));
      return stat ? [stat] : [];
    });
  const inTask = new Set(roots);
  // Parents come before children often but not always: repeat until nothing joins.
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of all)
      if (!inTask.has(p.pid) && inTask.has(p.ppid)) {
        inTask.add(p.pid);
        grew = true;
      }
  }
  return all.filter((p) => inTask.has(p.pid));
}

/** `/proc/<pid>/stat`: fields after the `(comm)` are state, ppid, …, utime (14th), stime (15th). */
function readStat(pid: number): ProcessStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { pid, ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    // The process ended between listing and reading.
    return undefined;
  }
}

function residentMiB(pid: number): number {
  try {
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? 0 : Number(kb) / 1024;
  } catch {
    return 0;
  }
}
