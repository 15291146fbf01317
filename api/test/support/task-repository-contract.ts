/**
 * The one behaviour suite every TaskRepository adapter passes: pagination, cursors, conditions,
 * idempotency claims, and — for adapters backed by DynamoDB — consumed capacity and the
 * DynamoDB operations each call makes. Each test uses its own owner, so none depends on another.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TASK_LIMITS, type Task, type TaskStatus } from '../../src/contract/index.js';
import { ValidationError } from '../../src/domain/errors.js';
import { newTaskId } from '../../src/domain/task-id.js';
import type { TaskRepository } from '../../src/domain/task-repository.js';
import { CAPACITY_BUDGET } from '../../src/store/capacity.js';
import type { CapacityRecord } from '../../src/store/task-store.js';

/** What the suite needs of DynamoDB-backed adapters beyond the port. */
export interface DynamoDbProbe {
  /** Calls `listener` with the capacity of every later DynamoDB call; returns an unsubscribe. */
  watchCapacity(listener: (record: CapacityRecord) => void): () => void;
  /** DynamoDB operations the store has served so far (`GetItem`, `Query`, …), in order. */
  readonly operations: readonly string[];
}

export interface RepositoryFixture {
  readonly repository: TaskRepository;
  /** Present for adapters backed by DynamoDB. */
  readonly dynamodb?: DynamoDbProbe;
  close(): Promise<void>;
}

/** A fresh owner id per test: no test sees another's tasks. */
const newOwner = (): string => `user-${randomUUID()}`;

