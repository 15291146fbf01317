/**
 * The DynamoDB front: clients reach the store only through it; it records consumed capacity per
 * table and index as CloudWatch would, answers the caller's own ReturnConsumedCapacity, and lets
 * guards refuse a call with DynamoDB's error before the store sees it.
 */

import {
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalAssembly } from '../src/assembly/index.js';
import { EMPTY_PROFILE, type LocalCloud, startLocalCloud } from '../src/index.js';
import { cloudwatchService } from '../src/services/cloudwatch/module.js';
import { accessKeyOf, type DynamoDbCall } from '../src/services/dynamodb/front.js';
import { dynamodbService } from '../src/services/dynamodb/module.js';
import { EPHEMERAL_PORTS } from './support/cloud.js';

const TABLE = 'tasks';
const assembly: LocalAssembly = {
  stageName: 'T-dev',
  directory: '/nowhere',
  region: 'eu-west-1',
  stacks: [
    {
      stackName: 'T-dev-Data',
      region: 'eu-west-1',
      fileAssets: new Map(),
      template: {
        Resources: {
          Table: {
            Type: 'AWS::DynamoDB::Table',
            Properties: {
              TableName: TABLE,
              BillingMode: 'PAY_PER_REQUEST',
              KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
              AttributeDefinitions: [
                { AttributeName: 'pk', AttributeType: 'S' },
                { AttributeName: 'status', AttributeType: 'S' },
              ],
              GlobalSecondaryIndexes: [
                {
                  IndexName: 'byStatus',
                  KeySchema: [{ AttributeName: 'status', KeyType: 'HASH' }],
                  Projection: { ProjectionType: 'ALL' },
                },
              ],
            },
          },
        },
      },
    },
  ],
};

let cloud: LocalCloud;
let client: DynamoDBClient;
const seen: DynamoDbCall[] = [];

beforeAll(async () => {
  cloud = await startLocalCloud({
    assembly,
    inMemory: true,
    ports: EPHEMERAL_PORTS,
    profile: EMPTY_PROFILE,
    log: () => {},
  });
  cloud.service(dynamodbService)?.addGuard((call) => {
    seen.push(call);
    if (call.accessKeyId === 'DENIED')
      return { status: 400, type: 'AccessDeniedException', message: `not for ${call.action}` };
    return undefined;
  });
  client = new DynamoDBClient({
    endpoint: cloud.url('dynamodb'),
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIDLOCALTEST', secretAccessKey: 'local' },
  });
  await client.send(
    new PutItemCommand({ TableName: TABLE, Item: { pk: { S: 'a' }, status: { S: 'todo' } } }),
  );
}, 30_000);

afterAll(async () => {
  client?.destroy();
  await cloud?.stop();
});

const sum = (metric: string, dimensions: Record<string, string>) =>
  cloud
    .service(cloudwatchService)
    ?.metrics.datapoints(
      `AWS/DynamoDB|${metric}|${Object.entries(dimensions)
        .map(([k, v]) => `${k}=${v}`)
        .join(',')}`,
      0,
      Date.now() + 1,
    )
    .reduce((a, b) => a + b, 0) ?? 0;

