/**
 * Integration: live reload. A small CDK app in a temporary folder (support/live-app.ts) runs in a
 * watching local cloud on 127.0.0.1 while each test edits it as a developer would: its handler,
 * its routes, a broken save, a change the local cloud cannot make in place.
 */
import { InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../src/index.js';
import { localCognitoClient } from '../src/services/cognito/client.js';
import { dynamodbService } from '../src/services/dynamodb/module.js';
import { EPHEMERAL_PORTS, signUpConfirmed, userPoolOf } from './support/cloud.js';
import { BASELINE, LiveApp } from './support/live-app.js';

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

async function startLiveApp(): Promise<Running> {
  const app = new LiveApp();
  const lines: string[] = [];
  const cloud = await startLocalCloud({
    profileFile: app.profileFile,
    watch: true,
    inMemory: true,
    ports: EPHEMERAL_PORTS,
    log: (line) => lines.push(line),
  });
  const started = { app, cloud, lines };
  running.push(started);
  return started;
}

interface Answer {
  readonly status: number;
  readonly message?: string;
  readonly pid?: number;
}

async function get(cloud: LocalCloud, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(new URL(path, cloud.url('apigateway')), { headers });
  const text = await response.text();
  if (response.status !== 200) return { status: response.status };
  const body = JSON.parse(text) as { message: string; pid: number };
  return { status: 200, message: body.message, pid: body.pid };
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
