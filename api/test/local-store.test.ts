import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalTasksTable, startLocalTasksTable } from './support/local-store.js';

let table: LocalTasksTable;

beforeAll(async () => {
  table = await startLocalTasksTable('tasks-local-store');
});

afterAll(async () => {
  await table?.stop();
});

/** One DynamoDB JSON-protocol call; the local store requires a SigV4-shaped header but checks no signature. */
async function dynamo(operation: string, input: Record<string, unknown>) {
  const response = await fetch(table.endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `DynamoDB_20120810.${operation}`,
      'x-amz-date': '20260101T000000Z',
      authorization:
        'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: JSON.stringify({ TableName: table.tableName, ...input }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const stored = { pk: { S: 'USER#u' }, sk: { S: 'TASK#1' }, version: { N: '3' } };

describe('the local store answers a failed condition as DynamoDB does', () => {
  beforeAll(async () => {
    await dynamo('PutItem', { Item: stored });
  });

  it('returns the item as it was with ReturnValuesOnConditionCheckFailure ALL_OLD', async () => {
    // Act
    const reply = await dynamo('PutItem', {
      Item: { ...stored, version: { N: '4' } },
      ConditionExpression: 'attribute_not_exists(pk)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    // Assert
    expect(reply.status).toBe(400);
    expect(reply.body.__type).toMatch(/#ConditionalCheckFailedException$/);
    expect(reply.body.Item).toEqual(stored);
  });

  it('returns the old item of a failed update and of a failed delete', async () => {
    // Arrange
    const key = { pk: stored.pk, sk: stored.sk };
    // Act
    const update = await dynamo('UpdateItem', {
      Key: key,
      UpdateExpression: 'SET version = :next',
      ConditionExpression: 'version = :expected',
      ExpressionAttributeValues: { ':next': { N: '2' }, ':expected': { N: '1' } },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    const remove = await dynamo('DeleteItem', {
      Key: key,
      ConditionExpression: 'version = :expected',
      ExpressionAttributeValues: { ':expected': { N: '1' } },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    // Assert
    expect([update.body.Item, remove.body.Item]).toEqual([stored, stored]);
  });

  it('returns no item when the condition failed on an item that does not exist', async () => {
    // Act
    const reply = await dynamo('UpdateItem', {
      Key: { pk: { S: 'USER#u' }, sk: { S: 'TASK#missing' } },
      UpdateExpression: 'SET version = :next',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':next': { N: '2' } },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    // Assert
    expect(reply.body.__type).toMatch(/#ConditionalCheckFailedException$/);
    expect(reply.body).not.toHaveProperty('Item');
  });

  it('returns no item without the parameter, or with NONE', async () => {
    // Arrange
    const write = { Item: stored, ConditionExpression: 'attribute_not_exists(pk)' };
    // Act
    const replies = [
      await dynamo('PutItem', write),
      await dynamo('PutItem', { ...write, ReturnValuesOnConditionCheckFailure: 'NONE' }),
    ];
    // Assert
    for (const reply of replies) expect(reply.body).not.toHaveProperty('Item');
  });

  it('refuses a value DynamoDB does not define, with its validation error', async () => {
    // Act
    const reply = await dynamo('PutItem', { Item: stored, ReturnValuesOnConditionCheckFailure: 'ALL_NEW' });
    // Assert
    expect(reply.status).toBe(400);
    expect(reply.body.__type).toMatch(/#ValidationException$/);
    expect(String(reply.body.message)).toContain('returnValuesOnConditionCheckFailure');
  });
});
