/**
 * Integration: a small real CDK app (test/fixtures/app.ts) run by the local cloud, for the
 * failure modes the task tracker's own handlers never show: crashes, timeouts, malformed
 * results, CORS, gateway responses, alarms and SNS notifications.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { beforeAll, describe, expect, it } from 'vitest';
import { LocalCloudError } from '../src/index.js';
import { cloudwatchService } from '../src/services/cloudwatch/module.js';
import { localCognitoClient } from '../src/services/cognito/client.js';
import { lambdaService } from '../src/services/lambda/module.js';
import {
  EPHEMERAL_PORTS,
  notificationsOf,
  signUpConfirmed,
  startTestCloud,
  userPoolOf,
} from './support/cloud.js';
import { useFixtureCloud } from './support/fixture-cloud.js';
import { getWithHost } from './support/http.js';

const fixture = useFixtureCloud('fixture', { alarmPeriodScale: 0.02 });
let idToken: string;

beforeAll(async () => {
  const { cloud } = fixture;
  const client = localCognitoClient(cloud.url('cognito'), userPoolOf(cloud).region);
  const email = 'fixture@example.com';
  const password = 'Fixture-password-1';
  await signUpConfirmed(cloud, client, email, password);
  const auth = await client.send(
    new InitiateAuthCommand({
      ClientId: userPoolOf(cloud).clientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: email, PASSWORD: password },
    }),
  );
  idToken = auth.AuthenticationResult?.IdToken ?? '';
  client.destroy();
});

const call = (path: string, init: RequestInit = {}) =>
  fetch(new URL(path, fixture.cloud.url('apigateway')), init);
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
      aud: userPoolOf(fixture.cloud).clientId,
    });
    expect(body.env).toMatchObject({
      USER_POOL_ID: userPoolOf(fixture.cloud).id,
      AWS_ENDPOINT_URL_DYNAMODB: fixture.cloud.url('dynamodb'),
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

  it("answers 502 past the function's timeout, as a Lambda proxy does, and the next invocation gets a fresh process", async () => {
    const response = await authorized('modes/slow');
    expect(response.status).toBe(502);
    expect(await response.json()).toEqual({ message: 'Internal server error' });
    expect((await authorized('modes/echo')).status).toBe(200);
  });

  it("throttles past the function's reserved concurrency: a 500 to the caller and a Throttles datapoint", async () => {
    // Arrange: the limited function reserves one environment; a slow call holds it.
    const holding = call('limited/slow');
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Act
    const throttled = await call('limited/echo');
    // Assert
    expect(throttled.status).toBe(500);
    expect(await throttled.json()).toEqual({ message: 'Internal server error' });
    expect((await holding).status).toBe(502);
    const name =
      fixture.cloud
        .service(lambdaService)
        ?.configs()
        .find((c) => c.logicalId.startsWith('Limited'))?.name ?? '';
    const throttles = fixture.cloud
      .service(cloudwatchService)
      ?.metrics.datapoints(`AWS/Lambda|Throttles|FunctionName=${name}`, 0, Date.now() + 1);
    expect(throttles).toContain(1);
  });

  it('records IntegrationLatency for a request its function answered, and none for one refused before it', async () => {
    // Arrange
    const integrationPoints = () =>
      (fixture.cloud.service(cloudwatchService)?.metrics.metrics() ?? [])
        .filter(({ id }) => id.metricName === 'IntegrationLatency' && !('Stage' in id.dimensions))
        .flatMap(({ points }) => points).length;
    const before = integrationPoints();
    // Act: one request the gateway refuses itself (no such resource), one it passes on.
    const refused = await call('no/such/path');
    const answered = await call('limited/echo');
    // Assert
    expect([refused.status, answered.status]).toEqual([403, 200]);
    expect(integrationPoints() - before).toBe(1);
  });

  it("answers 504 past the integration's own timeout (TimeoutInMillis), before the function's", async () => {
    const response = await call('impatient/slow');
    expect(response.status).toBe(504);
    expect(await response.json()).toEqual({ message: 'Endpoint request timed out' });
  });

  it('gives functions the template log group (LoggingConfig) and the local SSM endpoint', async () => {
    const body = (await (await authorized('modes/echo')).json()) as { env: Record<string, string> };
    expect(body.env.AWS_LAMBDA_LOG_GROUP_NAME).toMatch(/^Fixture-dev-Api-FnLogs/);
    expect(body.env.AWS_ENDPOINT_URL_SSM).toBe(fixture.cloud.url('ssm'));
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
      .poll(
        () => notificationsOf(fixture.cloud).map((n) => `${n.alarmName.includes('Api5xx')}:${n.newState}`),
        {
          timeout: 5000,
        },
      )
      .toContain('true:ALARM');
    const local = (await (await fetch(new URL('/_local/alarms', fixture.cloud.url('console')))).json()) as {
      alarms: Array<{ logicalId: string; state: string; notEvaluated?: string }>;
    };
    expect(local.alarms.find((a) => a.logicalId.startsWith('QueueAge'))?.notEvaluated).toMatch(
      /not observed/,
    );
  });

  it('counts log lines matching the metric filter and raises its alarm', async () => {
    await authorized('modes/log-error');
    await expect
      .poll(
        () =>
          notificationsOf(fixture.cloud).some(
            (n) => n.alarmName.includes('LogErrors') && n.newState === 'ALARM',
          ),
        { timeout: 5000 },
      )
      .toBe(true);
  });
});

describe('the local console', () => {
  it('lists every resource it does not emulate, and the JSON views of the services', async () => {
    const page = await (await fetch(fixture.cloud.url('console'))).text();
    expect(page).toContain('AWS::EC2::VPC');
    const index = (await (await fetch(new URL('/_local/', fixture.cloud.url('console')))).json()) as {
      views: string[];
    };
    expect(index.views).toEqual(
      expect.arrayContaining(
        ['alarms', 'codes', 'logs', 'requests', 'metrics', 'mailbox', 'sns', 'faults'].map(
          (v) => `/_local/${v}`,
        ),
      ),
    );
  });

  it('lists the API requests the gateway answered, with status and latency', async () => {
    await call('public');

    const view = (await (await fetch(new URL('/_local/requests', fixture.cloud.url('console')))).json()) as {
      requests: Array<{ method: string; path: string; status: number; latencyMs: number }>;
    };

    expect(view.requests.at(-1)).toMatchObject({ method: 'GET', path: '/public', status: 200 });
    expect(view.requests.at(-1)?.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('answers only requests addressed to its own loopback host and port (no DNS rebinding)', async () => {
    const { port } = new URL(fixture.cloud.url('console'));
    const status = async (host: string) =>
      (await getWithHost(fixture.cloud.url('console'), '/_local/alarms', host)).status;
    expect(await status(`attacker.example:${port}`)).toBe(403);
    expect(await status('127.0.0.1:1')).toBe(403);
    expect(await status(`localhost:${port}`)).toBe(200);
  });

  it('is read-only, and a view named like an Object.prototype member is a 404', async () => {
    expect(
      (await fetch(new URL('/_local/alarms', fixture.cloud.url('console')), { method: 'POST' })).status,
    ).toBe(405);
    for (const name of ['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty'])
      expect((await fetch(new URL(`/_local/${name}`, fixture.cloud.url('console')))).status).toBe(404);
  });
});

/** Listens on `count` ephemeral ports of 127.0.0.1, so a test can find them taken. */
async function blockPorts(count: number): Promise<Server[]> {
  return Promise.all(
    Array.from({ length: count }, async () => {
      const blocker = createServer();
      await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
      return blocker;
    }),
  );
}

