/**
 * The hostile-client property: generated cases run against one or more targets, one case per lane
 * (user) at a time, lanes in parallel. Each target keeps a model of what its users were told (the
 * tasks and idempotency keys each lane was answered with), and every reply is judged against it:
 * never a 5xx; errors in the contract's shape without internals; exactly the status the contract
 * and the model call for; every accepted task read back identical; listings only ever show the
 * lane's own tasks. With two targets, the first is the reference: the second may refuse in its
 * gateway validator only what the first refused, and otherwise must answer the same. At the end,
 * every acknowledged write is looked for in a full listing.
 */
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import * as z from 'zod/mini';
import {
  CreateTaskInput,
  ErrorBody,
  IDEMPOTENCY_HEADER,
  ListTasksQuery,
  TASK_LIMITS,
  TASK_STATUSES,
  Task,
  TaskPage,
  type TaskStatus,
  UpdateTaskInput,
} from '../../../src/contract/index.js';
import { TASK_ID_PATTERN } from '../../../src/domain/task-id.js';
import { type HostileCase, hostileCase, type Pairs, routeOf, writeBody } from './cases.js';
import { brokenPromise, errorCodeOf, isValidatorRefusal } from './replies.js';
import { type ApiTarget, pathParameterOf, type Reply, type WireRequest } from './targets.js';

/** Run size and seed: `HOSTILE_RUNS` cases (default 2,000), `HOSTILE_SEED` (default fixed, for CI). */
export function hostileSettings(env: NodeJS.ProcessEnv = process.env): { cases: number; seed: number } {
  const cases = env.HOSTILE_RUNS === undefined ? 2000 : Number(env.HOSTILE_RUNS);
  const seed = env.HOSTILE_SEED === undefined ? 20261127 : Number(env.HOSTILE_SEED);
  if (!Number.isSafeInteger(cases) || cases < 1)
    throw new Error(`HOSTILE_RUNS must be a positive integer, not ${env.HOSTILE_RUNS}.`);
  if (!Number.isSafeInteger(seed))
    throw new Error(`HOSTILE_SEED must be an integer, not ${env.HOSTILE_SEED}.`);
  return { cases, seed };
}

/** A task a lane was told about, and what it was last told (undefined once deleted). */
interface KnownTask {
  readonly id: string;
  task: Task | undefined;
}

/** What one user was told by one target. */
class Lane {
  readonly tasks: KnownTask[] = [];
  /** Idempotency keys: the normalized request that claimed each, and its task. */
  readonly keys = new Map<string, { readonly request: string; readonly taskId: string }>();

  find(id: string): KnownTask | undefined {
    return this.tasks.find((known) => known.id === id);
  }

  live(status?: TaskStatus): Task[] {
    return this.tasks
      .flatMap((known) => (known.task ? [known.task] : []))
      .filter((task) => status === undefined || task.status === status)
      .sort((a, b) => (a.id < b.id ? 1 : -1));
  }

  remember(task: Task): void {
    const known = this.find(task.id);
    if (known) known.task = task;
    else this.tasks.push({ id: task.id, task });
  }
}

/** Counts of one run, per target. */
export interface HostileReport {
  readonly seed: number;
  readonly cases: number;
  readonly targets: ReadonlyArray<{
    readonly name: string;
    readonly requests: number;
    /** Replies by status, including the requests that set cases up and read results back. */
    readonly statuses: ReadonlyMap<number, number>;
    /** The cases' own replies (not set-up or read-back requests), by route and status: `CreateTask 201`. */
    readonly outcomes: ReadonlyMap<string, number>;
    /** Requests the gateway's validator refused before the function ran. */
    readonly validatorRefusals: number;
    /** Tasks acknowledged (2xx) and still expected at the end; those missing or changed are lost. */
    readonly acknowledged: number;
    readonly lostWrites: number;
  }>;
}

/** A case as one target sends it, with what the sender knows the answer must be. */
interface Resolved {
  readonly wire: WireRequest;
  /** The lane's own task the path names, if it names one. */
  readonly known?: KnownTask;
  /** The cursor sent by the case's choice, and whether this listing issued it. */
  readonly cursor?: { readonly value: string; readonly valid: boolean; readonly after: string };
}

