/**
 * Sign-in timing: whether how long a failed sign-in takes tells that the account exists. For each
 * flow, tries alternate between a wrong password for a known user and an unknown user, against a
 * local Cognito on 127.0.0.1 in this process, and the medians per try are compared:
 * - CPU time of this process per try (its threads included, so scrypt's too), which other
 *   processes do not change: the leak it guards against is work (a skipped password hash is a
 *   whole scrypt derivation, tens of ms);
 * - wall clock, what an attacker sees: a leak that waits rather than works (a sleep, a file write)
 *   shows there; its budget leaves room for scheduling noise on a shared machine;
 * - the two kinds alternate which goes first, so a slow moment hits both, and the median ignores pauses.
 * What makes the times equal (the same derivation, the same modular powers, the same answer) is
 * checked deterministically by the local Cognito's unit tests; this is the measurement.
 */
import {
  failedSignIn,
  SIGN_IN_FLOWS,
  type SignInFlow,
  type SignInPool,
  startSignInPool,
  unknownUser,
} from '@tasktracker/local/failed-sign-in';
import type { Row } from './report.js';
import { median } from './stats.js';

const AREA = 'sign-in timing';
/** Tries of each kind made and dropped first: the first calls pay for module loading and JIT. */
const WARM_UP = 5;

/** Per-try samples of one kind of failed sign-in, in ms. */
export interface Samples {
  readonly wall: number[];
  readonly cpu: number[];
}

/** The two kinds of failed sign-in that must take the same time. */
export interface FlowSamples {
  readonly wrongPassword: Samples;
  readonly unknownUser: Samples;
}

/** Times one attempt: wall clock, and CPU time of this process (its threads included, so scrypt's too). */
async function timed(attempt: () => Promise<unknown>, into: Samples): Promise<void> {
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await attempt();
  into.wall.push(performance.now() - started);
  const cpu = process.cpuUsage(cpuBefore);
  into.cpu.push((cpu.user + cpu.system) / 1000);
}

/** Alternating attempts: a wrong password for the known user, and a new unknown user each time. */
async function measure(pool: SignInPool, flow: SignInFlow, tries: number): Promise<FlowSamples> {
  const wrongPassword: Samples = { wall: [], cpu: [] };
  const unknown: Samples = { wall: [], cpu: [] };
  for (let i = 0; i < tries; i++) {
    const known = () => timed(() => failedSignIn(pool, flow, pool.knownUser), wrongPassword);
    const ghost = () => timed(() => failedSignIn(pool, flow, unknownUser()), unknown);
    // Alternating which goes first cancels any advantage of going first.
    if (i % 2 === 0) {
      await known();
      await ghost();
    } else {
      await ghost();
      await known();
    }
  }
  return { wrongPassword, unknownUser: unknown };
}

/** The rows of one flow: per kind of failure the median CPU and wall time per try, and their gaps. */
export function signInTimingRows(flow: SignInFlow, samples: FlowSamples): Row[] {
  const tries = samples.wrongPassword.wall.length;
  const rows: Row[] = [];
  for (const [kind, label, budget, measured] of [
    ['cpu', 'CPU', 'signInCpuGapMs', 'CPU time of this process, its threads included'],
    ['wall', 'wall', 'signInWallGapMs', 'wall clock, what a caller sees'],
  ] as const) {
    const wrongPassword = median(samples.wrongPassword[kind]);
    const unknown = median(samples.unknownUser[kind]);
    rows.push(
      { area: AREA, metric: `${flow} ${label} p50: wrong password`, value: wrongPassword, unit: 'ms' },
      { area: AREA, metric: `${flow} ${label} p50: unknown user`, value: unknown, unit: 'ms' },
      {
        area: AREA,
        metric: `${flow} ${label} p50 gap`,
        value: Math.abs(wrongPassword - unknown),
        unit: 'ms',
        budget,
        note: `${measured}; medians of ${tries} tries of each kind, alternating`,
      },
    );
  }
  return rows;
}

/** Times `tries` failed sign-ins of each kind for each flow, after a warm-up. */
export async function measureSignInTiming(tries: number): Promise<Row[]> {
  const pool = await startSignInPool();
  try {
    const rows: Row[] = [];
    for (const flow of SIGN_IN_FLOWS) {
      await measure(pool, flow, WARM_UP);
      rows.push(...signInTimingRows(flow, await measure(pool, flow, tries)));
    }
    return rows;
  } finally {
    await pool.stop();
  }
}