describe('bad situations', () => {
  it.each([
    ['api', 'API Gateway'],
    ['cognito', 'Cognito'],
    ['dynamodb', 'DynamoDB'],
    ['console', 'Console'],
  ] as const)('names the port in use and the flag that changes it (--%s-port)', async (flag, service) => {
    const blockers = await blockPorts(1);
    const port = (blockers[0]?.address() as AddressInfo | undefined)?.port ?? 0;
    try {
      await expect(
        startTestCloud({ assembly: fixture.cloud.assembly, ports: { ...EPHEMERAL_PORTS, [flag]: port } }),
      ).rejects.toThrow(
        new LocalCloudError(
          `A port is already in use on 127.0.0.1: ${service} on ${port} (--${flag}-port <port>). Stop what holds it, or choose other ports (0 picks a free one).`,
        ),
      );
    } finally {
      for (const blocker of blockers) blocker.close();
    }
  });

  it('names every port in use in one message, before reading the assembly', async () => {
    const blockers = await blockPorts(2);
    const [api, web] = blockers.map((b) => (b.address() as AddressInfo).port);
    try {
      await expect(
        startTestCloud({
          assemblyDir: join(fixture.outdir, 'no-such-assembly'),
          ports: { ...EPHEMERAL_PORTS, api: api ?? 0, web: web ?? 0 },
        }),
      ).rejects.toThrow(
        `Ports are already in use on 127.0.0.1: API Gateway on ${api} (--api-port <port>), ALB on ${web} (--web-port <port>).`,
      );
    } finally {
      for (const blocker of blockers) blocker.close();
    }
  });

  it('refuses a corrupt data folder with a one-line error and deletes nothing', async () => {
    const dataDir = mkdtempSync(join(fixture.outdir, 'data-'));
    mkdirSync(join(dataDir, 'cognito'), { recursive: true });
    const files = ['state.json', 'keys.json'];
    for (const file of files) writeFileSync(join(dataDir, 'cognito', file), 'garbage{');
    const started = startTestCloud({ assembly: fixture.cloud.assembly, inMemory: false, dataDir });
    await expect(started).rejects.toBeInstanceOf(LocalCloudError);
    await expect(started).rejects.toThrow(/--reset/);
    for (const file of files) expect(readFileSync(join(dataDir, 'cognito', file), 'utf8')).toBe('garbage{');
  });
});
