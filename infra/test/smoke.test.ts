import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { SNSClient } from '@aws-sdk/client-sns';
import {
  EMPTY_PROFILE,
  type LocalCloud,
  type LocalSns,
  portSpecs,
  snsService,
  startLocalCloud,
} from '@tasktracker/local';
import { App, Stack } from 'aws-cdk-lib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AlarmTopic } from '../src/alarm-topic.js';
import {
  joinUrl,
  runSmokeChecks,
  SmokeCheckError,
  type SmokeOptions,
  STAGE_OUTPUT_KEYS,
  stageAlarmTopicArn,
  stageTargetsFromStacks,
} from '../src/smoke.js';
import { alarmSubscriptions, subscriptionReport } from '../src/smoke-subscriptions.js';

type Reply = { status: number; contentType?: string; body?: string } | 'hang';
type Handler = (path: string) => Reply;

/** A stand-in for a deployed stage: web on `/healthz`, the API under `/prod/`. */
const healthy: Handler = (path) => {
  if (path === '/healthz') return { status: 200, contentType: 'text/plain', body: 'ok' };
  if (path === '/prod/health')
    return { status: 200, contentType: 'application/json', body: '{"status":"ok"}' };
  if (path === '/prod/tasks')
    return { status: 401, contentType: 'application/json', body: '{"message":"Unauthorized"}' };
  return { status: 404, body: 'not found' };
};

let handler: Handler = healthy;

/** The stage stays healthy but for `failingPath`, which answers `reply`. */
function answerWrongly(failingPath: string, reply: Reply): void {
  handler = (path) => (path === failingPath ? reply : healthy(path));
}
const requested: string[] = [];
const hanging: ServerResponse[] = [];
let server: Server;
let baseUrl: string;

function serve(req: IncomingMessage, res: ServerResponse): void {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  requested.push(path);
  const reply = handler(path);
  if (reply === 'hang') {
    hanging.push(res);
    return;
  }
  res.writeHead(reply.status, reply.contentType ? { 'content-type': reply.contentType } : {});
  res.end(reply.body ?? '');
}

beforeAll(async () => {
  server = createServer(serve);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const res of hanging) res.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  handler = healthy;
  requested.length = 0;
});

const targets = () => ({ webUrl: baseUrl, apiUrl: `${baseUrl}/prod/` });
/** Fast, deterministic runs: the recorded waits replace real sleeping. */
function fastOptions(waits: number[] = [], overrides: SmokeOptions = {}): SmokeOptions {
  return {
    attempts: 3,
    backoffMs: 100,
    timeoutMs: 2_000,
    sleep: async (ms) => {
      waits.push(ms);
    },
    ...overrides,
  };
}

async function failureOf(promise: Promise<unknown>): Promise<SmokeCheckError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof SmokeCheckError))
    throw new Error(`expected a SmokeCheckError, got ${String(error)}`);
  return error;
}

describe('joinUrl', () => {
  it('keeps the API stage path with or without a trailing slash', () => {
    expect(joinUrl('https://x.example/prod/', '/health')).toBe('https://x.example/prod/health');
    expect(joinUrl('https://x.example/prod', '/health')).toBe('https://x.example/prod/health');
    expect(joinUrl('http://alb.example', '/healthz')).toBe('http://alb.example/healthz');
  });
});

describe('stageTargetsFromStacks', () => {
  const stacks = [
    {
      StackName: 'TaskTracker-prod-Web',
      Outputs: [{ OutputKey: 'WebUrl', OutputValue: 'https://prod.example' }],
    },
    {
      StackName: 'TaskTracker-dev-Web',
      Outputs: [{ OutputKey: 'WebUrl', OutputValue: 'http://dev-alb.example' }],
    },
    {
      StackName: 'TaskTracker-dev-Api',
      Outputs: [{ OutputKey: 'ApiUrl', OutputValue: 'https://api.example/prod/' }],
    },
    {
      StackName: 'TaskTracker-dev-Monitoring',
      Outputs: [{ OutputKey: 'AlarmTopicArn', OutputValue: 'arn:aws:sns:eu-west-1:111111111111:dev-alarms' }],
    },
  ];

  it("reads the stage's URLs from its own stacks' outputs", () => {
    expect(stageTargetsFromStacks('dev', stacks)).toEqual({
      webUrl: 'http://dev-alb.example',
      apiUrl: 'https://api.example/prod/',
    });
  });

  it("reads the stage's alarm topic, and none for a stage deployed without that output", () => {
    expect(stageAlarmTopicArn('dev', stacks)).toBe('arn:aws:sns:eu-west-1:111111111111:dev-alarms');
    expect(stageAlarmTopicArn('prod', stacks)).toBeUndefined();
  });

  it('names the missing output when the stage is not (fully) deployed', () => {
    expect(() => stageTargetsFromStacks('prod', stacks)).toThrow(
      'no stack named TaskTracker-prod-* has the output "ApiUrl"; is stage "prod" deployed in this account and region?',
    );
  });
});

