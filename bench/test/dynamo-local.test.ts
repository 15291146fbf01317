import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { type LocalTasksTable, startLocalTasksTable } from '@tasktracker/api/test-support/local-store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capacityOf, type RecordingProxy, startRecordingProxy, storeClient } from '../src/dynamo-local.js';

describe('capacityOf', () => {
  it('sums consumed capacity given as one object or a list', () => {
    expect(capacityOf({ ConsumedCapacity: { CapacityUnits: 0.5 } })).toBe(0.5);
    expect(capacityOf({ ConsumedCapacity: [{ CapacityUnits: 1 }, { CapacityUnits: 2 }] })).toBe(3);
    expect(capacityOf({})).toBe(0);
    expect(capacityOf(undefined)).toBe(0);
  });
});

describe('recording proxy in front of the local store', () => {
  let store: LocalTasksTable;
  let proxy: RecordingProxy;

  beforeAll(async () => {
    store = await startLocalTasksTable('tasks');
    proxy = await startRecordingProxy(store.endpoint);
  });

  afterAll(async () => {
    await proxy?.close();
    await store?.stop();
  });

  it('records the write and read units of calls that never asked for them', async () => {
    const client = storeClient(proxy.endpoint);
    try {
      const key = { pk: { S: 'USER#u1' }, sk: { S: 'TASK#t1' } };
      await client.send(new PutItemCommand({ TableName: 'tasks', Item: { ...key, title: { S: 'small' } } }));
      const got = await client.send(new GetItemCommand({ TableName: 'tasks', Key: key }));
      expect(got.Item?.title?.S).toBe('small');
      expect(proxy.take()).toEqual([
        { operation: 'PutItem', capacityUnits: 1, kind: 'write' },
        { operation: 'GetItem', capacityUnits: 0.5, kind: 'read' },
      ]);
      expect(proxy.take()).toEqual([]);
    } finally {
      client.destroy();
    }
  });
});
