/**
 * The task tracker in the local cloud against hostile clients, through the local API Gateway:
 * contract fuzzing side by side with the handlers in process (the gateway's validator may refuse
 * only what the handler refuses), every forged or misused token on every route, concurrent edits,
 * creates and idempotent retries, and faults — a Lambda worker killed or frozen mid-request, the
 * table unavailable under load — after which the API answers again without a restart and no
 * acknowledged write is lost. `HOSTILE_RUNS` / `HOSTILE_SEED` size and seed the fuzzing.
 */
import { createHmac, createPublicKey, type JsonWebKey } from 'node:crypto';
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { ErrorBody, Task, TaskPage } from '@tasktracker/api/contract';
import { ROUTES, type Route } from '@tasktracker/api/routes';
import {
  type ApiTarget,
  HostileSession,
  hostileSettings,
  inProcessTarget,
  LEAK_PATTERN,
  loadApi,
  REGRESSIONS,
  type Reply,
  runHostileCases,
  runRegression,
} from '@tasktracker/api/test-support/hostile';
import { type LocalTasksTable, startLocalTasksTable } from '@tasktracker/api/test-support/local-store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { faultsService } from '../src/faults.js';
import { type LocalCloud, startLocalCloud } from '../src/index.js';
import { dynamodbService } from '../src/services/dynamodb/module.js';
import { lambdaService } from '../src/services/lambda/module.js';
import { cognitoOf, EPHEMERAL_PORTS, userPoolOf } from './support/cloud.js';
import {
  cognitoClient,
  GatewayClient,
  gatewayTarget,
  laneUsers,
  type RawRequest,
  type SignedInUser,
  signUp,
} from './support/hostile-gateway.js';
import { alive } from './support/processes.js';
import { decodeJwt, resignWithForeignKey } from './support/tokens.js';

const settings = hostileSettings();
/** What the local cloud logged about the gateway and the store (the functions' own lines are left out). */
const cloudLog: string[] = [];
let cloud: LocalCloud;
let cognito: CognitoIdentityProviderClient;
let gateway: GatewayClient;
let table: LocalTasksTable;
let api: Awaited<ReturnType<typeof loadApi>>;

beforeAll(async () => {
  cloud = await startLocalCloud({
    inMemory: true,
    ports: EPHEMERAL_PORTS,
    log: (line) => {
      if (line.startsWith('[DynamoDB]') || line.startsWith('[API Gateway]')) cloudLog.push(line);
    },
  });
  cognito = cognitoClient(cloud);
  gateway = new GatewayClient(cloud);
  table = await startLocalTasksTable('tasks-hostile-gateway');
  api = await loadApi(table);
}, 120_000);

afterAll(async () => {
  gateway?.close();
  cognito?.destroy();
  await table?.stop();
  await cloud?.stop();
});

/** The handlers in process and the gateway, each lane a user of its own on both. */
function targets(prefix: string): ApiTarget[] {
  const users = laneUsers(cloud, cognito, prefix);
  return [
    inProcessTarget(api, (lane) => `${prefix}-${lane}`),
    gatewayTarget(gateway, async (lane) => (await users(lane)).idToken),
  ];
}

describe('contract fuzzing through the local gateway', () => {
  it(
    `answers ${settings.cases} generated requests as the handler in process does, never with a 5xx`,
    async () => {
      // Act
      const report = await runHostileCases({ targets: targets('fuzz'), lanes: 8, ...settings });
      // Assert
      for (const target of report.targets)
        console.log(
          `hostile (${target.name}), seed ${report.seed}: ${report.cases} cases, ${target.requests} requests, statuses ${JSON.stringify(Object.fromEntries(target.statuses))}, ${target.validatorRefusals} refused by the gateway's validator, ${target.acknowledged} tasks acknowledged, ${target.lostWrites} lost`,
        );
      const statuses = report.targets.flatMap((target) => [...target.statuses.keys()]);
      expect(statuses.filter((status) => status >= 500)).toEqual([]);
      expect(report.targets.map((target) => target.lostWrites)).toEqual([0, 0]);
    },
    120_000 + settings.cases * 60,
  );
});