class CaseFailure extends Error {}

/** One target's side of the run: its lanes, counters and requests. */
class TargetRun {
  readonly lanes: Lane[];
  readonly statuses = new Map<number, number>();
  readonly outcomes = new Map<string, number>();
  requests = 0;
  validatorRefusals = 0;

  constructor(
    readonly target: ApiTarget,
    lanes: number,
  ) {
    this.lanes = Array.from({ length: lanes }, () => new Lane());
  }

  async send(wire: WireRequest, lane: number): Promise<Reply> {
    const reply = await this.target.send(wire, lane);
    this.requests += 1;
    this.statuses.set(reply.status, (this.statuses.get(reply.status) ?? 0) + 1);
    return reply;
  }

  lane(index: number): Lane {
    const lane = this.lanes[index % this.lanes.length];
    if (!lane) throw new Error(`No lane ${index}.`);
    return lane;
  }
}

const listWire = (query: string): WireRequest => ({
  route: routeOf('ListTasks'),
  path: '/tasks',
  query,
  headers: [],
  body: null,
});

/** A task id no lane has: it names nothing. */
const NO_TASK = '0'.repeat(26);

/** `%XX` for every character of an id made of ASCII letters and digits. */
const percentEncoded = (id: string): string =>
  [...id].map((char) => `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`).join('');

/** The last value of each query parameter, as the function's `queryStringParameters` holds it. */
function lastValues(query: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(query));
}

function describeCase(wire: WireRequest): string {
  const body = wire.body === null ? '' : ` body ${JSON.stringify(wire.body.toString('utf8').slice(0, 400))}`;
  const headers = wire.headers.length === 0 ? '' : ` headers ${JSON.stringify(wire.headers)}`;
  return `${wire.route.method} ${wire.path}${wire.query ? `?${wire.query}` : ''}${headers}${body}`;
}

/**
 * Hostile cases against one or more targets, each with its own model of what its lanes were told.
 * The first target is the reference; each other one must agree with it case by case.
 */
export class HostileSession {
  private readonly runs: TargetRun[];
  private readonly reference: TargetRun;
  private cases = 0;

  constructor(
    targets: readonly ApiTarget[],
    readonly lanes: number,
  ) {
    this.runs = targets.map((target) => new TargetRun(target, lanes));
    const [reference] = this.runs;
    if (!reference) throw new Error('A hostile session needs a target.');
    this.reference = reference;
  }

  /**
   * Runs one case as `lane` on every target at once and judges each reply; throws on the first
   * broken promise, naming the target and the request. Answers the replies, reference first.
   */
  async run(c: HostileCase, lane: number): Promise<Reply[]> {
    this.cases += 1;
    const resolved = await Promise.all(this.runs.map((run) => resolve(run, c, lane)));
    const replies = await Promise.all(this.runs.map((run, i) => run.send(at(resolved, i).wire, lane)));
    for (const [i, run] of this.runs.entries()) {
      const outcome = `${c.route} ${at(replies, i).status}`;
      run.outcomes.set(outcome, (run.outcomes.get(outcome) ?? 0) + 1);
    }
    const first = at(replies, 0);
    await judge(this.reference, c, at(resolved, 0), first, lane);
    for (const [i, run] of this.runs.entries()) {
      if (i === 0) continue;
      const reply = at(replies, i);
      const where = `${run.target.name}: ${describeCase(at(resolved, i).wire)}`;
      const broken = brokenPromise(reply);
      if (broken) throw new CaseFailure(`${where}: ${broken}`);
      if (isValidatorRefusal(reply)) {
        run.validatorRefusals += 1;
        if (first.status < 400)
          throw new CaseFailure(
            `${where}: the gateway's validator refused (${reply.text}) what ${this.reference.target.name} accepted with ${first.status}`,
          );
        continue;
      }
      if (reply.status !== first.status || errorCodeOf(reply) !== errorCodeOf(first))
        throw new CaseFailure(
          `${where}: answered ${reply.status} ${reply.text.slice(0, 200)} where ${this.reference.target.name} answered ${first.status} ${first.text.slice(0, 200)}`,
        );
      await judge(run, c, at(resolved, i), reply, lane);
    }
    return replies;
  }

