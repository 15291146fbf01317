/**
 * The DynamoDB front: clients reach the store only through it; it records consumed capacity per
 * table and index as CloudWatch would, answers the caller's own ReturnConsumedCapacity, and lets
 * guards refuse a call with DynamoDB's error before the store sees it.
 */

import { CreateTableCommand, GetItemCommand, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { accessKeyOf, type DynamoDbCall } from '../src/services/dynamodb/front.js';
import { dynamodbService } from '../src/services/dynamodb/module.js';
import {
  BY_STATUS,
  dynamoDbClient,
  dynamoDbTotal,
  queryByStatus,
  startTableCloud,
  TABLE,
  useTableCloud,
} from './support/status-table.js';

const table = useTableCloud('AKIDLOCALTEST');
const seen: DynamoDbCall[] = [];

beforeAll(async () => {
  table.cloud.service(dynamodbService)?.addGuard((call) => {
    seen.push(call);
    if (call.accessKeyId === 'DENIED')
      return { status: 400, type: 'AccessDeniedException', message: `not for ${call.action}` };
    return undefined;
  });
  await table.client.send(
    new PutItemCommand({ TableName: TABLE, Item: { pk: { S: 'a' }, status: { S: 'todo' } } }),
  );
});

const sum = (metric: string, dimensions: Record<string, string>) =>
  dynamoDbTotal(table.cloud, metric, dimensions);

describe('the DynamoDB front', () => {
  it('records the read units of a GSI query under the table and under the index', async () => {
    // Arrange
    const before = sum('ConsumedReadCapacityUnits', BY_STATUS);
    // Act
    await table.client.send(queryByStatus('todo'));
    // Assert
    expect(sum('ConsumedReadCapacityUnits', BY_STATUS)).toBe(before + 0.5);
  });

  it('records write units per table', async () => {
    const before = sum('ConsumedWriteCapacityUnits', { TableName: TABLE });
    await table.client.send(new PutItemCommand({ TableName: TABLE, Item: { pk: { S: 'b' } } }));
    expect(sum('ConsumedWriteCapacityUnits', { TableName: TABLE })).toBe(before + 1);
  });

  it('answers the consumed capacity the caller asked for, not what the front asked', async () => {
    const none = await table.client.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'a' } } }));
    const total = await table.client.send(
      new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'a' } }, ReturnConsumedCapacity: 'TOTAL' }),
    );
    expect(none.ConsumedCapacity).toBeUndefined();
    expect(total.ConsumedCapacity).toEqual({ TableName: TABLE, CapacityUnits: 0.5 });
    expect(total.Item?.pk?.S).toBe('a');
  });

  it("answers a caller that asks for INDEXES with the store's answer, still recording its units", async () => {
    // Arrange
    const before = sum('ConsumedReadCapacityUnits', BY_STATUS);
    const query = queryByStatus('todo').input;

    // Act
    const answer = await table.client.send(new QueryCommand({ ...query, ReturnConsumedCapacity: 'INDEXES' }));

    // Assert
    expect(answer.Items?.map((item) => item.pk?.S)).toContain('a');
    expect(answer.ConsumedCapacity).toMatchObject({
      TableName: TABLE,
      GlobalSecondaryIndexes: { [BY_STATUS.GlobalSecondaryIndexName]: { CapacityUnits: 0.5 } },
    });
    expect(sum('ConsumedReadCapacityUnits', BY_STATUS)).toBe(before + 0.5);
  });

  it('shows guards the operation, IAM action, access key and table or index ARN', async () => {
    await table.client.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'a' } } }));
    expect(seen.at(-1)).toMatchObject({
      operation: 'GetItem',
      action: 'dynamodb:GetItem',
      accessKeyId: 'AKIDLOCALTEST',
      resources: [{ table: TABLE, arn: `arn:aws:dynamodb:eu-west-1:000000000000:table/${TABLE}` }],
    });
  });

  it("answers a guard's rejection with DynamoDB's error, before the store sees the call", async () => {
    const denied = dynamoDbClient(table.cloud, 'DENIED');
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
    const response = await fetch(table.cloud.url('dynamodb'), {
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
    const busy = await startTableCloud();
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