describe('every 5xx ever found, through the gateway', () => {
  let session: HostileSession;

  beforeAll(() => {
    session = new HostileSession(targets('regression'), 2 * REGRESSIONS.length);
  });

  it.each(REGRESSIONS.map((regression, i) => [regression.name, regression, i] as const))(
    '%s',
    async (_name, regression, i) => {
      // Act
      const replies = await runRegression(session, regression, 2 * i);
      // Assert
      expect(replies.map((reply) => reply.status)).toEqual([regression.status, regression.status]);
    },
    30_000,
  );
});

/** A task created through the gateway as `user`. */
async function createTask(user: SignedInUser, title: string, headers: Array<[string, string]> = []) {
  return gateway.send({
    method: 'POST',
    path: '/tasks',
    headers: [['Content-Type', 'application/json'], ['Authorization', user.idToken], ...headers],
    body: JSON.stringify({ title }),
  });
}

function taskOf(reply: Reply): Task {
  return Task.parse(reply.json);
}

/** Every task of `user`, through the gateway, page by page. */
async function allTasks(user: SignedInUser): Promise<Task[]> {
  const tasks: Task[] = [];
  let cursor: string | null = null;
  do {
    const reply = await gateway.send({
      method: 'GET',
      path: '/tasks',
      query: `limit=100${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`,
      headers: [['Authorization', user.idToken]],
    });
    expect(reply.status).toBe(200);
    const page = TaskPage.parse(reply.json);
    tasks.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return tasks;
}

describe('every route against forged and misused tokens', () => {
  it('answers exactly 401 to every bad token and 404 to another user on every task route', async () => {
    // Arrange
    const owner = await signUp(cloud, cognito, 'owner');
    const other = await signUp(cloud, cognito, 'other');
    const task = taskOf(await createTask(owner, 'Private'));
    const tokens = forgedTokens(owner);
    const routes = ROUTES.filter((route) => route.authorized);
    // Act
    const answers: Array<{ route: string; token: string; status: number; leak: boolean }> = [];
    for (const route of routes) {
      const request = routeRequest(route, task);
      for (const [token, value] of [...tokens, ['another user', other.idToken] as const]) {
        if (token === 'another user' && !route.path.includes('{id}')) continue;
        const headers: Array<[string, string]> = value === undefined ? [] : [['Authorization', value]];
        const reply = await gateway.send({ ...request, headers: [...(request.headers ?? []), ...headers] });
        answers.push({ route: route.id, token, status: reply.status, leak: LEAK_PATTERN.test(reply.text) });
      }
    }
    // Assert
    const expected = answers.map(({ route, token }) => ({
      route,
      token,
      status: token === 'another user' ? 404 : 401,
      leak: false,
    }));
    expect(answers).toEqual(expected);
    expect(answers.length).toBe(
      routes.length * tokens.length + routes.filter((r) => r.path.includes('{id}')).length,
    );
    expect(await allTasks(owner)).toEqual([task]);
  }, 60_000);

  it("never shows or reuses another user's task through a listing, a cursor or an idempotency key", async () => {
    // Arrange
    const owner = await signUp(cloud, cognito, 'lister');
    const other = await signUp(cloud, cognito, 'peeker');
    const key: [string, string] = ['Idempotency-Key', 'shared-key-1'];
    const mine = [taskOf(await createTask(owner, 'one', [key])), taskOf(await createTask(owner, 'two'))];
    const page = TaskPage.parse(
      (
        await gateway.send({
          method: 'GET',
          path: '/tasks',
          query: 'limit=1',
          headers: [['Authorization', owner.idToken]],
        })
      ).json,
    );
    // Act
    const theirList = await allTasks(other);
    const withCursor = await gateway.send({
      method: 'GET',
      path: '/tasks',
      query: `cursor=${encodeURIComponent(page.nextCursor ?? '')}`,
      headers: [['Authorization', other.idToken]],
    });
    const sameKey = await createTask(other, 'one', [key]);
    // Assert
    expect(theirList).toEqual([]);
    expect(withCursor.status).toBe(400);
    expect(ErrorBody.parse(withCursor.json).error.details).toEqual([
      expect.objectContaining({ field: 'cursor' }),
    ]);
    expect(sameKey.status).toBe(201);
    expect(sameKey.headers.get('idempotent-replayed')).toBeUndefined();
    expect(taskOf(sameKey).id).not.toBe(mine[0]?.id);
    expect(await allTasks(owner)).toEqual([...mine].reverse());
  }, 30_000);
});

/** Tokens that must not get through: forged from `user`'s real ones, or theirs misused. */
function forgedTokens(user: SignedInUser): Array<readonly [string, string | undefined]> {
  const { header, payload } = decodeJwt(user.idToken);
  const [encodedHeader = '', encodedPayload = '', signature = ''] = user.idToken.split('.');
  const pool = userPoolOf(cloud);
  const cognitoService = cognitoOf(cloud);
  const signedByPool = (claims: Record<string, unknown>) => cognitoService.signWithPoolKey(pool.id, claims);
  const segment = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const flipped = Buffer.from(signature, 'base64url');
  flipped[flipped.length >> 1] = (flipped[flipped.length >> 1] ?? 0) ^ 0x01;
  const [jwk] = cognitoService.jwks(pool.id).keys;
  const publicPem = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' }).export({
    type: 'spki',
    format: 'pem',
  });
  const hmacInput = `${segment({ ...header, alg: 'HS256' })}.${encodedPayload}`;
  const hmacWith = (secret: string | Buffer) =>
    createHmac('sha256', secret).update(hmacInput).digest('base64url');
  const { exp: _exp, ...withoutExp } = payload;
  return [
    ['no Authorization header', undefined],
    ['garbage', 'not-a-jwt'],
    ['garbage after Bearer', 'Bearer a.b.c'],
    ['a flipped signature bit', `${encodedHeader}.${encodedPayload}.${flipped.toString('base64url')}`],
    ['another key with the same kid', resignWithForeignKey(user.idToken)],
    ['alg none', `${segment({ ...header, alg: 'none' })}.${encodedPayload}.`],
    ['HS256 keyed with the public key (PEM)', `${hmacInput}.${hmacWith(publicPem)}`],
    ['HS256 keyed with the public key (JWK)', `${hmacInput}.${hmacWith(JSON.stringify(jwk))}`],
    ['expired', signedByPool({ ...payload, iat: now - 7200, auth_time: now - 7200, exp: now - 3600 })],
    ['no exp', signedByPool(withoutExp)],
    ['an access token instead of an ID token', user.accessToken],
    ["another client's audience", signedByPool({ ...payload, aud: 'another-app-client-of-the-pool' })],
  ];
}

