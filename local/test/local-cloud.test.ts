/**
 * Integration: the task tracker's own CDK app, synthesized in process and run by the local cloud
 * (in memory, ephemeral ports), driven with the AWS SDK's Cognito client and plain HTTP.
 */
import { type CognitoIdentityProviderClient, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import { DescribeTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { IDEMPOTENCY_HEADER } from '@tasktracker/api/contract';
import { ROUTES } from '@tasktracker/api/routes';
import { TABLE_SCHEMA } from '@tasktracker/api/table-schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalAssembly } from '../src/assembly/index.js';
import { LocalIam } from '../src/iam/index.js';
import { iamService } from '../src/iam/module.js';
import type { LocalCloud } from '../src/index.js';
import { physicalIdsOf } from '../src/registry.js';
import { cloudwatchService } from '../src/services/cloudwatch/module.js';
import { localCognitoClient } from '../src/services/cognito/client.js';
import { claimTimestamp, signInWithSrp } from '../src/services/cognito/srp-client.js';
import { signUpConfirmed, startTestCloud, userPoolOf } from './support/cloud.js';
import { resignWithForeignKey } from './support/tokens.js';

const PASSWORD = 'Correct-Horse-9-Battery';
let cloud: LocalCloud;
let cognito: CognitoIdentityProviderClient;
/** Shifts the local Cognito's clock, to issue tokens that are already expired. */
let clockOffsetMs = 0;

beforeAll(async () => {
  cloud = await startTestCloud({ cognitoClock: () => Date.now() + clockOffsetMs });
  cognito = localCognitoClient(cloud.url('cognito'), userPoolOf(cloud).region);
}, 90_000);

afterAll(async () => {
  cognito?.destroy();
  await cloud?.stop();
});

/** Signs up, confirms with the code the local Cognito shows, signs in; returns the tokens. */
async function newUser(name: string): Promise<{ idToken: string; accessToken: string }> {
  const email = `${name}-${Date.now()}@example.com`;
  await signUpConfirmed(cloud, cognito, email, PASSWORD);
  const auth = await signInWithSrp(cognito, {
    userPoolId: userPoolOf(cloud).id,
    clientId: userPoolOf(cloud).clientId,
    username: email,
    password: PASSWORD,
    // The claim is stamped with the service's clock, which some tests move.
    timestamp: claimTimestamp(Date.now() + clockOffsetMs),
  });
  const idToken = auth.IdToken;
  const accessToken = auth.AccessToken;
  if (!idToken || !accessToken) throw new Error('sign-in returned no tokens');
  return { idToken, accessToken };
}

function api(path: string, init: RequestInit & { token?: string } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.token !== undefined) headers.set('Authorization', init.token);
  if (init.body !== undefined) headers.set('Content-Type', 'application/json');
  return fetch(new URL(path.replace(/^\//, ''), cloud.url('apigateway')), { ...init, headers });
}

/** `POST /tasks` with `task` as its JSON body, as the user of `token`. */
function postTask(token: string, task: Record<string, unknown>): Promise<Response> {
  return api('/tasks', { method: 'POST', token, body: JSON.stringify(task) });
}

describe('the local cloud running the task tracker', () => {
  it('serves the health route without a token', async () => {
    const response = await api('/health');
    expect(response.status).toBe(200);
  });

  it('lets a user sign up, confirm, sign in, and create, list, read, edit and delete a task', async () => {
    const { idToken } = await newUser('alice');
    const created = await postTask(idToken, { title: 'Write the README' });
    expect(created.status).toBe(201);
    const task = (await created.json()) as { id: string; title: string; version: number };
    expect(task.title).toBe('Write the README');

    const list = (await (await api('/tasks', { token: idToken })).json()) as { items: Array<{ id: string }> };
    expect(list.items.map((t) => t.id)).toContain(task.id);

    const read = await api(`/tasks/${task.id}`, { token: idToken });
    expect(read.status).toBe(200);

    const edited = await api(`/tasks/${task.id}`, {
      method: 'PATCH',
      token: idToken,
      body: JSON.stringify({ version: task.version, status: 'done' }),
    });
    expect(edited.status).toBe(200);
    expect(((await edited.json()) as { status: string }).status).toBe('done');

    const stale = await api(`/tasks/${task.id}`, {
      method: 'PATCH',
      token: idToken,
      body: JSON.stringify({ version: task.version, title: 'x' }),
    });
    expect(stale.status).toBe(409);

    expect((await api(`/tasks/${task.id}`, { method: 'DELETE', token: idToken })).status).toBe(204);
    expect((await api(`/tasks/${task.id}`, { token: idToken })).status).toBe(404);
  });

  it("does not let user B read, edit or delete user A's task", async () => {
    const a = await newUser('owner');
    const b = await newUser('intruder');
    const created = await postTask(a.idToken, { title: 'Private' });
    const task = (await created.json()) as { id: string; version: number };

    expect((await api(`/tasks/${task.id}`, { token: b.idToken })).status).toBe(404);
    expect(
      (
        await api(`/tasks/${task.id}`, {
          method: 'PATCH',
          token: b.idToken,
          body: JSON.stringify({ version: task.version, title: 'Mine' }),
        })
      ).status,
    ).toBe(404);
    expect((await api(`/tasks/${task.id}`, { method: 'DELETE', token: b.idToken })).status).toBe(404);
    const listB = (await (await api('/tasks', { token: b.idToken })).json()) as { items: unknown[] };
    expect(listB.items).toEqual([]);
    expect((await api(`/tasks/${task.id}`, { token: a.idToken })).status).toBe(200);
  });

  it('rejects every authorized route with no token, a malformed token, a foreign key, an expired token or an access token', async () => {
    const { idToken, accessToken } = await newUser('tokens');
    clockOffsetMs = -2 * 60 * 60 * 1000;
    const expired = (await newUser('expired')).idToken;
    clockOffsetMs = 0;
    const badTokens: Record<string, string | undefined> = {
      none: undefined,
      malformed: 'not-a-jwt',
      'malformed three parts': 'aaa.bbb.ccc',
      'foreign key': resignWithForeignKey(idToken),
      expired,
      'access token': accessToken,
    };
    for (const route of ROUTES.filter((r) => r.authorized)) {
      const path = route.path.replace('{id}', 'some-id');
      for (const [kind, token] of Object.entries(badTokens)) {
        const body =
          route.method === 'POST' || route.method === 'PATCH'
            ? JSON.stringify({ title: 't', version: 1 })
            : undefined;
        const response = await api(path, {
          method: route.method,
          ...(token === undefined ? {} : { token }),
          ...(body ? { body } : {}),
        });
        expect({ route: route.id, kind, status: response.status }).toEqual({
          route: route.id,
          kind,
          status: 401,
        });
        expect(await response.json()).toEqual({ message: 'Unauthorized' });
        // The template's gateway responses add CORS, so the browser can read the 401.
        expect(response.headers.get('access-control-allow-origin')).toBe('*');
      }
    }
    expect((await api('/tasks', { token: idToken })).status).toBe(200);
    expect((await api('/tasks', { token: `Bearer ${idToken}` })).status).toBe(200);
  });

  it("validates request bodies against the API's models before the handler runs, with the template's gateway response", async () => {
    const { idToken } = await newUser('validation');
    for (const body of ['{"title": ""}', '{"title": "ok", "extra": 1}', 'not json', '{}']) {
      const response = await api('/tasks', { method: 'POST', token: idToken, body });
      expect({ body, status: response.status }).toEqual({ body, status: 400 });
      expect(response.headers.get('x-amzn-errortype')).toBe('BadRequestException');
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      const parsed = (await response.json()) as { error?: { message: string }; requestId?: string };
      expect(parsed.error?.message).toMatch(/^\[.+\]$/);
      expect(parsed.requestId).toBe(response.headers.get('x-amzn-requestid'));
    }
    const patch = await api('/tasks/some-id', {
      method: 'PATCH',
      token: idToken,
      body: JSON.stringify({ title: 'no version' }),
    });
    expect(patch.status).toBe(400);
    expect(((await patch.json()) as { error: { message: string } }).error.message).toBe(
      '[object has missing required properties (["version"])]',
    );
  });

  it("answers an oversized body with the API's 413 and a too-long field with its field details", async () => {
    const { idToken } = await newUser('sizes');
    const huge = await postTask(idToken, { title: 'big', notes: 'x'.repeat(17 * 1024) });
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');

    const long = await postTask(idToken, { title: 't'.repeat(201) });
    expect(long.status).toBe(400);
    const body = (await long.json()) as { error: { details: Array<{ field: string }> } };
    expect(body.error.details.map((detail) => detail.field)).toEqual(['title']);
  });

  it("answers the web app's CORS preflight for every route from the template", async () => {
    for (const route of ROUTES) {
      const response = await api(route.path.replace('{id}', 'some-id'), {
        method: 'OPTIONS',
        headers: {
          Origin: cloud.url('alb'),
          'Access-Control-Request-Method': route.method,
          'Access-Control-Request-Headers': `authorization,content-type,${IDEMPOTENCY_HEADER.toLowerCase()}`,
        },
      });
      expect({ route: route.id, status: response.status }).toEqual({ route: route.id, status: 204 });
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      expect(response.headers.get('access-control-allow-methods')?.split(',')).toContain(route.method);
      const allowed = response.headers.get('access-control-allow-headers')?.toLowerCase().split(',');
      expect(allowed).toEqual(
        expect.arrayContaining(['authorization', 'content-type', IDEMPOTENCY_HEADER.toLowerCase()]),
      );
    }
  });

  it("creates the template's table: keys, the status index and on-demand billing", async () => {
    const dynamodb = new DynamoDBClient({
      endpoint: cloud.url('dynamodb'),
      region: userPoolOf(cloud).region,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    try {
      const [name] = (await dynamodb.send(new ListTablesCommand({}))).TableNames ?? [];
      const table = (await dynamodb.send(new DescribeTableCommand({ TableName: name }))).Table;
      expect(table?.KeySchema).toEqual([
        { AttributeName: TABLE_SCHEMA.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE_SCHEMA.sortKey, KeyType: 'RANGE' },
      ]);
      expect(table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
      const index = table?.GlobalSecondaryIndexes?.find((i) => i.IndexName === TABLE_SCHEMA.statusIndex.name);
      expect(index?.KeySchema).toEqual([
        { AttributeName: TABLE_SCHEMA.statusIndex.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE_SCHEMA.statusIndex.sortKey, KeyType: 'RANGE' },
      ]);
    } finally {
      dynamodb.destroy();
    }
  });

  it("applies the template's password policy and e-mail sign-in", async () => {
    const ClientId = userPoolOf(cloud).clientId;
    const email = `weak-${Date.now()}@example.com`;
    const attributes = [{ Name: 'email', Value: email }];
    for (const weak of ['Aa1!aaa', 'alllowercase-9', 'ALLUPPERCASE-9', 'No-Digits-Here', 'NoSymbols99']) {
      await expect(
        cognito.send(
          new SignUpCommand({ ClientId, Username: email, Password: weak, UserAttributes: attributes }),
        ),
      ).rejects.toMatchObject({ name: 'InvalidPasswordException' });
    }
    await expect(
      cognito.send(
        new SignUpCommand({
          ClientId,
          Username: 'not-an-email',
          Password: PASSWORD,
          UserAttributes: attributes,
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });

  it('answers unknown paths like API Gateway', async () => {
    const response = await api('/nowhere');
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ message: 'Missing Authentication Token' });
  });

  it('runs the web container with the local API, pool and Cognito endpoint in its runtime config', async () => {
    const config = (await (await fetch(`${cloud.url('alb')}/config.json`)).json()) as Record<string, string>;
    expect(config).toMatchObject({
      apiUrl: cloud.url('apigateway'),
      userPoolId: userPoolOf(cloud).id,
      userPoolClientId: userPoolOf(cloud).clientId,
      cognitoEndpoint: cloud.url('cognito'),
      authFlow: 'USER_SRP_AUTH',
    });
  });

  it("lets the web app's page call the local Cognito, and refuses any other site's page", async () => {
    const preflight = (origin: string) =>
      fetch(cloud.url('cognito'), {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'x-amz-target',
        },
      });
    const web = new URL(cloud.url('alb')).origin;
    const own = await preflight(web);
    const foreign = await preflight('http://attacker.example');
    expect(own.headers.get('access-control-allow-origin')).toBe(web);
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('lists the resources it does not emulate instead of dropping them', () => {
    const types = new Set(cloud.notEmulated().map((r) => r.type));
    expect(types).toContain('AWS::EC2::VPC');
    expect(types).toContain('AWS::WAFv2::WebACL');
    const emulated = cloud.describe().flatMap((s) => s.resources.map((r) => r.type));
    expect(emulated).toEqual(
      expect.arrayContaining([
        'AWS::Lambda::Function',
        'AWS::ApiGateway::RestApi',
        'AWS::Cognito::UserPool',
        'AWS::CloudWatch::Alarm',
      ]),
    );
  });
});

describe('IAM enforced on the task tracker', () => {
  const iamOf = () => {
    const iam = cloud.service(iamService);
    if (!iam) throw new Error('The cloud runs no IAM.');
    return iam;
  };
  const alarmActions = () =>
    (cloud.service(cloudwatchService)?.alarmStates() ?? []).flatMap((alarm) =>
      alarm.actions.ALARM.map((topic) => ({ alarm: alarm.alarmName, topic })),
    );

  it('refuses none of its own calls: every route runs as its own role and passes', async () => {
    // Arrange
    const { idToken } = await newUser('iam');
    const created = await postTask(idToken, { title: 'IAM' });
    const task = (await created.json()) as { id: string; version: number };
    // Act
    const statuses = [
      created.status,
      (await api('/tasks?status=todo', { token: idToken })).status,
      (await api(`/tasks/${task.id}`, { token: idToken })).status,
      (
        await api(`/tasks/${task.id}`, {
          method: 'PATCH',
          token: idToken,
          body: JSON.stringify({ version: task.version, status: 'done' }),
        })
      ).status,
      (await api(`/tasks/${task.id}`, { method: 'DELETE', token: idToken })).status,
      (await api('/health')).status,
    ];
    // Assert
    expect(statuses).toEqual([201, 200, 200, 200, 204, 200]);
    expect(iamOf().deniedCalls()).toEqual([]);
    const sessions = iamOf().sessions();
    for (const route of ROUTES)
      expect(sessions).toContainEqual(
        expect.stringMatching(
          new RegExp(`^arn:aws:sts::000000000000:assumed-role/TaskTracker-dev-Api-${route.id}Role`),
        ),
      );
  });

  it('lets every alarm publish to its topic, through the topic policy and the key that encrypts it', () => {
    // Act
    const errors = alarmActions().flatMap(({ alarm, topic }) => iamOf().alarmActionError(alarm, topic) ?? []);
    // Assert
    expect(alarmActions().length).toBeGreaterThan(0);
    expect(errors).toEqual([]);
  });

  it("catches the alarm topic bug: a topic policy without CloudWatch's statement lets no alarm publish", () => {
    // Arrange: the same template, its topic policy without the statement for cloudwatch.amazonaws.com.
    const broken = structuredClone(cloud.assembly) as LocalAssembly;
    for (const stack of broken.stacks)
      for (const resource of Object.values(stack.template.Resources ?? {})) {
        if (resource.Type !== 'AWS::SNS::TopicPolicy') continue;
        const document = resource.Properties?.PolicyDocument as { Statement: Array<{ Principal?: unknown }> };
        document.Statement = document.Statement.filter(
          (statement) => JSON.stringify(statement.Principal) !== '{"Service":"cloudwatch.amazonaws.com"}',
        );
      }
    const iam = new LocalIam({ ids: physicalIdsOf(broken), mode: 'enforce', log: () => {} });
    const [first] = alarmActions();
    if (!first) throw new Error('The task tracker has no alarm action.');
    // Act
    const error = iam.alarmActionError(first.alarm, first.topic);
    // Assert
    expect(error).toBe(
      `Failed to execute action ${first.topic}. Received error: "Resource: arn:aws:cloudwatch:${cloud.assembly.region}:000000000000:alarm:${first.alarm} is not authorized to perform: SNS:Publish on resource: ${first.topic}"`,
    );
  });
});
