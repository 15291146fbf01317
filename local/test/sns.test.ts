/**
 * The local SNS: the template's subscriptions pending until confirmed, e-mail into the local
 * mailbox, HTTP(S) POSTed to loopback endpoints only, and CloudWatch's alarm notification as the
 * message an alarm publishes.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ListSubscriptionsByTopicCommand,
  paginateListSubscriptionsByTopic,
  SNSClient,
  type Subscription,
} from '@aws-sdk/client-sns';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TemplateResource } from '../src/assembly/index.js';
import { physicalIdsOf } from '../src/registry.js';
import { LocalCloudWatch } from '../src/services/cloudwatch/index.js';
import { LocalSns, SnsError } from '../src/services/sns/index.js';
import { firstStack, stackAssembly } from './support/assembly.js';

interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: Record<string, unknown>;
}

let hook: Server;
let hookUrl: string;
let received: Received[];
const stopping: LocalSns[] = [];

beforeEach(async () => {
  received = [];
  hook = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers, body: JSON.parse(text) as Record<string, unknown> });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
  hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
});

afterEach(async () => {
  for (const sns of stopping.splice(0)) await sns.stop();
  await new Promise((resolve) => hook.close(resolve));
});

const subscription = (Protocol: string, Endpoint: string): TemplateResource => ({
  Type: 'AWS::SNS::Subscription',
  Properties: { TopicArn: { Ref: 'Topic' }, Protocol, Endpoint },
});

const TOPIC: TemplateResource = { Type: 'AWS::SNS::Topic', Properties: { DisplayName: 'Alarms' } };

function resources(): Record<string, TemplateResource> {
  return {
    Topic: TOPIC,
    Email: subscription('email', 'oncall@example.com'),
    Hook: subscription('http', hookUrl),
    Remote: subscription('https', 'https://hooks.example.com/sns'),
  };
}

async function startSns(dataDir?: string): Promise<{ sns: LocalSns; topicArn: string }> {
  const ids = physicalIdsOf(stackAssembly('Monitoring', resources()));
  const sns = new LocalSns({ ids, port: 0, log: () => {}, ...(dataDir ? { dataDir } : {}) });
  stopping.push(sns);
  await sns.start();
  await sns.settled();
  const topicArn = ids.ref(firstStack(ids.source), 'Topic') ?? '';
  return { sns, topicArn };
}

const PUBLISHER = {
  principal: 'cloudwatch.amazonaws.com',
  sourceArn: 'arn:aws:cloudwatch:eu-west-1:000000000000:alarm:a',
  sourceAccount: '000000000000',
};

async function confirmAll(sns: LocalSns): Promise<void> {
  const links = [
    ...sns
      .messages()
      .filter((m) => m.type === 'SubscriptionConfirmation')
      .map((m) => m.link),
    ...received
      .filter((r) => r.body.Type === 'SubscriptionConfirmation')
      .map((r) => String(r.body.SubscribeURL)),
  ];
  for (const link of links) expect((await fetch(link)).status).toBe(200);
}

describe('the local SNS', () => {
  it('sends each subscription its confirmation and delivers nothing while it is pending', async () => {
    // Arrange
    const { sns, topicArn } = await startSns();

    // Act
    sns.publish({ topicArn, subject: 'before', message: 'x', publisher: PUBLISHER });
    await sns.settled();

    // Assert
    expect(sns.messages().map((m) => [m.type, m.to])).toEqual([
      ['SubscriptionConfirmation', 'oncall@example.com'],
    ]);
    expect(received.map((r) => [r.headers['x-amz-sns-message-type'], r.body.Type])).toEqual([
      ['SubscriptionConfirmation', 'SubscriptionConfirmation'],
    ]);
    expect(
      sns
        .deliveryLog()
        .filter((d) => d.type === 'Notification')
        .map((d) => d.detail),
    ).toContain('subscription pending');
  });

  it('delivers to the mailbox and POSTs the notification envelope once confirmed', async () => {
    // Arrange
    const { sns, topicArn } = await startSns();
    await confirmAll(sns);

    // Act
    const { messageId } = sns.publish({
      topicArn,
      subject: 'ALARM: "a"',
      message: '{"AlarmName":"a"}',
      publisher: PUBLISHER,
    });
    await sns.settled();

    // Assert
    expect(sns.messages().at(-1)).toMatchObject({
      type: 'Notification',
      to: 'oncall@example.com',
      subject: 'ALARM: "a"',
      message: '{"AlarmName":"a"}',
      messageId,
    });
    const posted = received.at(-1);
    expect(posted?.headers).toMatchObject({
      'x-amz-sns-message-type': 'Notification',
      'x-amz-sns-message-id': messageId,
      'x-amz-sns-topic-arn': topicArn,
    });
    expect(posted?.body).toMatchObject({
      Type: 'Notification',
      MessageId: messageId,
      TopicArn: topicArn,
      Subject: 'ALARM: "a"',
      Message: '{"AlarmName":"a"}',
      UnsubscribeURL: expect.stringContaining('Action=Unsubscribe'),
    });
  });

  it('sends nothing to an endpoint off this machine, and says so', async () => {
    const { sns, topicArn } = await startSns();
    await confirmAll(sns);

    sns.publish({ topicArn, message: 'x', publisher: PUBLISHER });
    await sns.settled();

    const remote = sns.deliveryLog().filter((d) => d.endpoint.startsWith('https://hooks.example.com'));
    expect(remote.map((d) => d.outcome)).toEqual(['skipped', 'skipped']);
    expect(remote[0]?.detail).toMatch(/is not a loopback address/);
    expect(sns.describe().resources.find((r) => r.logicalId === 'Remote')?.warning).toMatch(
      /not delivered locally/,
    );
  });

  it('refuses a confirmation link with a wrong token', async () => {
    const { sns, topicArn } = await startSns();

    const response = await fetch(
      `${sns.endpoint}/?Action=ConfirmSubscription&TopicArn=${topicArn}&Token=forged`,
    );

    expect(response.status).toBe(400);
    expect(await response.text()).toContain('<Code>InvalidParameter</Code>');
  });

  it('refuses a topic the template does not declare', async () => {
    const { sns } = await startSns();

    expect(() =>
      sns.publish({
        topicArn: 'arn:aws:sns:eu-west-1:000000000000:nope',
        message: 'x',
        publisher: PUBLISHER,
      }),
    ).toThrow(SnsError);
  });

  it('keeps confirmations and the mailbox in the data folder across restarts', async () => {
    // Arrange
    const dataDir = mkdtempSync(join(tmpdir(), 'local-sns-'));
    try {
      const first = await startSns(dataDir);
      await confirmAll(first.sns);
      await first.sns.stop();

      // Act
      const second = await startSns(dataDir);
      second.sns.publish({
        topicArn: second.topicArn,
        subject: 'after restart',
        message: 'x',
        publisher: PUBLISHER,
      });

      // Assert
      expect(second.sns.messages().map((m) => m.subject)).toEqual([
        'AWS Notification - Subscription Confirmation',
        'after restart',
      ]);
      const lines = readFileSync(join(dataDir, 'mailbox.jsonl'), 'utf8').trim().split('\n');
      expect(lines).toHaveLength(2);
      expect(existsSync(join(dataDir, 'sns', 'subscriptions.json'))).toBe(true);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('sends a pending e-mail subscription its confirmation once, not at every start', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'local-sns-'));
    try {
      const first = await startSns(dataDir);
      await first.sns.stop();

      const second = await startSns(dataDir);

      expect(second.sns.messages().filter((m) => m.type === 'SubscriptionConfirmation')).toHaveLength(1);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

/** The AWS SDK's SNS client, pointed at the local SNS as `AWS_ENDPOINT_URL_SNS` would point it. */
function clientOf(sns: LocalSns): SNSClient {
  return new SNSClient({
    endpoint: sns.endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' },
  });
}

