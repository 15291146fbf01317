/**
 * Every budget the benchmarks check, in one place. A measured figure breaks its budget
 * when it is greater than `max`. Each budget says why it is set where it is. DynamoDB capacity
 * budgets are the API's own (the store's tests hold it to the same numbers).
 */
import { HANDLER_BUNDLE_MAX_BYTES } from '@tasktracker/api/bundling';
import { CAPACITY_BUDGET } from '@tasktracker/api/capacity';

export interface Budget {
  /** The largest value that still passes. */
  readonly max: number;
  /** Unit of `max`, as the table prints it. */
  readonly unit: string;
  /** One line: why this number (an anchor, a pricing rule, a user-facing limit). */
  readonly why: string;
}

export const BUDGETS = {
  coldStartAddedMs: {
    max: 60,
    unit: 'ms',
    why: "import + first invocation in a fresh process, minus an empty handler's: ≈ ≤ 1.5× Lambda's hello-world init (lambda-perf 2025-12: nodejs22.x arm64 ~117–124 ms); the floor (https + crypto + one signed request) is ~10–15 ms",
  },
  coldStartPeerRatio: {
    max: 0.3,
    unit: '×',
    why: 'added cold start vs the peer built into the bench (AWS SDK v3 document client from node_modules + Powertools logger, metrics, tracer), as most projects ship a function',
  },
  bundleKb: {
    max: HANDLER_BUNDLE_MAX_BYTES / 1000,
    unit: 'KB',
    why: 'a sanity bound, not a performance budget (the cold-start figures are): catches a dependency bundled by mistake',
  },
  readRcuGetItem: {
    max: CAPACITY_BUDGET.getTask,
    unit: 'RCU',
    why: 'one eventually consistent GetItem of ≤ 4 KB',
  },
  readRcuListPage: {
    max: CAPACITY_BUDGET.listPage,
    unit: 'RCU',
    why: 'one eventually consistent Query returning a page of 20 small tasks (≤ 8 KB)',
  },
  noRead: {
    max: 0,
    unit: 'RCU',
    why: 'the access pattern needs no read (conditional writes report conflicts)',
  },
  noWrite: {
    max: 0,
    unit: 'WCU',
    why: 'a read-only route writes nothing',
  },
  writeWcuCreate: {
    max: CAPACITY_BUDGET.createWithIdempotencyKey,
    unit: 'WCU',
    why: 'one PutItem for the task (≤ 1 KB) + one for its idempotency record',
  },
  writeWcuSingle: {
    max: CAPACITY_BUDGET.singleWrite,
    unit: 'WCU',
    why: 'one conditional write of one item ≤ 1 KB',
  },
  loadErrors: {
    max: 0,
    unit: 'req',
    why: 'every request under load must get a 2xx answer',
  },
  initialJsGzipKb: {
    max: 150,
    unit: 'KB',
    why: 'initial JS (entry + modulepreload), gzip: under 1 s to transfer on slow 4G (1.6 Mbit/s)',
  },
  signInCpuGapMs: {
    max: 5,
    unit: 'ms',
    why: 'median CPU per failed sign-in, wrong password vs unknown user: a skipped password check saves a whole scrypt derivation (~25 ms here), far above this; the noise of the median is well below',
  },
  signInWallGapMs: {
    max: 20,
    unit: 'ms',
    why: "the same gap on the wall clock, what an attacker sees: a leak that waits rather than works shows here; wider than the CPU bound for scheduling noise on a shared machine, still below a skipped scrypt's",
  },
  startSeconds: {
    max: 15,
    unit: 's',
    why: '`npm start` cold to ready: the developer loop stays interactive',
  },
  synthSeconds: {
    max: 15,
    unit: 's',
    why: '`npm run synth`: runs in every `npm test` and every pipeline build',
  },
} as const satisfies Record<string, Budget>;

export type BudgetId = keyof typeof BUDGETS;