describe('runSmokeChecks', () => {
  it('passes a healthy stage with the three checks in order', async () => {
    const passed = await runSmokeChecks(targets(), fastOptions());
    expect(passed).toEqual(['web /healthz', 'api /health', 'api GET /tasks without a token']);
    expect(requested).toEqual(['/healthz', '/prod/health', '/prod/tasks']);
  });

  const wrongAnswers = [
    {
      when: 'the web health answers 503',
      path: '/healthz',
      reply: { status: 503, body: 'starting' },
      check: 'web /healthz',
      says: 'expected HTTP 200, got HTTP 503',
    },
    {
      when: 'the API health answers 200 without JSON',
      path: '/prod/health',
      reply: { status: 200, contentType: 'text/html', body: '<html>' },
      check: 'api /health',
      says: 'expected a JSON body, got content-type "text/html"',
    },
    {
      when: 'the API health says JSON but sends unparseable text',
      path: '/prod/health',
      reply: { status: 200, contentType: 'application/json', body: 'oops' },
      check: 'api /health',
      says: 'unparseable text "oops"',
    },
    {
      when: 'an unauthenticated API call is let through',
      path: '/prod/tasks',
      reply: { status: 200, contentType: 'application/json', body: '[]' },
      check: 'api GET /tasks without a token',
      says: 'expected HTTP 401, got HTTP 200',
    },
  ] as const;
  for (const { when, path, reply, check, says } of wrongAnswers) {
    it(`fails when ${when}, naming the check and what it got in one line`, async () => {
      answerWrongly(path, reply);
      const error = await failureOf(runSmokeChecks(targets(), fastOptions()));
      expect(error.check).toBe(check);
      expect(error.message).toContain(says);
      expect(error.message).not.toContain('\n');
    });
  }

  it('retries a stage that is warming up with doubling backoff and then passes', async () => {
    let webCalls = 0;
    handler = (path) => {
      if (path !== '/healthz') return healthy(path);
      webCalls++;
      return webCalls < 3 ? { status: 502 } : healthy(path);
    };
    const waits: number[] = [];
    const passed = await runSmokeChecks(targets(), fastOptions(waits, { attempts: 5 }));
    expect(passed).toHaveLength(3);
    expect(webCalls).toBe(3);
    expect(waits).toEqual([100, 200]);
  });

  it('gives up after the configured attempts, capping each wait', async () => {
    answerWrongly('/healthz', { status: 500 });
    const waits: number[] = [];
    const error = await failureOf(
      runSmokeChecks(targets(), fastOptions(waits, { attempts: 4, maxBackoffMs: 250 })),
    );
    expect(error.attempts).toBe(4);
    expect(error.message).toMatch(/^smoke check "web \/healthz" failed after 4 attempt\(s\)/);
    expect(waits).toEqual([100, 200, 250]);
    expect(requested.filter((p) => p === '/healthz')).toHaveLength(4);
  });

  it('reports a request that gets no answer within the timeout', async () => {
    answerWrongly('/prod/health', 'hang');
    const error = await failureOf(
      runSmokeChecks(targets(), fastOptions([], { attempts: 1, timeoutMs: 200 })),
    );
    expect(error.check).toBe('api /health');
    expect(error.message).toContain('no response within 200 ms');
  });

  it('reports a refused connection', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await failureOf(
      runSmokeChecks(
        { webUrl: `http://127.0.0.1:${port}`, apiUrl: baseUrl },
        fastOptions([], { attempts: 1 }),
      ),
    );
    expect(error.check).toBe('web /healthz');
    expect(error.message).toContain('ECONNREFUSED');
  });
});