/** A well-formed request to `route` that only the token can spoil. */
function routeRequest(route: Route, task: Task): RawRequest {
  const path = route.path.replace('{id}', task.id);
  const body =
    route.method === 'POST'
      ? { title: 'forged' }
      : route.method === 'PATCH'
        ? { version: task.version, title: 'forged' }
        : undefined;
  return body === undefined
    ? { method: route.method, path }
    : {
        method: route.method,
        path,
        headers: [['Content-Type', 'application/json']],
        body: JSON.stringify(body),
      };
}

describe('concurrent clients', () => {
  it('lets exactly one of 10 same-version edits win; the other 9 get 409 with the task as it now is', async () => {
    // Arrange
    const user = await signUp(cloud, cognito, 'racer');
    const task = taskOf(await createTask(user, 'Contended'));
    // Act
    const replies = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        gateway.send({
          method: 'PATCH',
          path: `/tasks/${task.id}`,
          headers: [
            ['Content-Type', 'application/json'],
            ['Authorization', user.idToken],
          ],
          body: JSON.stringify({ version: task.version, title: `edit ${i}` }),
        }),
      ),
    );
    // Assert
    const winners = replies.filter((reply) => reply.status === 200);
    const losers = replies.filter((reply) => reply.status !== 200);
    expect(winners).toHaveLength(1);
    const winner = taskOf(winners[0] as Reply);
    expect(losers.map((reply) => reply.status)).toEqual(Array(9).fill(409));
    for (const loser of losers)
      expect(ErrorBody.parse(loser.json).error.details).toEqual({ current: winner });
    expect(await allTasks(user)).toEqual([winner]);
  }, 30_000);

  it('creates one task for 10 concurrent creates with the same Idempotency-Key', async () => {
    // Arrange
    const user = await signUp(cloud, cognito, 'retrier');
    // Act
    const replies = await Promise.all(
      Array.from({ length: 10 }, () => createTask(user, 'Once', [['Idempotency-Key', 'the-same-key']])),
    );
    // Assert
    expect(replies.map((reply) => reply.status)).toEqual(Array(10).fill(201));
    const ids = new Set(replies.map((reply) => taskOf(reply).id));
    expect(ids.size).toBe(1);
    expect((await allTasks(user)).map((task) => task.id)).toEqual([...ids]);
  }, 30_000);

  it('lists every one of 4 users × 15 concurrent creates under its own user only', async () => {
    // Arrange
    const users = await Promise.all(
      Array.from({ length: 4 }, (_, i) => signUp(cloud, cognito, `crowd-${i}`)),
    );
    // Act
    const replies = await Promise.all(
      users.flatMap((user, u) =>
        Array.from({ length: 15 }, (_, k) => createTask(user, `user ${u} task ${k}`)),
      ),
    );
    // Assert
    expect(replies.map((reply) => reply.status)).toEqual(Array(60).fill(201));
    const created = replies.map(taskOf);
    for (const [u, user] of users.entries()) {
      const listed = (await allTasks(user)).map((task) => task.id).sort();
      const own = created
        .filter((task) => task.title.startsWith(`user ${u} `))
        .map((task) => task.id)
        .sort();
      expect(listed).toEqual(own);
    }
  }, 60_000);
});

