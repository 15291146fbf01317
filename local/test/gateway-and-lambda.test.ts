/**
 * Integration: a small real CDK app (test/fixtures/app.ts) run by the local cloud, for the
 * failure modes the task tracker's own handlers never show: crashes, timeouts, malformed
 * results, CORS, gateway responses, alarms and SNS notifications.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CognitoIdentityProviderClient,
  ConfirmSignUpCommand,
  InitiateAuthCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalAssembly, readStageAssembly } from '../src/assembly/index.js';
import { type LocalCloud, LocalCloudError, startLocalCloud } from '../src/index.js';
import { buildFixtureApp } from './fixtures/app.js';

const EPHEMERAL = { api: 0, web: 0, cognito: 0, dynamodb: 0 };
const outdir = mkdtempSync(join(tmpdir(), 'local-cloud-fixture-'));
let assembly: LocalAssembly;
let cloud: LocalCloud;
let idToken: string;

beforeAll(async () => {
  assembly = readStageAssembly(buildFixtureApp(outdir).app.synth(), 'dev');
  cloud = await startLocalCloud({
    assembly,
    inMemory: true,
    ports: EPHEMERAL,
    log: () => {},
    alarmPeriodScale: 0.02,
  });
  const client = new CognitoIdentityProviderClient({
    endpoint: cloud.urls.cognito,
    region: cloud.userPool.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const email = 'fixture@example.com';
  const ClientId = cloud.userPool.clientId;
  await client.send(
    new SignUpCommand({
      ClientId,
      Username: email,
      Password: 'Fixture-password-1',
      UserAttributes: [{ Name: 'email', Value: email }],
    }),
  );
  const code = cloud.confirmationCodes().find((c) => c.username === email)?.code;
  await client.send(new ConfirmSignUpCommand({ ClientId, Username: email, ConfirmationCode: code }));
  const auth = await client.send(
    new InitiateAuthCommand({
      ClientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: email, PASSWORD: 'Fixture-password-1' },
    }),
  );
  idToken = auth.AuthenticationResult?.IdToken ?? '';
  client.destroy();
}, 60_000);

afterAll(async () => {
  await cloud?.stop();
  rmSync(outdir, { recursive: true, force: true });
});

const call = (path: string, init: RequestInit = {}) => fetch(new URL(path, cloud.urls.api), init);
const authorized = (path: string) => call(path, { headers: { Authorization: idToken } });

describe('the local Lambda behind the local gateway', () => {
  it('passes the claims, the resolved environment and a Lambda context to the handler', async () => {
    const response = await authorized('modes/echo');
    expect(response.status).toBe(200);
    expect(response.headers.get('x-multi')).toBe('a, b');
    const body = (await response.json()) as {
      event: {
        requestContext: { authorizer: { claims: Record<string, string> } };
        pathParameters: Record<string, string>;
      };
      env: Record<string, string>;
      remaining: number;
    };
    expect(body.event.pathParameters).toEqual({ mode: 'echo' });
    expect(body.event.requestContext.authorizer.claims).toMatchObject({
      email: 'fixture@example.com',
      token_use: 'id',
      aud: cloud.userPool.clientId,
    });
    expect(body.env).toMatchObject({
      USER_POOL_ID: cloud.userPool.id,
      DYNAMODB_ENDPOINT: cloud.urls.dynamodb,
      AWS_REGION: 'eu-west-1',
    });
    expect(body.env.TABLE_NAME).toMatch(/^Fixture-dev-Data-TableCD117FA1-/);
    expect(body.remaining).toBeGreaterThan(0);
  });

  it('answers 502 when the handler throws, exits or returns a malformed result, and keeps serving', async () => {
    for (const mode of ['crash', 'exit', 'malformed']) {
      const response = await authorized(`modes/${mode}`);
      expect({ mode, status: response.status }).toEqual({ mode, status: 502 });
      expect(await response.json()).toEqual({ message: 'Internal server error' });
    }
    expect((await authorized('modes/echo')).status).toBe(200);
  });

  it("answers 504 past the function's timeout, and the next invocation gets a fresh process", async () => {
    const response = await authorized('modes/slow');
    expect(response.status).toBe(504);
    expect((await authorized('modes/echo')).status).toBe(200);
  });

  it('serves CORS preflight from the template and applies gateway-response headers to gateway errors', async () => {
    const preflight = await call('modes/echo', {
      method: 'OPTIONS',
      headers: { Origin: 'http://localhost:8080', 'Access-Control-Request-Method': 'GET' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://localhost:8080');
    expect(preflight.headers.get('access-control-allow-headers')).toBe('Content-Type,Authorization');

    const unauthorized = await call('modes/echo');
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers.get('access-control-allow-origin')).toBe('http://localhost:8080');
  });

  it("answers 413 above API Gateway's 10 MB payload limit", async () => {
    const response = await call('public', { method: 'GET' }).then(() =>
      call('files/upload', { method: 'POST', body: Buffer.alloc(10 * 1024 * 1024 + 1, 97) }),
    );
    expect(response.status).toBe(413);
  });

  it("raises the template's 5XX alarm and notifies its SNS topic", async () => {
    await authorized('modes/crash');
    await expect
      .poll(() => cloud.notifications().map((n) => `${n.alarmName.includes('Api5xx')}:${n.newState}`), {
        timeout: 5000,
      })
      .toContain('true:ALARM');
    const local = (await (await call('/_local/alarms')).json()) as {
      alarms: Array<{ logicalId: string; state: string; notEvaluated?: string }>;
    };
    expect(local.alarms.find((a) => a.logicalId.startsWith('EcsCpu'))?.notEvaluated).toMatch(/not observed/);
  });

  it('counts log lines matching the metric filter and raises its alarm', async () => {
    await authorized('modes/log-error');
    await expect
      .poll(
        () => cloud.notifications().some((n) => n.alarmName.includes('LogErrors') && n.newState === 'ALARM'),
        { timeout: 5000 },
      )
      .toBe(true);
  });
});

describe('bad situations', () => {
  it.each([
    ['api', 'API Gateway'],
    ['cognito', 'Cognito'],
    ['dynamodb', 'DynamoDB'],
  ] as const)('names the port in use and the flag that changes it (--%s-port)', async (flag, service) => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as AddressInfo).port;
    try {
      await expect(
        startLocalCloud({ assembly, inMemory: true, ports: { ...EPHEMERAL, [flag]: port }, log: () => {} }),
      ).rejects.toThrow(
        new LocalCloudError(
          `${service} cannot listen on 127.0.0.1:${port}: the port is already in use (choose another with --${flag}-port <port>).`,
        ),
      );
    } finally {
      blocker.close();
    }
  });

  it('refuses a corrupt data folder with a one-line error and deletes nothing', async () => {
    const dataDir = mkdtempSync(join(outdir, 'data-'));
    mkdirSync(join(dataDir, 'cognito'), { recursive: true });
    const files = ['state.json', 'keys.json'];
    for (const file of files) writeFileSync(join(dataDir, 'cognito', file), 'garbage{');
    const started = startLocalCloud({ assembly, dataDir, ports: EPHEMERAL, log: () => {} });
    await expect(started).rejects.toBeInstanceOf(LocalCloudError);
    await expect(started).rejects.toThrow(/--reset/);
    for (const file of files) expect(readFileSync(join(dataDir, 'cognito', file), 'utf8')).toBe('garbage{');
  });
});