describe('the DynamoDB front', () => {
  it('records the read units of a GSI query under the table and under the index', async () => {
    // Arrange
    const before = sum('ConsumedReadCapacityUnits', {
      GlobalSecondaryIndexName: 'byStatus',
      TableName: TABLE,
    });
    // Act
    await client.send(
      new QueryCommand({
        TableName: TABLE,
        IndexName: 'byStatus',
        KeyConditionExpression: '#s = :s',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': { S: 'todo' } },
      }),
    );
    // Assert
    expect(sum('ConsumedReadCapacityUnits', { GlobalSecondaryIndexName: 'byStatus', TableName: TABLE })).toBe(
      before + 0.5,
    );
  });

  it('records write units per table', async () => {
    const before = sum('ConsumedWriteCapacityUnits', { TableName: TABLE });
    await client.send(new PutItemCommand({ TableName: TABLE, Item: { pk: { S: 'b' } } }));
    expect(sum('ConsumedWriteCapacityUnits', { TableName: TABLE })).toBe(before + 1);
  });

  it('answers the consumed capacity the caller asked for, not what the front asked', async () => {
    const none = await client.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'a' } } }));
    const total = await client.send(
      new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'a' } }, ReturnConsumedCapacity: 'TOTAL' }),
    );
    expect(none.ConsumedCapacity).toBeUndefined();
    expect(total.ConsumedCapacity).toEqual({ TableName: TABLE, CapacityUnits: 0.5 });
    expect(total.Item?.pk?.S).toBe('a');
  });

  it('shows guards the operation, IAM action, access key and table or index ARN', async () => {
    await client.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'a' } } }));
    expect(seen.at(-1)).toMatchObject({
      operation: 'GetItem',
      action: 'dynamodb:GetItem',
      accessKeyId: 'AKIDLOCALTEST',
      resources: [{ table: TABLE, arn: `arn:aws:dynamodb:eu-west-1:000000000000:table/${TABLE}` }],
    });
  });

  it("answers a guard's rejection with DynamoDB's error, before the store sees the call", async () => {
    const denied = new DynamoDBClient({
      endpoint: cloud.url('dynamodb'),
      region: 'eu-west-1',
      credentials: { accessKeyId: 'DENIED', secretAccessKey: 'local' },
    });
    try {
      await expect(
        denied.send(
          new CreateTableCommand({
            TableName: 'other',
            BillingMode: 'PAY_PER_REQUEST',
            KeySchema: [{ AttributeName: 'k', KeyType: 'HASH' }],
            AttributeDefinitions: [{ AttributeName: 'k', AttributeType: 'S' }],
          }),
        ),
      ).rejects.toMatchObject({ name: 'AccessDeniedException', message: 'not for dynamodb:CreateTable' });
    } finally {
      denied.destroy();
    }
  });

  it('answers an access denial on the wire as DynamoDB does (coral namespace, Message)', async () => {
    const response = await fetch(cloud.url('dynamodb'), {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDB_20120810.ListTables',
        'x-amz-date': '20261127T000000Z',
        authorization:
          'AWS4-HMAC-SHA256 Credential=DENIED/20261127/eu-west-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=0',
      },
      body: '{}',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      __type: 'com.amazon.coral.service#AccessDeniedException',
      Message: 'not for dynamodb:ListTables',
    });
  });

  it('reads the access key out of a SigV4 Authorization header', () => {
    expect(
      accessKeyOf(
        'AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/20261127/eu-west-1/dynamodb/aws4_request, SignedHeaders=host, Signature=abc',
      ),
    ).toBe('ASIAEXAMPLE');
    expect(accessKeyOf(undefined)).toBeUndefined();
  });
});

describe('stopping the local DynamoDB under load', () => {
  it('lets the store finish what it started: no operation reaches a closed database', async () => {
    // Arrange: a second cloud with queries in flight when it stops.
    const busy = await startLocalCloud({
      assembly,
      inMemory: true,
      ports: EPHEMERAL_PORTS,
      profile: EMPTY_PROFILE,
      log: () => {},
    });
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => uncaught.push(err);
    process.on('uncaughtException', onUncaught);
    try {
      const query = (i: number) =>
        fetch(busy.url('dynamodb'), {
          method: 'POST',
          headers: {
            'content-type': 'application/x-amz-json-1.0',
            'x-amz-target': 'DynamoDB_20120810.Query',
            'x-amz-date': '20261127T000000Z',
            authorization:
              'AWS4-HMAC-SHA256 Credential=AKIDLOCALTEST/20261127/eu-west-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=0',
          },
          body: JSON.stringify({
            TableName: TABLE,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': { S: `k${i}` } },
          }),
        }).then(
          (response) => response.body?.cancel(),
          // A connection the stop closes is an answer too; only a crash is a failure here.
          () => undefined,
        );
      const calls = Array.from({ length: 40 }, (_, i) => query(i));
      // Act
      await new Promise((resolve) => setTimeout(resolve, 5));
      await busy.stop();
      await Promise.all(calls);
      await new Promise((resolve) => setTimeout(resolve, 100));
      // Assert
      expect(uncaught).toEqual([]);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });
});