  /** Lists every lane in full on every target, and reports; throws when an acknowledged write is lost. */
  async finish(seed: number): Promise<HostileReport> {
    const targets = [];
    for (const run of this.runs) {
      const { acknowledged, lost } = await findLostWrites(run);
      if (lost.length > 0)
        throw new CaseFailure(
          `${run.target.name} lost acknowledged writes (seed ${seed}, ${this.cases} cases; rerun with npm run hostile -- --seed ${seed} --runs ${this.cases}): ${lost.join('; ')}`,
        );
      targets.push({
        name: run.target.name,
        requests: run.requests,
        statuses: run.statuses,
        outcomes: new Map([...run.outcomes].sort(([a], [b]) => a.localeCompare(b))),
        validatorRefusals: run.validatorRefusals,
        acknowledged,
        lostWrites: lost.length,
      });
    }
    return { seed, cases: this.cases, targets };
  }
}

/** Runs generated hostile cases, one per lane at a time, lanes in parallel; then looks for lost writes. */
export async function runHostileCases(options: {
  readonly targets: readonly ApiTarget[];
  readonly lanes: number;
  readonly cases: number;
  readonly seed: number;
}): Promise<HostileReport> {
  const session = new HostileSession(options.targets, options.lanes);
  await fc.assert(
    fc.asyncProperty(
      fc.array(hostileCase(), { minLength: options.lanes, maxLength: options.lanes }),
      async (batch) => {
        await Promise.all(batch.map((c, lane) => session.run(c, lane)));
      },
    ),
    // The targets keep state across runs, so a shrunk case would meet another state: no shrinking.
    { seed: options.seed, numRuns: Math.ceil(options.cases / options.lanes), endOnFailure: true },
  );
  return session.finish(options.seed);
}

function at<T>(items: readonly T[], index: number): T {
  const item = items[index];
  if (item === undefined) throw new Error(`No item ${index}.`);
  return item;
}

/** The case as this target sends it: its own ids, cursors and versions in place of the symbolic ones. */
async function resolve(run: TargetRun, c: HostileCase, lane: number): Promise<Resolved> {
  const own = run.lane(lane);
  const other = run.lane(lane + 1);
  let known: KnownTask | undefined;
  const route = routeOf(c.route);
  let path = route.path;
  let pathParameters: Record<string, string> | undefined;
  if (c.task) {
    let segment: string;
    if (c.task.kind === 'own') {
      known = own.tasks[c.task.pick % Math.max(1, own.tasks.length)];
      const id = known?.id ?? NO_TASK;
      segment = c.task.spelling === 'plain' ? id : percentEncoded(id);
    } else if (c.task.kind === 'foreign') {
      segment = other.tasks[c.task.pick % Math.max(1, other.tasks.length)]?.id ?? NO_TASK;
    } else {
      segment = c.task.segment;
    }
    const id = pathParameterOf(segment);
    known ??= own.find(id);
    pathParameters = { id };
    path = route.path.replace('{id}', segment);
  }
  let query: Array<readonly [string, string]> = [...c.query];
  let cursor: Resolved['cursor'];
  if (c.cursor) {
    cursor = await cursorFor(run, c, lane);
    if (cursor) query = [...query, ['cursor', cursor.value]];
  }
  const headers: Array<readonly [string, string]> = [
    ...(c.contentType?.values.map((value) => ['Content-Type', value] as const) ?? []),
    ...(c.idempotencyKey ? [[IDEMPOTENCY_HEADER, c.idempotencyKey.value] as const] : []),
    ...c.headers,
  ];
  let body: Buffer | null = null;
  if (c.body) {
    const value =
      c.body.kind === 'json' && c.body.version === 'current' && known?.task
        ? withVersion(c.body.value, known.task.version)
        : c.body.kind === 'json'
          ? c.body.value
          : undefined;
    body = writeBody(c.body, value);
  }
  const wire: WireRequest = {
    route,
    path,
    ...(pathParameters ? { pathParameters } : {}),
    query: new URLSearchParams(query as Pairs as [string, string][]).toString(),
    headers,
    body,
  };
  return { wire, ...(known ? { known } : {}), ...(cursor ? { cursor } : {}) };
}

