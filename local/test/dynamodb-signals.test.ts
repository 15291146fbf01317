/**
 * The DynamoDB signals CloudWatch alarms on: index write units the store does not report (worked
 * out from the table definition and the item before and after), and throttling injected as a
 * fault, answered as DynamoDB does and counted as throttle events; and the table made unavailable
 * as a fault, answered as DynamoDB does and reported in the log.
 */
import {
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { faultsService } from '../src/faults.js';
import { indexWriteUnits, type TableShape } from '../src/services/dynamodb/index-units.js';
import { BY_STATUS, dynamoDbTotal, queryByStatus, TABLE, useTableCloud } from './support/status-table.js';

// One retry, so a throttled call fails fast.
const table = useTableCloud('local', { maxAttempts: 2 });

const total = (metricName: string, dimensions: Record<string, string>) =>
  dynamoDbTotal(table.cloud, metricName, dimensions);

/** Runs a write and returns the index write units it added. */
async function indexUnitsOf(write: () => Promise<unknown>): Promise<number> {
  const before = total('ConsumedWriteCapacityUnits', BY_STATUS);
  await write();
  return total('ConsumedWriteCapacityUnits', BY_STATUS) - before;
}

const text = (kb: number) => ({ S: 'x'.repeat(kb * 1024 - 64) });

describe('index write units', () => {
  it('charges the index one unit per KB of an item put into it', async () => {
    const units = await indexUnitsOf(() =>
      table.client.send(
        new PutItemCommand({
          TableName: TABLE,
          Item: { pk: { S: 'a' }, status: { S: 'todo' }, notes: text(3) },
        }),
      ),
    );
    expect(units).toBe(3);
  });

  it('charges a delete and a put when an update moves the item to another index key', async () => {
    await table.client.send(
      new PutItemCommand({
        TableName: TABLE,
        Item: { pk: { S: 'b' }, status: { S: 'todo' }, notes: text(2) },
      }),
    );

    const units = await indexUnitsOf(() =>
      table.client.send(
        new UpdateItemCommand({
          TableName: TABLE,
          Key: { pk: { S: 'b' } },
          UpdateExpression: 'SET #s = :s',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':s': { S: 'done' } },
        }),
      ),
    );

    expect(units).toBe(4);
  });

  it('charges nothing for an item without the index key (a sparse index)', async () => {
    const units = await indexUnitsOf(() =>
      table.client.send(new PutItemCommand({ TableName: TABLE, Item: { pk: { S: 'c' }, notes: text(2) } })),
    );
    expect(units).toBe(0);
  });

  it('charges the removal of a deleted item from the index', async () => {
    await table.client.send(
      new PutItemCommand({ TableName: TABLE, Item: { pk: { S: 'd' }, status: { S: 'todo' } } }),
    );

    const units = await indexUnitsOf(() =>
      table.client.send(new DeleteItemCommand({ TableName: TABLE, Key: { pk: { S: 'd' } } })),
    );

    expect(units).toBe(1);
  });

  it('never charges an index less than the larger of the entries it puts or removes, in KB', () => {
    const shape: TableShape = {
      keys: ['pk'],
      indexes: [{ name: 'i', keys: ['k'], projection: 'ALL', include: [] }],
    };
    const item = fc.record({
      pk: fc.constant({ S: 'p' }),
      k: fc.string({ minLength: 1 }).map((S) => ({ S })),
      body: fc.string().map((S) => ({ S })),
    });
    fc.assert(
      fc.property(
        fc.option(item, { nil: undefined }),
        fc.option(item, { nil: undefined }),
        (before, after) => {
          const units = indexWriteUnits(shape, before, after).get('i') ?? 0;
          if (before === undefined && after === undefined) expect(units).toBe(0);
          else if (JSON.stringify(before) !== JSON.stringify(after)) expect(units).toBeGreaterThanOrEqual(1);
        },
      ),
    );
  });
});

