/**
 * Integration: live reload. A small CDK app in a temporary folder (support/live-app.ts) runs in a
 * watching local cloud on 127.0.0.1 while each test edits it as a developer would: its handler,
 * its routes, its environment and alarm, a broken save, a change the local cloud cannot make in place.
 */
import { writeFileSync } from 'node:fs';
import { InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../src/index.js';
import { cloudwatchService } from '../src/services/cloudwatch/module.js';
import { localCognitoClient } from '../src/services/cognito/client.js';
import { dynamodbService } from '../src/services/dynamodb/module.js';
import { lambdaService } from '../src/services/lambda/module.js';
import { EPHEMERAL_PORTS, signUpConfirmed, userPoolOf } from './support/cloud.js';
import { BASELINE, INVOCATIONS_ALARM, LiveApp, type LiveAppSource } from './support/live-app.js';
import { alive } from './support/processes.js';

/** A reload waits for the file event, a build (code) or a synth in a fresh process (infra). */
const RELOAD_TIMEOUT_MS = 30_000;

interface Running {
  readonly app: LiveApp;
  readonly cloud: LocalCloud;
  readonly lines: string[];
}

const running: Running[] = [];

afterEach(async () => {
  for (const { app, cloud } of running.splice(0)) {
    await cloud.stop();
    app.remove();
  }
});

/** A watching cloud running a new live app; the caller stops it. */
async function launch(source: LiveAppSource = BASELINE): Promise<Running> {
  const app = new LiveApp(source);
  const lines: string[] = [];
  const cloud = await startLocalCloud({
    profileFile: app.profileFile,
    watch: true,
    inMemory: true,
    ports: EPHEMERAL_PORTS,
    log: (line) => lines.push(line),
  });
  return { app, cloud, lines };
}

/** A watching cloud for one test, stopped after it. */
async function startLiveApp(): Promise<Running> {
  const started = await launch();
  running.push(started);
  return started;
}

interface Answer {
  readonly status: number;
  readonly message?: string;
  readonly route?: string;
  readonly greeting?: string | null;
  readonly pid?: number;
  /** The body of an answer other than 200. */
  readonly text?: string;
}

async function get(cloud: LocalCloud, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(new URL(path, cloud.url('apigateway')), { headers });
  const text = await response.text();
  if (response.status !== 200) return { status: response.status, text };
  const body = JSON.parse(text) as Required<Omit<Answer, 'status' | 'text'>>;
  return { status: 200, message: body.message, route: body.route, greeting: body.greeting, pid: body.pid };
}

/** How many of a route's function environments are running an invocation now. */
function busyWorkers(cloud: LocalCloud, route: string): number {
  const lambda = cloud.service(lambdaService);
  const name = lambda?.configs().find((config) => config.environment.ROUTE === route)?.name;
  return name === undefined ? 0 : (lambda?.busyProcessIds(name).length ?? 0);
}

/** Resolves once `check` holds (hooks cannot use `expect.poll`); fails naming `what` after `timeoutMs`. */
async function until(what: string, timeoutMs: number, check: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Not within ${timeoutMs} ms: ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The invocations alarm's state once the local CloudWatch has judged it now. */
function judgedAlarm(cloud: LocalCloud): string | undefined {
  const watch = cloud.service(cloudwatchService);
  watch?.evaluate();
  return watch?.alarmStates().find((alarm) => alarm.alarmName === INVOCATIONS_ALARM)?.state;
}

/** A confirmed user's ID token, from the app's own pool. */
async function signIn(cloud: LocalCloud): Promise<string> {
  const pool = userPoolOf(cloud);
  const client = localCognitoClient(cloud.url('cognito'), pool.region);
  const email = 'live@example.com';
  const password = 'Live-reload-1!';
  await signUpConfirmed(cloud, client, email, password);
  const auth = await client.send(
    new InitiateAuthCommand({
      ClientId: pool.clientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: email, PASSWORD: password },
    }),
  );
  client.destroy();
  return auth.AuthenticationResult?.IdToken ?? '';
}

function dynamodb(cloud: LocalCloud): DynamoDBClient {
  return new DynamoDBClient({
    endpoint: cloud.url('dynamodb'),
    region: 'eu-west-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

describe('live reload', () => {
  it('serves a saved handler change without a restart, and no request fails during the swap', async () => {
    // Arrange
    const { app, cloud } = await startLiveApp();
    expect(await get(cloud, 'hello')).toMatchObject({ status: 200, message: 'v1' });
    const statuses: number[] = [];
    let swapping = true;
    const traffic = (async () => {
      while (swapping) statuses.push((await get(cloud, 'hello')).status);
    })();

    // Act: the handler imports its message from another file; saving that file is enough.
    app.write({ ...BASELINE, message: 'v2' });

    // Assert
    await expect
      .poll(async () => (await get(cloud, 'hello')).message, { timeout: RELOAD_TIMEOUT_MS, interval: 50 })
      .toBe('v2');
    swapping = false;
    await traffic;
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
  }, 90_000);

  it('applies an added route in place: data, tokens and the warm functions stay', async () => {
    // Arrange
    const { app, cloud, lines } = await startLiveApp();
    const idToken = await signIn(cloud);
    const table = dynamodb(cloud);
    const tableName = cloud.service(dynamodbService)?.tableNames()[0];
    await table.send(
      new PutItemCommand({ TableName: tableName, Item: { pk: { S: 'kept' }, sk: { S: '1' } } }),
    );
    const before = await get(cloud, 'hello');
    expect(await get(cloud, 'added')).toMatchObject({ status: 403 });

    // Act
    app.write({ ...BASELINE, routes: ['hello', 'added'] });

    // Assert
    await expect
      .poll(async () => (await get(cloud, 'added')).status, { timeout: RELOAD_TIMEOUT_MS, interval: 100 })
      .toBe(200);
    expect(
      lines.some((line) => /\[watch\] infrastructure: reloaded in \d+ ms \(.*\+ GET \/added/.test(line)),
    ).toBe(true);
    expect((await get(cloud, 'hello')).pid).toBe(before.pid);
    expect(await get(cloud, 'secure', { Authorization: idToken })).toMatchObject({ status: 200 });
    const kept = await table.send(
      new GetItemCommand({ TableName: tableName, Key: { pk: { S: 'kept' }, sk: { S: '1' } } }),
    );
    expect(kept.Item?.pk?.S).toBe('kept');
    table.destroy();
  }, 120_000);

  it('keeps serving the last good version after a broken save, and picks up the fix', async () => {
    // Arrange
    const { app, cloud, lines } = await startLiveApp();

    // Act: a handler that does not parse, and an app that does not synthesize.
    app.save('message.ts', 'export const MESSAGE = ;\n');
    app.save('app.ts', 'export const ROUTES = [;\n');

    // Assert
    await expect
      .poll(() => lines.join('\n'), { timeout: RELOAD_TIMEOUT_MS, interval: 100 })
      .toMatch(/the build failed; the last good code keeps serving\.\n[\s\S]*message\.ts:1:\d+/);
    await expect
      .poll(() => lines.join('\n'), { timeout: RELOAD_TIMEOUT_MS, interval: 100 })
      .toMatch(/the synth failed; the last good version keeps serving\.\n[\s\S]*app\.ts:1:\d+/);
    expect(await get(cloud, 'hello')).toMatchObject({ status: 200, message: 'v1' });
    app.write({ ...BASELINE, message: 'fixed' });
    await expect
      .poll(async () => (await get(cloud, 'hello')).message, { timeout: RELOAD_TIMEOUT_MS, interval: 100 })
      .toBe('fixed');
  }, 120_000);

  it('refuses a new table key schema in one line and keeps the old cloud running', async () => {
    // Arrange
    const { app, cloud, lines } = await startLiveApp();

    // Act
    app.write({ ...BASELINE, sortKey: 'createdAt' });

    // Assert
    await expect
      .poll(() => lines.filter((line) => line.startsWith('[watch] not applied:')), {
        timeout: RELOAD_TIMEOUT_MS,
        interval: 100,
      })
      .toEqual([
        expect.stringMatching(
          /^\[watch\] not applied: the table Live-dev-Api\/Items\w+ changes its name, key schema or local indexes, which replaces it on AWS \(its items are lost\); to apply it locally, restart with --reset \(deletes the local data\)\. The cloud keeps running as it was\.$/,
        ),
      ]);
    expect(await get(cloud, 'hello')).toMatchObject({ status: 200, message: 'v1' });
  }, 90_000);
});

describe('an infrastructure save applied in place', () => {
  // One save for the whole block, made while a request to each of two functions is in flight: it
  // removes a route, changes another's variable and lowers the alarm's threshold. Each test reads
  // one outcome of that save; none depends on another having run.
  const BEFORE: LiveAppSource = {
    ...BASELINE,
    routes: ['hello', 'gone', 'kept'],
    greetings: { hello: 'before' },
    alarmThreshold: 100,
  };
  const AFTER: LiveAppSource = {
    ...BEFORE,
    routes: ['hello', 'kept'],
    greetings: { hello: 'after' },
    alarmThreshold: 1,
  };
  let live: Running | undefined;
  /** Each route's answer before the save (its warm environment's pid). */
  const warm = new Map<string, Answer>();
  let alarmBefore: string | undefined;
  /** The answers of the requests in flight during the reload: `hello`, then `gone`. */
  let inFlight: Answer[] = [];

  function cloud(): LocalCloud {
    if (!live) throw new Error('The live app did not start.');
    return live.cloud;
  }

  beforeAll(async () => {
    // Arrange
    live = await launch(BEFORE);
    const { app, lines } = live;
    for (const route of BEFORE.routes) warm.set(route, await get(cloud(), route));
    alarmBefore = judgedAlarm(cloud());
    // Settled, not rejected: a request cut off shows in the test that reads it.
    const held = Promise.allSettled([get(cloud(), 'hello?hold'), get(cloud(), 'gone?hold')]);
    await until(
      'both requests reach their functions',
      10_000,
      () => busyWorkers(cloud(), 'hello') + busyWorkers(cloud(), 'gone') === 2,
    );

    // Act
    app.write(AFTER);
    await until('the reload is applied', RELOAD_TIMEOUT_MS, () =>
      lines.some((line) => line.startsWith('[watch] infrastructure: reloaded')),
    );
    writeFileSync(app.releaseFile, '');
    inFlight = (await held).map((settled) =>
      settled.status === 'fulfilled' ? settled.value : { status: 0, text: String(settled.reason) },
    );
  }, 120_000);

  afterAll(async () => {
    await live?.cloud.stop();
    live?.app.remove();
  });

  it('answers the requests in flight during the reload, each as its function did before the save', () => {
    // Assert
    expect(inFlight).toEqual([
      expect.objectContaining({
        status: 200,
        route: 'hello',
        greeting: 'before',
        pid: warm.get('hello')?.pid,
      }),
      expect.objectContaining({ status: 200, route: 'gone', pid: warm.get('gone')?.pid }),
    ]);
  });

  it('answers a removed route as API Gateway answers a missing resource, and ends its function', async () => {
    // Act
    const answer = await get(cloud(), 'gone');

    // Assert
    expect(answer).toEqual({ status: 403, text: '{"message":"Missing Authentication Token"}' });
    const reloaded = live?.lines.find((line) => line.startsWith('[watch] infrastructure: reloaded')) ?? '';
    expect(reloaded).toContain('- GET /gone');
    expect(reloaded).toContain('- function gone');
    await expect.poll(() => alive(warm.get('gone')?.pid ?? 0), { timeout: 3_000 }).toBe(false);
  });

  it('serves a changed variable from a new environment, and ends the old one', async () => {
    // Act
    const answer = await get(cloud(), 'hello');

    // Assert
    expect(answer).toMatchObject({ status: 200, greeting: 'after' });
    expect(answer.pid).not.toBe(warm.get('hello')?.pid);
    await expect.poll(() => alive(warm.get('hello')?.pid ?? 0), { timeout: 3_000 }).toBe(false);
  });

  it('keeps the warm environment of a function the save did not change', async () => {
    // Act
    const answer = await get(cloud(), 'kept');

    // Assert
    expect(answer).toMatchObject({ status: 200, greeting: null, pid: warm.get('kept')?.pid });
  });

  it('judges the alarm by its new threshold, on the invocations recorded before the save', () => {
    // Act
    const state = judgedAlarm(cloud());

    // Assert
    expect(alarmBefore).toBe('OK');
    expect(state).toBe('ALARM');
  });
});