/** The value with its `version` replaced, when it is an object that has one. */
function withVersion(value: unknown, version: number): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.hasOwn(value, 'version'))
    return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, key === 'version' ? version : item]),
  );
}

/** The status filter a listing's query asks for, when it asks for a valid one. */
function statusFilterOf(pairs: Pairs): TaskStatus | undefined {
  const status = Object.fromEntries(pairs).status;
  return TASK_STATUSES.find((candidate) => candidate === status);
}

/** A first page of one, as `lane` of this target, with or without a filter; its cursor and item. */
async function firstPage(run: TargetRun, lane: number, status: TaskStatus | undefined) {
  const reply = await run.send(listWire(status === undefined ? 'limit=1' : `limit=1&status=${status}`), lane);
  const page = z.safeParse(TaskPage, reply.json);
  if (reply.status !== 200 || !page.success)
    throw new CaseFailure(
      `${run.target.name}: a plain listing answered ${reply.status} ${reply.text.slice(0, 200)}`,
    );
  return { cursor: page.data.nextCursor, first: page.data.items[0] };
}

async function cursorFor(run: TargetRun, c: HostileCase, lane: number): Promise<Resolved['cursor']> {
  const choice = c.cursor;
  if (!choice) return undefined;
  const status = statusFilterOf(c.query);
  if (choice.kind === 'foreign') {
    const { cursor } = await firstPage(run, lane + 1, status);
    return cursor === null ? undefined : { value: cursor, valid: false, after: '' };
  }
  if (choice.kind === 'other-filter') {
    const otherStatus = TASK_STATUSES.find((candidate) => candidate !== status);
    const { cursor } = await firstPage(
      run,
      lane,
      status === undefined ? 'todo' : otherStatus === 'todo' ? undefined : otherStatus,
    );
    return cursor === null ? undefined : { value: cursor, valid: false, after: '' };
  }
  const { cursor, first } = await firstPage(run, lane, status);
  if (cursor === null || !first) return undefined;
  if (choice.kind === 'issued') return { value: cursor, valid: true, after: first.id };
  const pool = choice.owner === 'own' ? run.lane(lane).tasks : run.lane(lane + 1).tasks;
  const after = pool[choice.pick % Math.max(1, pool.length)]?.id ?? NO_TASK;
  // An attacker who decodes their cursor can point it anywhere; it must stay in their own list.
  const payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
  const rewritten = Buffer.from(JSON.stringify({ ...payload, k: after })).toString('base64url');
  return { value: rewritten, valid: TASK_ID_PATTERN.test(after), after };
}

/** The reply's body read as the contract's task, or a failure naming the case. */
function taskOf(reply: Reply, where: string): Task {
  const parsed = z.safeParse(Task, reply.json);
  if (!parsed.success) throw new CaseFailure(`${where}: not a task: ${reply.text.slice(0, 300)}`);
  return parsed.data;
}

/** How a write's body fares in the handler before any state matters, per the contract. */
function bodyVerdict(
  c: HostileCase,
  wire: WireRequest,
  schema: typeof CreateTaskInput | typeof UpdateTaskInput,
): { readonly status: number } | { readonly input: Record<string, unknown> } {
  const bytes = wire.body ?? Buffer.alloc(0);
  if (bytes.length > TASK_LIMITS.bodyMaxBytes) return { status: 413 };
  if (!c.contentType?.json) return { status: 415 };
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    return { status: 400 };
  }
  const result = z.safeParse(schema, parsed);
  return result.success ? { input: result.data as Record<string, unknown> } : { status: 400 };
}

function expectStatus(reply: Reply, status: number, where: string): void {
  if (reply.status !== status)
    throw new CaseFailure(
      `${where}: expected ${status}, answered ${reply.status} ${reply.text.slice(0, 300)}`,
    );
}

function expectEqual(actual: unknown, expected: unknown, what: string, where: string): void {
  if (!isDeepStrictEqual(actual, expected))
    throw new CaseFailure(
      `${where}: ${what} is ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`,
    );
}