describe('units by UTF-8 size', () => {
  it('charges a write one unit per KB of UTF-8, where the store counts characters', async () => {
    // Arrange: 1,500 three-byte characters are 4.5 KB, though only 1,500 characters.
    const before = total('ConsumedWriteCapacityUnits', { TableName: TABLE });

    // Act
    await table.client.send(
      new PutItemCommand({ TableName: TABLE, Item: { pk: { S: 'utf8' }, notes: { S: '€'.repeat(1500) } } }),
    );

    // Assert
    expect(total('ConsumedWriteCapacityUnits', { TableName: TABLE }) - before).toBe(5);
  });

  it('charges a query per 4 KB of the items it read, halved when eventually consistent', async () => {
    // Arrange: three items of about 4.5 KB each in the index, 13.5 KB together.
    for (const pk of ['q1', 'q2', 'q3'])
      await table.client.send(
        new PutItemCommand({
          TableName: TABLE,
          Item: { pk: { S: pk }, status: { S: 'utf8' }, notes: { S: '€'.repeat(1500) } },
        }),
      );
    const before = total('ConsumedReadCapacityUnits', BY_STATUS);

    // Act
    await table.client.send(queryByStatus('utf8'));

    // Assert: ceil(13.5 KB / 4 KB) = 4 blocks, halved.
    expect(total('ConsumedReadCapacityUnits', BY_STATUS) - before).toBe(2);
  });
});

describe('the dynamodb-throttle fault', () => {
  it("answers the table's reads with ProvisionedThroughputExceededException and counts the throttle events", async () => {
    // Arrange
    const faults = table.cloud.service(faultsService)?.registry;
    const fault = await faults?.inject({
      kind: 'dynamodb-throttle',
      target: TABLE,
      parameters: { operations: 'reads' },
    });
    const before = total('ReadThrottleEvents', BY_STATUS);
    const requests = total('ThrottledRequests', { Operation: 'Query', TableName: TABLE });

    try {
      // Act
      const query = table.client.send(queryByStatus('todo'));

      // Assert: the SDK retried once (maxAttempts 2), then gave up with DynamoDB's error.
      await expect(query).rejects.toMatchObject({ name: 'ProvisionedThroughputExceededException' });
      expect(total('ReadThrottleEvents', BY_STATUS)).toBe(before + 2);
      expect(total('ThrottledRequests', { Operation: 'Query', TableName: TABLE })).toBe(requests + 2);
      await expect(
        table.client.send(new PutItemCommand({ TableName: TABLE, Item: { pk: { S: 'w' } } })),
      ).resolves.toBeDefined();
    } finally {
      await faults?.clear(fault?.id);
    }
  });

  it('lets the calls through again once cleared', async () => {
    const faults = table.cloud.service(faultsService)?.registry;
    const fault = await faults?.inject({ kind: 'dynamodb-throttle', target: TABLE });
    await faults?.clear(fault?.id);

    const read = await table.client.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'a' } } }));

    expect(read.Item?.pk?.S).toBe('a');
  });
});

describe('the dynamodb-unavailable fault', () => {
  it('answers every call on the table with 500 InternalServerError, lets none reach the store, and logs the outage', async () => {
    // Arrange
    const faults = table.cloud.service(faultsService)?.registry;
    const fault = await faults?.inject({ kind: 'dynamodb-unavailable', target: TABLE });
    const item = { pk: { S: 'during-outage' } };
    // Act
    const put = table.client.send(new PutItemCommand({ TableName: TABLE, Item: item }));
    const refused = await put.catch((error: Error & { $metadata?: { httpStatusCode?: number } }) => error);
    await faults?.clear(fault?.id);
    const stored = await table.client.send(
      new GetItemCommand({ TableName: TABLE, Key: item, ConsistentRead: true }),
    );
    // Assert: the SDK retried once (maxAttempts 2), then gave up with DynamoDB's error.
    expect(refused).toMatchObject({ name: 'InternalServerError', $metadata: { httpStatusCode: 500 } });
    expect(stored.Item).toBeUndefined();
    expect(table.logged).toEqual(
      expect.arrayContaining([
        `[DynamoDB] table ${TABLE} is unavailable (fault ${fault?.id}): every call answers 500 InternalServerError until the fault is cleared`,
        `[DynamoDB] table ${TABLE} is available again; it refused 2 calls while unavailable (fault ${fault?.id})`,
      ]),
    );
  });
});
