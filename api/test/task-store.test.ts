import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDynamoDb } from '../src/store/dynamodb-client.js';
import { TaskStore } from '../src/store/task-store.js';
import { type LocalTasksTable, localStoreClientConfig, startLocalTasksTable } from './support/local-store.js';
import { describeTaskRepositoryContract, sampleTask } from './support/task-repository-contract.js';

async function storeOnLocalTable(table: LocalTasksTable): Promise<TaskStore> {
  const client = connectDynamoDb(localStoreClientConfig(table.endpoint));
  return new TaskStore({ client, tableName: table.tableName });
}

describeTaskRepositoryContract(
  'DynamoDB store on the local store',
  async () => {
    const table = await startLocalTasksTable('tasks-contract');
    const store = await storeOnLocalTable(table);
    return {
      repository: store,
      dynamodb: { watchCapacity: (listener) => store.watchCapacity(listener), operations: table.operations },
      close: () => table.stop(),
    };
  },
  { dynamodb: true },
);

describe('TaskStore cursors', () => {
  let table: LocalTasksTable;
  let store: TaskStore;

  beforeAll(async () => {
    table = await startLocalTasksTable('tasks-cursors');
    store = await storeOnLocalTable(table);
  });

  afterAll(async () => {
    await table?.stop();
  });

  it("moves a cursor its owner rewrote only within the owner's own list", async () => {
    // Arrange: alice has three tasks, bob one that sorts after all of them.
    const alice = [sampleTask(), sampleTask(), sampleTask()];
    for (const task of alice) await store.createTask('alice', task);
    const bobs = sampleTask();
    await store.createTask('bob', bobs);
    const cursor = (await store.listTasks('alice', { limit: 1 })).nextCursor ?? '';
    const rewrite = (id: string) => {
      const payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
      return Buffer.from(JSON.stringify({ ...payload, k: id })).toString('base64url');
    };
    // Act
    const afterHerOldest = await store.listTasks('alice', { limit: 10, cursor: rewrite(alice[1]?.id ?? '') });
    const afterBobsTask = await store.listTasks('alice', { limit: 10, cursor: rewrite(bobs.id) });
    // Assert
    expect(afterHerOldest.items.map((t) => t.id)).toEqual([alice[0]?.id]);
    expect(afterBobsTask.items.map((t) => t.id)).toEqual(alice.map((t) => t.id).reverse());
  });
});