/** Reads an accepted task back through the same target: it must be what the write answered. */
async function readBack(run: TargetRun, task: Task, lane: number, where: string): Promise<void> {
  const reply = await run.send(
    {
      route: routeOf('GetTask'),
      path: `/tasks/${task.id}`,
      pathParameters: { id: task.id },
      query: '',
      headers: [],
      body: null,
    },
    lane,
  );
  expectStatus(reply, 200, `${where} (read back)`);
  expectEqual(reply.json, task, 'the task read back', where);
}

/** One reply to judge: the target's run, the case, its wire form and what the lane knew, where it happened. */
interface Judged {
  readonly run: TargetRun;
  readonly c: HostileCase;
  readonly resolved: Resolved;
  readonly reply: Reply;
  readonly laneIndex: number;
  readonly where: string;
}

/** Judges one reply against the contract and the lane's model, then updates the model. */
async function judge(
  run: TargetRun,
  c: HostileCase,
  resolved: Resolved,
  reply: Reply,
  laneIndex: number,
): Promise<void> {
  const { wire, known } = resolved;
  const where = `${run.target.name}: ${describeCase(wire)}`;
  const broken = brokenPromise(reply);
  if (broken) throw new CaseFailure(`${where}: ${broken}`);
  const lane = run.lane(laneIndex);
  switch (c.route) {
    case 'Health':
      expectStatus(reply, 200, where);
      return;
    case 'GetTask':
    case 'DeleteTask':
      if (!known?.task) {
        expectStatus(reply, 404, where);
        return;
      }
      if (c.route === 'GetTask') {
        expectStatus(reply, 200, where);
        expectEqual(reply.json, known.task, 'the task', where);
      } else {
        expectStatus(reply, 204, where);
        known.task = undefined;
      }
      return;
    case 'ListTasks':
      return judgeList(lane, resolved, reply, where);
    case 'CreateTask':
      return judgeCreate({ run, c, resolved, reply, laneIndex, where });
    case 'UpdateTask':
      return judgeUpdate({ run, c, resolved, reply, laneIndex, where });
    default:
      throw new Error(`No judge for ${c.route}.`);
  }
}

function judgeList(lane: Lane, resolved: Resolved, reply: Reply, where: string): void {
  const query = z.safeParse(ListTasksQuery, lastValues(resolved.wire.query));
  if (!query.success) {
    expectStatus(reply, 400, where);
    return;
  }
  const { status, limit, cursor } = query.data;
  const sent = resolved.cursor;
  if (cursor !== undefined && (sent?.value !== cursor || !sent.valid)) {
    expectStatus(reply, 400, where);
    return;
  }
  expectStatus(reply, 200, where);
  const page = z.safeParse(TaskPage, reply.json);
  if (!page.success) throw new CaseFailure(`${where}: not a page: ${reply.text.slice(0, 300)}`);
  const after = cursor === undefined ? undefined : sent?.after;
  const remaining = lane.live(status).filter((task) => after === undefined || task.id < after);
  expectEqual(page.data.items, remaining.slice(0, limit), 'the page', where);
  if ((page.data.nextCursor !== null) !== remaining.length > limit)
    throw new CaseFailure(
      `${where}: nextCursor ${page.data.nextCursor} with ${remaining.length} tasks left for ${limit}`,
    );
}