describe('faults under load', () => {
  const lambda = () => {
    const service = cloud.service(lambdaService);
    if (!service) throw new Error('The cloud runs no Lambda.');
    return service;
  };
  const faults = () => {
    const service = cloud.service(faultsService);
    if (!service) throw new Error('The cloud runs no fault registry.');
    return service.registry;
  };
  const functionOf = (routeId: string) => {
    const config = lambda()
      .configs()
      .find((candidate) => candidate.logicalId.includes(routeId));
    if (!config) throw new Error(`No function serves ${routeId}.`);
    return config;
  };

  /** The pid of an environment of `functionName` that is running an invocation, once there is one. */
  async function busyWorker(functionName: string): Promise<number> {
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      const [pid] = lambda().busyProcessIds(functionName);
      if (pid !== undefined) return pid;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`No environment of ${functionName} became busy.`);
  }

  /** The reply and when it arrived. */
  const timed = async (reply: Promise<Reply>) => {
    const value = await reply;
    return { reply: value, at: Date.now() };
  };

  it('answers 502 at once when a worker is killed mid-request, then serves without a restart, losing no acknowledged write', async () => {
    // Arrange: each create waits in its worker, so the one killed is mid-request.
    const user = await signUp(cloud, cognito, 'killed');
    const create = functionOf('CreateTask');
    const delay = await faults().inject({
      kind: 'lambda-latency',
      target: create.name,
      parameters: { delayMs: 1500 },
    });
    // Act
    const pending = Array.from({ length: 6 }, (_, i) => timed(createTask(user, `during ${i}`)));
    const pid = await busyWorker(create.name);
    process.kill(pid, 'SIGKILL');
    const killedAt = Date.now();
    await faults().clear(delay.id);
    const during = await Promise.all(pending);
    const after = await createTask(user, 'after');
    // Assert
    const failed = during.filter(({ reply }) => reply.status !== 201);
    expect(failed.map(({ reply }) => [reply.status, reply.json])).toEqual([
      [502, { message: 'Internal server error' }],
    ]);
    const answeredAfterMs = (failed[0]?.at ?? Number.POSITIVE_INFINITY) - killedAt;
    console.log(
      `worker killed mid-request: 502 after ${answeredAfterMs} ms; ${during.length - 1} others 201`,
    );
    expect(answeredAfterMs).toBeLessThan(create.timeoutMs);
    expect(after.status).toBe(201);
    const acknowledged = [
      ...during.filter(({ reply }) => reply.status === 201).map(({ reply }) => taskOf(reply)),
      taskOf(after),
    ];
    const stored = await allTasks(user);
    expect(acknowledged.filter((task) => !stored.some((kept) => kept.id === task.id))).toEqual([]);
    expect(cloudLog.some((line) => line.includes('Runtime exited with SIGKILL → 502'))).toBe(true);
  }, 60_000);

  it('answers 502 when a frozen worker passes its timeout, serves others meanwhile, and replaces it', async () => {
    // Arrange: a warm environment, then one request held in it and frozen there.
    const user = await signUp(cloud, cognito, 'frozen');
    const get = functionOf('GetTask');
    const task = taskOf(await createTask(user, 'Read while frozen'));
    const read = () =>
      gateway.send({ method: 'GET', path: `/tasks/${task.id}`, headers: [['Authorization', user.idToken]] });
    expect((await read()).status).toBe(200);
    const delay = await faults().inject({
      kind: 'lambda-latency',
      target: get.name,
      parameters: { delayMs: 1000 },
    });
    let pid: number | undefined;
    try {
      // Act
      const sentAt = Date.now();
      const frozen = timed(read());
      pid = await busyWorker(get.name);
      process.kill(pid, 'SIGSTOP');
      await faults().clear(delay.id);
      const meanwhile = await Promise.all(Array.from({ length: 5 }, () => read()));
      const { reply, at } = await frozen;
      const afterwards = await read();
      // Assert
      console.log(
        `worker frozen: 502 after ${at - sentAt} ms (timeout ${get.timeoutMs} ms); 5 others served meanwhile`,
      );
      expect(meanwhile.map((other) => other.status)).toEqual(Array(5).fill(200));
      expect([reply.status, reply.json]).toEqual([502, { message: 'Internal server error' }]);
      expect(at - sentAt).toBeGreaterThanOrEqual(get.timeoutMs);
      expect(at - sentAt).toBeLessThan(get.timeoutMs + 10_000);
      expect(afterwards.status).toBe(200);
      await expect.poll(() => pid !== undefined && alive(pid), { timeout: 5000 }).toBe(false);
    } finally {
      if (pid !== undefined && alive(pid)) process.kill(pid, 'SIGKILL');
    }
  }, 60_000);

  it('answers 500 in the contract shape while the table is unavailable, recovers when it is back, and loses no acknowledged write', async () => {
    // Arrange
    const user = await signUp(cloud, cognito, 'outage');
    const dynamodb = cloud.service(dynamodbService);
    const [tableName] = dynamodb?.tableNames() ?? [];
    if (!tableName) throw new Error('The cloud runs no table.');
    const results: Array<{ key: string; title: string; reply: Reply; sentAt: number; at: number }> = [];
    let loading = true;
    const worker = async (w: number) => {
      for (let i = 0; loading; i += 1) {
        const key = `outage-${w}-${i}`;
        const sentAt = Date.now();
        const reply = await createTask(user, key, [['Idempotency-Key', key]]);
        results.push({ key, title: key, reply, sentAt, at: Date.now() });
      }
    };
    // Act: load from 6 clients; the table goes away in the middle, for at least 1.5 s and until a
    // request has been refused (the function's client retries 5 times with backoff, up to ~3 s, so
    // on a busy machine a short outage can pass unseen), then stays back for 1 s.
    const load = Promise.all(Array.from({ length: 6 }, (_, w) => worker(w)));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const outage = await faults().inject({ kind: 'dynamodb-unavailable', target: tableName });
    const outageAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await expect
      .poll(() => results.some(({ reply }) => reply.status !== 201), { timeout: 20_000 })
      .toBe(true);
    await faults().clear(outage.id);
    const backAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    loading = false;
    await load;
    const failed = results.filter(({ reply }) => reply.status !== 201);
    const retried = await Promise.all(
      failed.map(({ key, title }) => createTask(user, title, [['Idempotency-Key', key]])),
    );
    // Assert
    const slowest = Math.max(...failed.map(({ sentAt, at }) => at - sentAt));
    console.log(
      `table unavailable ${backAt - outageAt} ms under load: ${results.length} requests, ${results.length - failed.length} × 201, ${failed.length} × 500 (slowest ${slowest} ms); ${retried.length} retried with their key after`,
    );
    expect(failed.length).toBeGreaterThan(0);
    for (const { reply } of failed) {
      expect(reply.status).toBe(500);
      expect(ErrorBody.parse(reply.json).error.code).toBe('internal');
    }
    expect(slowest).toBeLessThan(functionOf('CreateTask').timeoutMs);
    expect(results.filter(({ sentAt, reply }) => sentAt > backAt && reply.status !== 201)).toEqual([]);
    expect(retried.map((reply) => reply.status)).toEqual(failed.map(() => 201));
    const stored = await allTasks(user);
    expect(stored.map((task) => task.title).sort()).toEqual(results.map(({ title }) => title).sort());
    expect(cloudLog).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^\\[DynamoDB\\] table ${tableName} is unavailable`)),
        expect.stringMatching(
          new RegExp(`^\\[DynamoDB\\] table ${tableName} is available again; it refused \\d+ calls`),
        ),
      ]),
    );
  }, 60_000);
});