/** A task as the domain creates it, created now unless `overrides` says otherwise. */
export function sampleTask(overrides: Partial<Task> = {}): Task {
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

/**
 * Registers the contract suite for one adapter.
 * @param adapter name shown in the test titles
 * @param options.dynamodb whether the adapter is backed by DynamoDB (adds the capacity and
 *   operation tests; the fixture must then provide `dynamodb`)
 */
export function describeTaskRepositoryContract(
  adapter: string,
  connect: () => Promise<RepositoryFixture>,
  options: { readonly dynamodb: boolean },
): void {
  describe(`TaskRepository contract: ${adapter}`, () => {
    let fixture: RepositoryFixture;
    let repo: TaskRepository;

    beforeAll(async () => {
      fixture = await connect();
      repo = fixture.repository;
    });

    afterAll(async () => {
      await fixture?.close();
    });

    async function createTasks(
      owner: string,
      count: number,
      statusOf: (i: number) => TaskStatus = () => 'todo',
      fields: Partial<Task> = {},
    ) {
      const ids: string[] = [];
      for (let i = 0; i < count; i += 1) {
        const task = sampleTask({ title: `Task ${i}`, status: statusOf(i), ...fields });
        expect(await repo.createTask(owner, task)).toEqual({ created: true });
        ids.push(task.id);
      }
      return ids;
    }

    async function allPages(owner: string, limit: number, status?: TaskStatus) {
      const pages: Task[][] = [];
      let cursor: string | undefined;
      do {
        const page = await repo.listTasks(owner, { limit, status, cursor });
        pages.push(page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined);
      return pages;
    }

    describe('listing', () => {
      it('pages 45 tasks newest first as 20, 20 and 5 with no duplicates', async () => {
        // Arrange
        const owner = newOwner();
        const ids = await createTasks(owner, 45);
        // Act
        const pages = await allPages(owner, 20);
        // Assert
        expect(pages.map((page) => page.length)).toEqual([20, 20, 5]);
        expect(pages.flat().map((task) => task.id)).toEqual([...ids].reverse());
      });

      it('returns no cursor on the last page when the tasks fill it exactly', async () => {
        // Arrange
        const owner = newOwner();
        await createTasks(owner, 40);
        // Act
        const pages = await allPages(owner, 20);
        // Assert
        expect(pages.map((page) => page.length)).toEqual([20, 20]);
      });

      it('returns an empty first page for a user without tasks', async () => {
        expect(await repo.listTasks(newOwner(), { limit: 20 })).toEqual({ items: [], nextCursor: null });
      });

      it('filters by status and pages within the filter', async () => {
        // Arrange
        const owner = newOwner();
        const ids = await createTasks(owner, 30, (i) => (i % 3 === 0 ? 'done' : 'todo'));
        // Act
        const done = await allPages(owner, 4, 'done');
        const todo = await allPages(owner, 100, 'todo');
        // Assert
        expect(done.map((page) => page.length)).toEqual([4, 4, 2]);
        expect(done.flat().map((task) => task.id)).toEqual(ids.filter((_, i) => i % 3 === 0).reverse());
        expect(todo.flat().map((task) => task.status)).toEqual(Array(20).fill('todo'));
      });

      it('refuses a cursor from another user or another filter, and strings that are not cursors', async () => {
        // Arrange
        const owner = newOwner();
        await createTasks(owner, 3, () => 'doing');
        const all = (await repo.listTasks(owner, { limit: 1 })).nextCursor ?? '';
        const doing = (await repo.listTasks(owner, { limit: 1, status: 'doing' })).nextCursor ?? '';
        const refused = [
          repo.listTasks(newOwner(), { limit: 1, cursor: all }),
          repo.listTasks(owner, { limit: 1, cursor: doing }),
          repo.listTasks(owner, { limit: 1, status: 'done', cursor: doing }),
          ...['not-a-cursor', `${all}x`, Buffer.from('{"v":1}').toString('base64url'), 'null'].map((cursor) =>
            repo.listTasks(owner, { limit: 1, cursor }),
          ),
        ];
        // Act / Assert
        for (const listing of refused) {
          await expect(listing).rejects.toThrow(ValidationError);
          await expect(listing).rejects.toMatchObject({ details: [{ field: 'cursor' }] });
        }
      });
    });

    describe('single tasks', () => {
      it('gets a task for its owner only', async () => {
        // Arrange
        const owner = newOwner();
        const task = sampleTask();
        await repo.createTask(owner, task);
        // Act / Assert
        expect(await repo.getTask(owner, task.id)).toEqual(task);
        expect(await repo.getTask(newOwner(), task.id)).toBeUndefined();
      });

      it('refuses to create over an existing id and answers with the task it keeps', async () => {
        // Arrange
        const owner = newOwner();
        const task = sampleTask();
        await repo.createTask(owner, task);
        // Act
        const outcome = await repo.createTask(owner, { ...task, title: 'Overwrite' });
        // Assert
        expect(outcome).toEqual({ created: false, existing: task });
        expect(await repo.getTask(owner, task.id, true)).toEqual(task);
      });

      it('updates at the expected version only, setting the next version and moving between statuses', async () => {
        // Arrange
        const owner = newOwner();
        const task = sampleTask({ status: 'todo' });
        await repo.createTask(owner, task);
        const later = '2026-12-24T10:00:00.000Z';
        // Act
        const outcome = await repo.updateTask(owner, task.id, 1, { status: 'doing', dueDate: null }, later);
        // Assert
        const updated = { ...task, status: 'doing', dueDate: null, updatedAt: later, version: 2 };
        expect(outcome).toEqual({ status: 'updated', task: updated });
        expect((await repo.listTasks(owner, { limit: 10, status: 'todo' })).items).toEqual([]);
        expect((await repo.listTasks(owner, { limit: 10, status: 'doing' })).items).toEqual([updated]);
      });

      it('answers a stale version with the task as stored, and changes nothing', async () => {
        // Arrange
        const owner = newOwner();
        const task = sampleTask();
        await repo.createTask(owner, task);
        // Act
        const outcome = await repo.updateTask(owner, task.id, 7, { title: 'Stale' }, task.updatedAt);
        // Assert
        expect(outcome).toEqual({ status: 'stale', current: task });
        expect(await repo.getTask(owner, task.id, true)).toEqual(task);
      });

      it("answers 'missing' for a task that does not exist or is another user's", async () => {
        // Arrange
        const owner = newOwner();
        const task = sampleTask();
        await repo.createTask(owner, task);
        // Act
        const outcomes = [
          await repo.updateTask(owner, newTaskId(), 1, { title: 'Nobody' }, task.updatedAt),
          await repo.updateTask(newOwner(), task.id, 1, { title: 'Not mine' }, task.updatedAt),
        ];
        // Assert
        expect(outcomes).toEqual([{ status: 'missing' }, { status: 'missing' }]);
        expect((await repo.getTask(owner, task.id, true))?.title).toBe(task.title);
      });

      it('keeps the largest version the contract allows exact', async () => {
        // Arrange
        const owner = newOwner();
        const task = sampleTask({ version: TASK_LIMITS.versionMax - 1 });
        await repo.createTask(owner, task);
        // Act
        const outcome = await repo.updateTask(owner, task.id, task.version, { notes: 'x' }, task.updatedAt);
        // Assert
        expect(outcome).toMatchObject({ status: 'updated', task: { version: TASK_LIMITS.versionMax } });
        expect((await repo.getTask(owner, task.id, true))?.version).toBe(TASK_LIMITS.versionMax);
      });

      it('deletes a task once, and only for its owner', async () => {
        // Arrange
        const owner = newOwner();
        const task = sampleTask();
        await repo.createTask(owner, task);
        // Act
        const byOther = await repo.deleteTask(newOwner(), task.id);
        const first = await repo.deleteTask(owner, task.id);
        const second = await repo.deleteTask(owner, task.id);
        // Assert
        expect([byOther, first, second]).toEqual([false, true, false]);
        expect(await repo.getTask(owner, task.id, true)).toBeUndefined();
      });
    });

    describe('idempotency keys', () => {
      const record = { taskId: newTaskId(), requestHash: 'h1', expiresAt: 2_000 };

      it('claims a key once, answering later claims with the record that holds it', async () => {
        // Arrange
        const owner = newOwner();
        // Act
        const first = await repo.claimIdempotencyKey(owner, 'key-1', record, 1_000);
        const second = await repo.claimIdempotencyKey(
          owner,
          'key-1',
          { ...record, requestHash: 'h2' },
          1_500,
        );
        // Assert
        expect(first).toEqual({ claimed: true });
        expect(second).toEqual({ claimed: false, holder: record });
      });

      it('keeps keys per user', async () => {
        // Arrange
        const owner = newOwner();
        await repo.claimIdempotencyKey(owner, 'shared', record, 1_000);
        // Act / Assert
        expect(await repo.claimIdempotencyKey(newOwner(), 'shared', record, 1_000)).toEqual({
          claimed: true,
        });
      });

      it('lets a new claim take a key whose record has expired', async () => {
        // Arrange
        const owner = newOwner();
        await repo.claimIdempotencyKey(owner, 'key-1', record, 1_000);
        const renewed = { ...record, requestHash: 'h3', expiresAt: 9_000 };
        // Act
        const claim = await repo.claimIdempotencyKey(owner, 'key-1', renewed, record.expiresAt + 1);
        // Assert
        expect(claim).toEqual({ claimed: true });
        expect(await repo.claimIdempotencyKey(owner, 'key-1', record, 3_000)).toEqual({
          claimed: false,
          holder: renewed,
        });
      });
    });

    if (!options.dynamodb) return;

    describe('DynamoDB capacity and operations', () => {
      /** The capacity records and DynamoDB operations of what `action` does. */
      async function observe(action: () => Promise<unknown>) {
        const probe = fixture.dynamodb as DynamoDbProbe;
        const records: CapacityRecord[] = [];
        const before = probe.operations.length;
        const stop = probe.watchCapacity((record) => records.push(record));
        try {
          await action();
        } finally {
          stop();
        }
        return { records, operations: probe.operations.slice(before) };
      }
      const units = (records: readonly CapacityRecord[]) =>
        records.reduce((sum, r) => sum + r.capacityUnits, 0);

      it('reads with one GetItem or one Query per call, never a Scan, within the read budgets', async () => {
        // Arrange: small tasks, as the page budget assumes (a title, the rest empty).
        const owner = newOwner();
        const small = { notes: '', tags: [], dueDate: null };
        const [id] = await createTasks(owner, 21, (i) => (i % 2 ? 'done' : 'todo'), small);
        // Act
        const get = await observe(() => repo.getTask(owner, id as string));
        const page = await observe(() => repo.listTasks(owner, { limit: 20 }));
        const statusPage = await observe(() => repo.listTasks(owner, { limit: 20, status: 'todo' }));
        // Assert
        expect([get, page, statusPage].map((o) => o.operations)).toEqual([['GetItem'], ['Query'], ['Query']]);
        expect(units(get.records)).toBeLessThanOrEqual(CAPACITY_BUDGET.getTask);
        expect(units(page.records)).toBeLessThanOrEqual(CAPACITY_BUDGET.listPage);
        expect(units(statusPage.records)).toBeLessThanOrEqual(CAPACITY_BUDGET.listPage);
        expect(statusPage.records[0]?.indexUnits.get('byStatus')).toBeGreaterThan(0);
      });

      it('writes a task, a claim, an update and a delete with one call of one write unit each', async () => {
        // Arrange
        const owner = newOwner();
        const task = sampleTask();
        const claim = { taskId: task.id, requestHash: 'h', expiresAt: 2_000 };
        // Act
        const writes = [
          await observe(() => repo.createTask(owner, task)),
          await observe(() => repo.claimIdempotencyKey(owner, 'k', claim, 1_000)),
          await observe(() => repo.updateTask(owner, task.id, 1, { status: 'done' }, task.updatedAt)),
          await observe(() => repo.deleteTask(owner, task.id)),
        ];
        // Assert
        expect(writes.map((w) => w.operations)).toEqual([
          ['PutItem'],
          ['PutItem'],
          ['UpdateItem'],
          ['DeleteItem'],
        ]);
        expect(writes.map((w) => units(w.records))).toEqual(Array(4).fill(CAPACITY_BUDGET.singleWrite));
      });

      it('answers a lost claim, a stale update and a taken id from the failed write alone, with no read', async () => {
        // Arrange
        const owner = newOwner();
        const task = sampleTask();
        await repo.createTask(owner, task);
        await repo.claimIdempotencyKey(
          owner,
          'k',
          { taskId: task.id, requestHash: 'h', expiresAt: 2_000 },
          1_000,
        );
        // Act
        const refused = [
          await observe(() =>
            repo.claimIdempotencyKey(owner, 'k', { taskId: 'x', requestHash: 'h2', expiresAt: 3_000 }, 1_000),
          ),
          await observe(() => repo.updateTask(owner, task.id, 9, { title: 'Stale' }, task.updatedAt)),
          await observe(() => repo.createTask(owner, task)),
        ];
        // Assert
        expect(refused.map((r) => r.operations)).toEqual([['PutItem'], ['UpdateItem'], ['PutItem']]);
      });
    });
  });
}