/** Runs `infra/scripts/smoke.ts` with `args`, this process's environment plus `env`. */
async function runSmoke(args: string[], env: NodeJS.ProcessEnv = {}) {
  const script = fileURLToPath(new URL('../scripts/smoke.ts', import.meta.url));
  const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
  try {
    const { stdout, stderr } = await promisify(execFile)(tsx, [script, ...args], {
      env: { ...process.env, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('smoke CLI (infra/scripts/smoke.ts)', () => {
  const run = runSmoke;

  it('exits 0 and lists each passed check for a healthy stage', async () => {
    const result = await run(['--web-url', baseUrl, '--api-url', `${baseUrl}/prod`]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('ok   web /healthz');
    expect(result.stdout).toContain('smoke test passed: 3 checks');
  });

  it('exits 1 with a one-line error naming the failed check', async () => {
    answerWrongly('/prod/tasks', { status: 403 });
    const result = await run(['--web-url', baseUrl, '--api-url', `${baseUrl}/prod`, '--attempts', '1']);
    expect(result.code).toBe(1);
    const errorLines = result.stderr.trim().split('\n');
    expect(errorLines).toHaveLength(1);
    expect(errorLines[0]).toContain(
      '"api GET /tasks without a token" failed after 1 attempt(s): expected HTTP 401, got HTTP 403',
    );
  });

  it('rejects bad arguments with a one-line usage error', async () => {
    const missing = await run(['--web-url', baseUrl]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim()).toMatch(/^error: .*--api-url/);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    const badUrl = await run(['--web-url', 'not a url', '--api-url', baseUrl]);
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr.trim().split('\n')).toHaveLength(1);
    const unknownStage = await run(['--stage', 'nope']);
    expect(unknownStage.code).toBe(2);
    expect(unknownStage.stderr.trim()).toContain('unknown stage "nope"');
  });

  it('fails with a one-line error when --stage has no AWS credentials', async () => {
    const result = await run(['--stage', 'dev'], {
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_PROFILE: 'tasktracker-smoke-test-no-such-profile',
      AWS_CONFIG_FILE: '/nonexistent/aws-config',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_REGION: 'eu-west-1',
    });
    expect(result.code).toBe(1);
    const lines = result.stderr
      .trim()
      .split('\n')
      .filter((line) => !line.includes('NodeVersionSupportWarning') && line.trim() !== '');
    expect(lines.at(-1)).toMatch(/^error: cannot read the outputs of stage "dev".*credentials/i);
  });
});

describe('subscriptionReport', () => {
  it('names each pending subscription with how to confirm it, and counts them', () => {
    // Act
    const report = subscriptionReport([
      { protocol: 'email', endpoint: 'oncall@acme-corp.io', confirmed: true },
      { protocol: 'email', endpoint: 'ops@acme-corp.io', confirmed: false },
      { protocol: 'https', endpoint: 'https://hooks.acme-corp.io/sns', confirmed: false },
    ]);

    // Assert
    expect(report.pending).toBe(2);
    expect(report.lines).toEqual([
      'ok   alarm subscription email oncall@acme-corp.io (confirmed)',
      expect.stringMatching(
        /^fail alarm subscription email ops@acme-corp\.io is pending confirmation, so alarms do not reach it: open the e-mail "AWS Notification - Subscription Confirmation" that SNS sent to ops@acme-corp\.io and follow its "Confirm subscription" link/,
      ),
      expect.stringMatching(
        /^fail alarm subscription https https:\/\/hooks\.acme-corp\.io\/sns is pending confirmation, so alarms do not reach it: the endpoint must visit the SubscribeURL/,
      ),
    ]);
  });

  it('notes a topic nobody subscribes without failing: a non-production stage may run so', () => {
    expect(subscriptionReport([])).toEqual({
      lines: ['note alarm topic: no subscriptions, so its alarms notify nobody'],
      pending: 0,
    });
  });
});

/**
 * An alarm topic built by the real construct with the stage config's kind of subscriptions, run by
 * the local cloud, whose SNS answers ListSubscriptionsByTopic as AWS does.
 */
describe('alarm subscriptions read from the local cloud’s SNS', () => {
  const SUBSCRIBED = {
    emails: ['oncall@acme-corp.io', 'ops@acme-corp.io'],
    httpsEndpoint: 'https://hooks.acme-corp.io/sns',
  };
  let outdir: string;
  let cloud: LocalCloud;
  let sns: LocalSns;
  let topicArn: string;

  beforeAll(async () => {
    outdir = mkdtempSync(join(tmpdir(), 'smoke-subscriptions-'));
    const app = new App({ outdir, builtinCloudFormationValidation: false });
    const stack = new Stack(app, 'TaskTracker-smoke-Monitoring');
    new AlarmTopic(stack, 'Alarms', {
      displayName: 'Smoke alarms',
      alarmNamePrefix: 'TaskTracker-smoke-',
      subscriptions: SUBSCRIBED,
    });
    app.synth();
    cloud = await startLocalCloud({
      assemblyDir: outdir,
      stage: 'smoke',
      profile: EMPTY_PROFILE,
      inMemory: true,
      ports: Object.fromEntries(portSpecs().map((p) => [p.name, 0])),
      log: () => {},
    });
    const running = cloud.service(snsService);
    if (!running) throw new Error('the local cloud runs no SNS');
    sns = running;
    // Someone on call follows the link in their confirmation e-mail; the others have not yet.
    const mail = sns
      .messages()
      .find((m) => m.type === 'SubscriptionConfirmation' && m.to === SUBSCRIBED.emails[0]);
    topicArn = mail?.topicArn ?? '';
    expect((await fetch(mail?.link ?? '')).status).toBe(200);
  }, 60_000);

  afterAll(async () => {
    await cloud?.stop();
    rmSync(outdir, { recursive: true, force: true });
  });

  it('reports the e-mail and HTTPS subscriptions nobody confirmed, and the confirmed one as ok', async () => {
    // Arrange
    const client = new SNSClient({
      endpoint: cloud.url('sns'),
      region: topicArn.split(':')[3] ?? '',
      credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' },
    });

    // Act
    const report = subscriptionReport(await alarmSubscriptions(client, topicArn));

    // Assert
    expect(report.pending).toBe(2);
    expect(report.lines.map((line) => line.split(' is pending')[0])).toEqual([
      'ok   alarm subscription email oncall@acme-corp.io (confirmed)',
      'fail alarm subscription email ops@acme-corp.io',
      'fail alarm subscription https https://hooks.acme-corp.io/sns',
    ]);
  });

  it('makes `npm run smoke -- --stage` print those lines and exit 1, after the HTTP checks pass', async () => {
    // Arrange: CloudFormation has no local stand-in; this one answers DescribeStacks with the
    // stage's outputs: the healthy test stage's URLs and the local cloud's alarm topic.
    const outputs = {
      Web: { [STAGE_OUTPUT_KEYS.webUrl]: baseUrl },
      Api: { [STAGE_OUTPUT_KEYS.apiUrl]: `${baseUrl}/prod` },
      Monitoring: { [STAGE_OUTPUT_KEYS.alarmTopicArn]: topicArn },
    };
    const cloudFormation = await describeStacksServer('dev', outputs);
    try {
      // Act
      const result = await runSmoke(['--stage', 'dev', '--attempts', '1'], {
        AWS_REGION: topicArn.split(':')[3] ?? '',
        AWS_ACCESS_KEY_ID: 'AKIDLOCAL',
        AWS_SECRET_ACCESS_KEY: 'local',
        AWS_ENDPOINT_URL_CLOUDFORMATION: cloudFormation.url,
        AWS_ENDPOINT_URL_SNS: cloud.url('sns'),
      });

      // Assert
      expect(result.code).toBe(1);
      expect(result.stdout).toContain('ok   api GET /tasks without a token');
      expect(result.stdout).toContain('ok   alarm subscription email oncall@acme-corp.io (confirmed)');
      expect(result.stdout).toContain(
        'fail alarm subscription email ops@acme-corp.io is pending confirmation',
      );
      expect(result.stderr.trim().split('\n').at(-1)).toBe(
        "error: 2 alarm subscription(s) pending confirmation: the stage's alarms do not reach them (see the lines above)",
      );
    } finally {
      await cloudFormation.close();
    }
  }, 60_000);
});

/** A CloudFormation endpoint answering DescribeStacks (query protocol, XML) with stacks `TaskTracker-<stage>-<id>`. */
async function describeStacksServer(
  stage: string,
  outputs: Record<string, Record<string, string>>,
): Promise<{ url: string; close: () => Promise<void> }> {
  const members = Object.entries(outputs)
    .map(
      ([id, values]) =>
        `<member><StackName>TaskTracker-${stage}-${id}</StackName><StackStatus>UPDATE_COMPLETE</StackStatus><CreationTime>2026-01-01T00:00:00Z</CreationTime><Outputs>${Object.entries(
          values,
        )
          .map(
            ([key, value]) =>
              `<member><OutputKey>${key}</OutputKey><OutputValue>${value}</OutputValue></member>`,
          )
          .join('')}</Outputs></member>`,
    )
    .join('');
  const server = createServer((_req, res) => {
    res
      .writeHead(200, { 'content-type': 'text/xml' })
      .end(
        `<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult><Stacks>${members}</Stacks></DescribeStacksResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></DescribeStacksResponse>`,
      );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
