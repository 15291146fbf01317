import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Task } from '../src/contract/index.js';
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

/**
 * A loopback proxy to the local store that forwards every call but drops the connection instead of
 * answering the first call of `operation`: the write is done, its answer lost.
 */
async function losingFirstAnswerOf(operation: string, upstream: string) {
  let lost = false;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const answer = await fetch(upstream, {
        method: 'POST',
        headers: req.headers as Record<string, string>,
        body: Buffer.concat(chunks),
      });
      const text = await answer.text();
      if (!lost && req.headers['x-amz-target'] === `DynamoDB_20120810.${operation}`) {
        lost = true;
        req.socket.destroy();
        return;
      }
      res.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('TaskStore when an answer is lost and the call retried', () => {
  let table: LocalTasksTable;

  beforeAll(async () => {
    table = await startLocalTasksTable('tasks-lost-answers');
  });

  afterAll(async () => {
    await table?.stop();
  });

  /**
   * Carol's task in the table, and her edit of it sent through a proxy that loses the answer;
   * `beforeRetry` runs in the backoff, before the client sends it again.
   */
  async function carolsEditWithItsAnswerLost(
    title: string,
    beforeRetry: (direct: TaskStore, task: Task) => Promise<void>,
  ) {
    const task = sampleTask();
    const direct = await storeOnLocalTable(table);
    await direct.createTask('carol', task);
    const proxy = await losingFirstAnswerOf('UpdateItem', table.endpoint);
    const client = connectDynamoDb({
      ...localStoreClientConfig(proxy.endpoint),
      sleep: () => beforeRetry(direct, task),
    });
    const store = new TaskStore({ client, tableName: table.tableName });
    try {
      return {
        task,
        outcome: await store.updateTask(
          'carol',
          task.id,
          task.version,
          { title },
          '2030-01-01T00:00:00.000Z',
        ),
      };
    } finally {
      await proxy.close();
    }
  }

  it('reports an update whose retry finds its own write as updated, not as a conflict', async () => {
    // Act
    const { task, outcome } = await carolsEditWithItsAnswerLost('renamed', async () => undefined);
    // Assert
    expect(outcome).toMatchObject({
      status: 'updated',
      task: { title: 'renamed', version: task.version + 1 },
    });
  });

  it('still reports a conflict when the retry finds another writer’s change', async () => {
    // Arrange: after carol's write, and before her retry, someone else edits the task again.
    const theirs = (direct: TaskStore, task: Task) =>
      direct
        .updateTask('carol', task.id, task.version + 1, { title: 'theirs' }, '2030-01-02T00:00:00.000Z')
        .then(() => undefined);
    // Act
    const { task, outcome } = await carolsEditWithItsAnswerLost('mine', theirs);
    // Assert
    expect(outcome).toMatchObject({
      status: 'stale',
      current: { title: 'theirs', version: task.version + 2 },
    });
  });
});