async function judgeCreate(judged: Judged): Promise<void> {
  const { run, c, resolved, reply, laneIndex, where } = judged;
  const lane = run.lane(laneIndex);
  const verdict = bodyVerdict(c, resolved.wire, CreateTaskInput);
  if ('status' in verdict) {
    expectStatus(reply, verdict.status, where);
    return;
  }
  const key = c.idempotencyKey;
  if (key && !key.wellFormed) {
    expectStatus(reply, 400, where);
    return;
  }
  const { input } = verdict;
  const request = JSON.stringify([input.title, input.notes, input.status, input.dueDate, input.tags]);
  const prior = key ? lane.keys.get(key.value) : undefined;
  if (prior && prior.request !== request) {
    expectStatus(reply, 422, where);
    expectEqual(errorCodeOf(reply), 'idempotency_key_reused', 'the error code', where);
    return;
  }
  expectStatus(reply, 201, where);
  const task = taskOf(reply, where);
  expectEqual(reply.headers.get('location'), `/tasks/${task.id}`, 'Location', where);
  expectEqual(
    reply.headers.get('idempotent-replayed'),
    prior ? 'true' : undefined,
    'Idempotent-Replayed',
    where,
  );
  const stored = prior ? lane.find(prior.taskId)?.task : undefined;
  if (stored) expectEqual(task, stored, 'the replayed task', where);
  else {
    // A new task, or a replay whose task was deleted since: made again from the same request.
    if (prior) expectEqual(task.id, prior.taskId, 'the replayed id', where);
    else if (lane.find(task.id) || !TASK_ID_PATTERN.test(task.id))
      throw new CaseFailure(`${where}: id ${task.id} is not new`);
    expectEqual(
      { ...task, id: '', createdAt: '', updatedAt: '' },
      { id: '', ...input, createdAt: '', updatedAt: '', version: 1 },
      'the task',
      where,
    );
    expectEqual(task.updatedAt, task.createdAt, 'updatedAt', where);
  }
  lane.remember(task);
  if (key && !prior) lane.keys.set(key.value, { request, taskId: task.id });
  await readBack(run, task, laneIndex, where);
}

async function judgeUpdate(judged: Judged): Promise<void> {
  const { run, c, resolved, reply, laneIndex, where } = judged;
  const verdict = bodyVerdict(c, resolved.wire, UpdateTaskInput);
  if ('status' in verdict) {
    expectStatus(reply, verdict.status, where);
    return;
  }
  const current = resolved.known?.task;
  if (!current) {
    expectStatus(reply, 404, where);
    return;
  }
  const { version, ...changes } = verdict.input;
  if (version !== current.version) {
    expectStatus(reply, 409, where);
    const error = z.safeParse(ErrorBody, reply.json);
    const details = error.success
      ? (error.data.error.details as { current?: unknown } | undefined)
      : undefined;
    expectEqual(details?.current, current, 'the 409 current task', where);
    return;
  }
  expectStatus(reply, 200, where);
  const task = taskOf(reply, where);
  const defined = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
  expectEqual(
    { ...task, updatedAt: '' },
    { ...current, ...defined, updatedAt: '', version: current.version + 1 },
    'the edited task',
    where,
  );
  if (task.updatedAt < current.updatedAt)
    throw new CaseFailure(`${where}: updatedAt went back to ${task.updatedAt}`);
  run.lane(laneIndex).remember(task);
  await readBack(run, task, laneIndex, where);
}

/** Lists every lane's tasks in full: each acknowledged task must be there, as last answered, and nothing else. */
async function findLostWrites(run: TargetRun): Promise<{ acknowledged: number; lost: string[] }> {
  const lost: string[] = [];
  let acknowledged = 0;
  for (const [index, lane] of run.lanes.entries()) {
    const listed: Task[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `limit=${TASK_LIMITS.listLimitMax}${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`;
      const reply = await run.send(listWire(query), index);
      const page = z.safeParse(TaskPage, reply.json);
      if (reply.status !== 200 || !page.success)
        throw new CaseFailure(`${run.target.name}: listing answered ${reply.status}`);
      listed.push(...page.data.items);
      cursor = page.data.nextCursor;
    } while (cursor !== null);
    const expected = lane.live();
    acknowledged += expected.length;
    const byId = new Map(listed.map((task) => [task.id, task]));
    for (const task of expected) {
      const found = byId.get(task.id);
      if (!found) lost.push(`lane ${index}: task ${task.id} is missing`);
      else if (!isDeepStrictEqual(found, task))
        lost.push(`lane ${index}: task ${task.id} changed to ${JSON.stringify(found)}`);
    }
    const extra = listed.filter((task) => !expected.some((known) => known.id === task.id));
    for (const task of extra) lost.push(`lane ${index}: task ${task.id} was never acknowledged to this lane`);
  }
  return { acknowledged, lost };
}
