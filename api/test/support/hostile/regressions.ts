/**
 * Every 5xx a hostile client earned, and the neighbours its fix settled, as named cases with the
 * status each must get now. Both hostile suites run them: a regression fails in process and
 * through the gateway alike.
 */
import { TASK_LIMITS } from '../../../src/contract/index.js';
import type { BodyCase, ContentType, HostileCase } from './cases.js';
import type { HostileSession } from './suite.js';
import type { Reply } from './targets.js';

/** One named case, on a lane of its own whose neighbour lane plays "another user". */
export interface Regression {
  readonly name: string;
  /** Cases run first, as the lane's user or (`other`) as the neighbour's. */
  readonly setup: ReadonlyArray<{ readonly other?: true; readonly case: HostileCase }>;
  readonly request: HostileCase;
  readonly status: number;
}

const JSON_TYPE: ContentType = { values: ['application/json'], json: true };

const json = (value: unknown): BodyCase => ({
  kind: 'json',
  value,
  writing: 'plain',
  version: 'generated',
  depth: 0,
  extra: null,
  spelling: '',
});

const create = (title: string): HostileCase => ({
  route: 'CreateTask',
  query: [],
  headers: [],
  contentType: JSON_TYPE,
  body: json({ title }),
});

const list = (
  query: ReadonlyArray<readonly [string, string]>,
  cursor?: HostileCase['cursor'],
): HostileCase => ({
  route: 'ListTasks',
  query,
  headers: [],
  ...(cursor ? { cursor } : {}),
});

const limit = (value: string): Regression => ({
  name: `limit=${value} is refused, not read as a number`,
  setup: [],
  request: list([['limit', value]]),
  status: 400,
});

export const REGRESSIONS: readonly Regression[] = [
  {
    name: 'PATCH with version 2^53 − 1 on an existing task is a 400 (was 500: version + 1 left the safe integers)',
    setup: [{ case: create('versioned') }],
    request: {
      route: 'UpdateTask',
      task: { kind: 'own', pick: 0, spelling: 'plain' },
      query: [],
      headers: [],
      contentType: JSON_TYPE,
      body: json({ version: TASK_LIMITS.versionMax, notes: 'x' }),
    },
    status: 400,
  },
  {
    name: 'PATCH with version 2^53 − 1 on a task that does not exist is a 400 (was 500)',
    setup: [],
    request: {
      route: 'UpdateTask',
      task: { kind: 'segment', segment: '01KAB00000000000000000000A' },
      query: [],
      headers: [],
      contentType: JSON_TYPE,
      body: json({ version: TASK_LIMITS.versionMax, notes: 'x' }),
    },
    status: 400,
  },
  limit('0x10'),
  limit('1e1'),
  limit('+5'),
  limit('05'),
  {
    name: "another user's cursor is a 400 on cursor",
    setup: [
      { other: true, case: create('theirs 1') },
      { other: true, case: create('theirs 2') },
    ],
    request: list([], { kind: 'foreign' }),
    status: 400,
  },
  {
    name: "a cursor rewritten to start after another user's task still lists only the caller's own tasks",
    setup: [
      { case: create('mine 1') },
      { case: create('mine 2') },
      { other: true, case: create('theirs') },
      { case: create('mine 3') },
    ],
    request: list([], { kind: 'rewritten', pick: 0, owner: 'foreign' }),
    status: 200,
  },
];

/**
 * Runs a regression as lane `lane` of the session, its neighbour lane being the other user, and
 * answers every target's reply to the named request (the session judges each on the way).
 */
export async function runRegression(
  session: HostileSession,
  regression: Regression,
  lane: number,
): Promise<Reply[]> {
  for (const step of regression.setup) await session.run(step.case, step.other ? lane + 1 : lane);
  return session.run(regression.request, lane);
}