async function listAll(sns: LocalSns, topicArn: string): Promise<Subscription[]> {
  const listed: Subscription[] = [];
  for await (const page of paginateListSubscriptionsByTopic(
    { client: clientOf(sns) },
    { TopicArn: topicArn },
  ))
    listed.push(...(page.Subscriptions ?? []));
  return listed;
}

describe('ListSubscriptionsByTopic on the local SNS, called with the AWS SDK', () => {
  it('lists every subscription as SNS does: PendingConfirmation until its endpoint confirms, then its ARN', async () => {
    // Arrange: confirm the e-mail address through the link of its confirmation mail.
    const { sns, topicArn } = await startSns();
    const mail = sns.messages().find((m) => m.type === 'SubscriptionConfirmation');
    expect((await fetch(mail?.link ?? '')).status).toBe(200);

    // Act
    const listed = await clientOf(sns).send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }));

    // Assert
    expect(listed.NextToken).toBeUndefined();
    expect(listed.Subscriptions).toEqual([
      {
        TopicArn: topicArn,
        Protocol: 'email',
        Endpoint: 'oncall@example.com',
        SubscriptionArn: expect.stringMatching(new RegExp(`^${topicArn}:[0-9a-f-]{36}$`)),
        Owner: '000000000000',
      },
      {
        TopicArn: topicArn,
        Protocol: 'http',
        Endpoint: hookUrl,
        SubscriptionArn: 'PendingConfirmation',
        Owner: '000000000000',
      },
      {
        TopicArn: topicArn,
        Protocol: 'https',
        Endpoint: 'https://hooks.example.com/sns',
        SubscriptionArn: 'PendingConfirmation',
        Owner: '000000000000',
      },
    ]);
  });

  it('leaves out a subscription its endpoint unsubscribed, as SNS deletes it', async () => {
    // Arrange
    const { sns, topicArn } = await startSns();
    await confirmAll(sns);
    const [email] = await listAll(sns, topicArn);
    await fetch(`${sns.endpoint}/?Action=Unsubscribe&SubscriptionArn=${email?.SubscriptionArn}`);

    // Act
    const listed = await listAll(sns, topicArn);

    // Assert
    expect(listed.map((s) => s.Endpoint)).toEqual([hookUrl, 'https://hooks.example.com/sns']);
  });

  it('answers in pages of 100 with a NextToken, which the SDK paginator follows', async () => {
    // Arrange: a topic with 150 e-mail subscriptions.
    const many = Object.fromEntries(
      Array.from({ length: 150 }, (_, i) => [`Email${i}`, subscription('email', `person${i}@example.com`)]),
    );
    const ids = physicalIdsOf(stackAssembly('Monitoring', { Topic: TOPIC, ...many }));
    const sns = new LocalSns({ ids, port: 0, log: () => {} });
    stopping.push(sns);
    await sns.start();
    const topicArn = ids.ref(firstStack(ids.source), 'Topic') ?? '';

    // Act
    const first = await clientOf(sns).send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }));
    const all = await listAll(sns, topicArn);

    // Assert
    expect(first.Subscriptions).toHaveLength(100);
    expect(first.NextToken).toEqual(expect.any(String));
    expect(all.map((s) => s.Endpoint)).toEqual(
      Array.from({ length: 150 }, (_, i) => `person${i}@example.com`),
    );
  });

  it.each([
    [
      'a topic the template does not declare',
      { TopicArn: 'arn:aws:sns:eu-west-1:000000000000:nope' },
      { name: 'NotFoundException', message: 'Topic does not exist', $metadata: { httpStatusCode: 404 } },
    ],
    [
      'a malformed topic ARN',
      { TopicArn: 'nope' },
      { name: 'InvalidParameterException', message: 'Invalid parameter: TopicArn' },
    ],
    [
      'a NextToken it did not issue',
      { NextToken: 'forged' },
      { name: 'InvalidParameterException', message: 'Invalid parameter: NextToken' },
    ],
  ])('refuses %s with SNS’s error', async (_, input, error) => {
    // Arrange
    const { sns, topicArn } = await startSns();

    // Act
    const call = clientOf(sns).send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn, ...input }));

    // Assert
    await expect(call).rejects.toMatchObject(error);
  });
});

