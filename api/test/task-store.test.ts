import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Task, TaskStatus } from '../src/contract/index.js';
import { ValidationError } from '../src/domain/errors.js';
import { newTaskId } from '../src/domain/task-id.js';
import { LOCAL_STORE_AWS_ENV, type LocalTasksTable, startLocalTasksTable } from '../src/store/local-store.js';
import { type CapacityRecord, TaskStore } from '../src/store/task-store.js';

let table: LocalTasksTable;
let store: TaskStore;
const capacity: CapacityRecord[] = [];

beforeAll(async () => {
  table = await startLocalTasksTable();
  const client = new DynamoDBClient({
    endpoint: table.endpoint,
    region: LOCAL_STORE_AWS_ENV.AWS_REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  store = new TaskStore({ client: DynamoDBDocumentClient.from(client), tableName: table.tableName });
  store.watchCapacity((record) => capacity.push(record));
});

afterAll(async () => {
  await table?.stop();
});

function newTask(overrides: Partial<Task> = {}): Task {
  const at = new Date().toISOString();
  return {
    id: newTaskId(),
    title: 'Write the report',
    notes: 'Numbers from the benchmark, then the summary.',
    status: 'todo',
    dueDate: '2026-12-01',
    tags: ['work', 'writing'],
    createdAt: at,
    updatedAt: at,
    version: 1,
    ...overrides,
  };
}

async function createTasks(owner: string, count: number, statusOf: (i: number) => TaskStatus = () => 'todo') {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const task = newTask({ title: `Task ${i}`, status: statusOf(i) });
    expect(await store.createTask(owner, task)).toBe(true);
    ids.push(task.id);
  }
  return ids;
}

/** Capacity records of the DynamoDB calls `action` makes. */
async function capacityOf(action: () => Promise<unknown>): Promise<CapacityRecord[]> {
  const before = capacity.length;
  await action();
  return capacity.slice(before);
}

async function allPages(owner: string, limit: number, status?: TaskStatus) {
  const pages: Task[][] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listTasks(owner, { limit, status, cursor });
    pages.push(page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return pages;
}

describe('TaskStore listing', () => {
  it('pages 45 tasks newest first as 20, 20 and 5 with no duplicates, each page one small Query', async () => {
    const ids = await createTasks('user-pages', 45);
    const records = await capacityOf(async () => {
      const pages = await allPages('user-pages', 20);
      expect(pages.map((page) => page.length)).toEqual([20, 20, 5]);
      expect(pages.flat().map((task) => task.id)).toEqual([...ids].reverse());
    });
    expect(records.map((r) => r.operation)).toEqual(['listTasks', 'listTasks', 'listTasks']);
    // 21 items of ~300 bytes, eventually consistent: at most 2 × 4 KB × 0.5.
    for (const record of records) expect(record.capacityUnits).toBeLessThanOrEqual(1);
  });

  it('returns no cursor on the last page when the tasks fill it exactly', async () => {
    await createTasks('user-exact', 40);
    const pages = await allPages('user-exact', 20);
    expect(pages.map((page) => page.length)).toEqual([20, 20]);
  });

  it('returns an empty first page for a user without tasks', async () => {
    expect(await store.listTasks('user-nobody', { limit: 20 })).toEqual({ items: [], nextCursor: null });
  });

  it('filters by status through the byStatus index and pages within it', async () => {
    const ids = await createTasks('user-status', 30, (i) => (i % 3 === 0 ? 'done' : 'todo'));
    const doneIds = ids.filter((_, i) => i % 3 === 0).reverse();
    const records = await capacityOf(async () => {
      const pages = await allPages('user-status', 4, 'done');
      expect(pages.map((page) => page.length)).toEqual([4, 4, 2]);
      expect(pages.flat().map((task) => task.id)).toEqual(doneIds);
      expect(pages.flat().every((task) => task.status === 'done')).toBe(true);
    });
    for (const record of records) {
      expect(record.indexUnits.byStatus).toBeGreaterThan(0);
      expect(record.capacityUnits).toBeLessThanOrEqual(0.5);
    }
    const todo = await allPages('user-status', 100, 'todo');
    expect(todo.flat()).toHaveLength(20);
  });

  it('rejects a tampered cursor and cursors from another user or another status', async () => {
    await createTasks('user-cursor', 3, () => 'doing');
    const own = await store.listTasks('user-cursor', { limit: 1 });
    const ownDoing = await store.listTasks('user-cursor', { limit: 1, status: 'doing' });
    expect(own.nextCursor).toEqual(expect.any(String));
    const bad = [
      'not-a-cursor',
      Buffer.from('{"v":1}').toString('base64url'),
      `${own.nextCursor}x`,
      Buffer.from(JSON.stringify({ v: 1, o: 'x', s: null, k: 'TASK#1' })).toString('base64url'),
    ];
    for (const cursor of bad) {
      await expect(store.listTasks('user-cursor', { limit: 1, cursor })).rejects.toThrow(ValidationError);
    }
    const foreign = store.listTasks('user-other', { limit: 1, cursor: own.nextCursor ?? '' });
    await expect(foreign).rejects.toMatchObject({ details: [{ field: 'cursor' }] });
    const wrongStatus = store.listTasks('user-cursor', { limit: 1, cursor: ownDoing.nextCursor ?? '' });
    await expect(wrongStatus).rejects.toMatchObject({ details: [{ field: 'cursor' }] });
  });
});

describe('TaskStore single-item operations', () => {
  it('gets a task for its owner only, for half a read unit', async () => {
    const task = newTask();
    await store.createTask('user-a', task);
    const [record] = await capacityOf(async () =>
      expect(await store.getTask('user-a', task.id)).toEqual(task),
    );
    expect(record).toMatchObject({ operation: 'getTask', capacityUnits: 0.5 });
    expect(await store.getTask('user-b', task.id)).toBeUndefined();
  });

  it('creates a task for one write unit and refuses to overwrite an existing id', async () => {
    const task = newTask();
    const records = await capacityOf(async () => expect(await store.createTask('user-a', task)).toBe(true));
    expect(records).toEqual([expect.objectContaining({ operation: 'createTask', capacityUnits: 1 })]);
    expect(await store.createTask('user-a', { ...task, title: 'Overwrite' })).toBe(false);
    expect((await store.getTask('user-a', task.id))?.title).toBe(task.title);
  });

  it('claims an idempotency key once until it expires, for one write unit', async () => {
    const record = { taskId: newTaskId(), requestHash: 'h1', expiresAt: 2_000 };
    const records = await capacityOf(async () =>
      expect(await store.putIdempotencyRecord('user-a', 'key-1', record, 1_000)).toBe(true),
    );
    expect(records).toEqual([
      expect.objectContaining({ operation: 'putIdempotencyRecord', capacityUnits: 1 }),
    ]);
    expect(await store.putIdempotencyRecord('user-a', 'key-1', { ...record, requestHash: 'h2' }, 1_500)).toBe(
      false,
    );
    expect(await store.putIdempotencyRecord('user-b', 'key-1', record, 1_500)).toBe(true);
    expect(await store.getIdempotencyRecord('user-a', 'key-1')).toEqual(record);
    const renewed = { ...record, requestHash: 'h3', expiresAt: 9_000 };
    expect(await store.putIdempotencyRecord('user-a', 'key-1', renewed, 2_001)).toBe(true);
    expect(await store.getIdempotencyRecord('user-a', 'key-1')).toEqual(renewed);
  });

  it('updates only at the expected version, for one write unit, and moves the task between statuses', async () => {
    const task = newTask({ status: 'todo' });
    await store.createTask('user-upd', task);
    let updated: Task | undefined;
    const records = await capacityOf(async () => {
      updated = await store.updateTask(
        'user-upd',
        task.id,
        1,
        { status: 'doing', dueDate: null },
        task.updatedAt,
      );
    });
    expect(records).toEqual([expect.objectContaining({ operation: 'updateTask', capacityUnits: 1 })]);
    expect(updated).toEqual({ ...task, status: 'doing', dueDate: null, version: 2 });
    expect((await store.listTasks('user-upd', { limit: 10, status: 'todo' })).items).toEqual([]);
    expect((await store.listTasks('user-upd', { limit: 10, status: 'doing' })).items).toEqual([updated]);

    expect(
      await store.updateTask('user-upd', task.id, 1, { title: 'Stale' }, task.updatedAt),
    ).toBeUndefined();
    expect(
      await store.updateTask('user-other', task.id, 2, { title: 'Not mine' }, task.updatedAt),
    ).toBeUndefined();
    expect((await store.getTask('user-upd', task.id))?.title).toBe(task.title);
  });

  it('deletes a task once, for one write unit, and only its owner can', async () => {
    const task = newTask();
    await store.createTask('user-del', task);
    expect(await store.deleteTask('user-other', task.id)).toBe(false);
    const records = await capacityOf(async () =>
      expect(await store.deleteTask('user-del', task.id)).toBe(true),
    );
    expect(records).toEqual([expect.objectContaining({ operation: 'deleteTask', capacityUnits: 1 })]);
    expect(await store.deleteTask('user-del', task.id)).toBe(false);
    expect(await store.getTask('user-del', task.id)).toBeUndefined();
  });
});

describe('TaskStore table access', () => {
  it('never scans: every read was a GetItem or a Query', () => {
    expect(table.operations.length).toBeGreaterThan(100);
    expect(new Set(table.operations)).toEqual(
      new Set(['CreateTable', 'GetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem']),
    );
  });
});