describe('an alarm publishing to the local SNS', () => {
  it("delivers CloudWatch's alarm notification JSON to the mailbox", async () => {
    // Arrange
    const template = {
      ...resources(),
      Errors: {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: {
          AlarmName: 'T-dev-ApiServerErrors',
          AlarmDescription: 'The API answered a 5XX.',
          Namespace: 'AWS/ApiGateway',
          MetricName: '5XXError',
          Dimensions: [{ Name: 'ApiName', Value: 'api' }],
          Statistic: 'Sum',
          Period: 60,
          EvaluationPeriods: 1,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          AlarmActions: [{ Ref: 'Topic' }],
        },
      },
    };
    const ids = physicalIdsOf(stackAssembly('Monitoring', template));
    const sns = new LocalSns({ ids, port: 0, log: () => {} });
    stopping.push(sns);
    await sns.start();
    await confirmAll(sns);
    const cw = new LocalCloudWatch({
      ids,
      log: () => {},
      observed: new Map([['AWS/ApiGateway', new Set(['5XXError'])]]),
      topics: sns,
    });

    // Act
    cw.metrics.sinkFor('apigateway').record('AWS/ApiGateway', '5XXError', { ApiName: 'api' }, 1);
    cw.evaluate(Date.now());

    // Assert
    const mail = sns.messages().at(-1);
    expect(mail?.subject).toBe('ALARM: "T-dev-ApiServerErrors" in EU (Ireland)');
    expect(JSON.parse(mail?.message ?? '{}')).toMatchObject({
      AlarmName: 'T-dev-ApiServerErrors',
      AlarmDescription: 'The API answered a 5XX.',
      NewStateValue: 'ALARM',
      OldStateValue: 'INSUFFICIENT_DATA',
      AlarmArn: 'arn:aws:cloudwatch:eu-west-1:000000000000:alarm:T-dev-ApiServerErrors',
      Region: 'EU (Ireland)',
      Trigger: {
        MetricName: '5XXError',
        Namespace: 'AWS/ApiGateway',
        Statistic: 'SUM',
        Dimensions: [{ name: 'ApiName', value: 'api' }],
        Period: 60,
        Threshold: 1,
      },
    });
  });
});
