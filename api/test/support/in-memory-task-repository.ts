/**
 * TaskRepository in memory: the fake the domain's unit tests run on. It passes the same contract
 * suite as the DynamoDB store (test/in-memory-task-repository.test.ts), so a domain test that
 * passes here describes what the deployed store does.
 */
import type { Task, TaskPage } from '../../src/contract/index.js';
import { decodeCursor, encodeCursor } from '../../src/domain/cursor.js';
import type {
  ClaimOutcome,
  CreateOutcome,
  IdempotencyRecord,
  ListRequest,
  TaskChanges,
  TaskRepository,
  UpdateOutcome,
} from '../../src/domain/task-repository.js';

export class InMemoryTaskRepository implements TaskRepository {
  /** Tasks by owner, then by id. */
  readonly #tasks = new Map<string, Map<string, Task>>();
  /** Idempotency records by owner, then by key. */
  readonly #records = new Map<string, Map<string, IdempotencyRecord>>();
  /** Every call, by method name, so a test can tell how many round trips a use case made. */
  readonly calls: string[] = [];

  async getTask(owner: string, id: string): Promise<Task | undefined> {
    this.calls.push('getTask');
    return this.#tasks.get(owner)?.get(id);
  }

  async listTasks(owner: string, request: ListRequest): Promise<TaskPage> {
    this.calls.push('listTasks');
    const { status } = request;
    const after = request.cursor === undefined ? undefined : decodeCursor(owner, status, request.cursor);
    const newestFirst = [...(this.#tasks.get(owner)?.values() ?? [])]
      .filter((task) => status === undefined || task.status === status)
      .sort((a, b) => (a.id < b.id ? 1 : -1))
      .filter((task) => after === undefined || task.id < after);
    const items = newestFirst.slice(0, request.limit);
    const last = items.at(-1);
    const more = newestFirst.length > request.limit && last !== undefined;
    return { items, nextCursor: more ? encodeCursor(owner, status, last.id) : null };
  }

  async createTask(owner: string, task: Task): Promise<CreateOutcome> {
    this.calls.push('createTask');
    const tasks = this.#ownerTasks(owner);
    const existing = tasks.get(task.id);
    if (existing) return { created: false, existing };
    tasks.set(task.id, task);
    return { created: true };
  }

  async claimIdempotencyKey(
    owner: string,
    key: string,
    record: IdempotencyRecord,
    nowSeconds: number,
  ): Promise<ClaimOutcome> {
    this.calls.push('claimIdempotencyKey');
    const records = this.#records.get(owner) ?? new Map<string, IdempotencyRecord>();
    this.#records.set(owner, records);
    const holder = records.get(key);
    if (holder && holder.expiresAt >= nowSeconds) return { claimed: false, holder };
    records.set(key, record);
    return { claimed: true };
  }

  async updateTask(
    owner: string,
    id: string,
    expectedVersion: number,
    changes: TaskChanges,
    updatedAt: string,
  ): Promise<UpdateOutcome> {
    this.calls.push('updateTask');
    const tasks = this.#ownerTasks(owner);
    const current = tasks.get(id);
    if (!current) return { status: 'missing' };
    if (current.version !== expectedVersion) return { status: 'stale', current };
    const defined = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
    const task: Task = { ...current, ...defined, updatedAt, version: expectedVersion + 1 };
    tasks.set(id, task);
    return { status: 'updated', task };
  }

  async deleteTask(owner: string, id: string): Promise<boolean> {
    this.calls.push('deleteTask');
    return this.#tasks.get(owner)?.delete(id) ?? false;
  }

  #ownerTasks(owner: string): Map<string, Task> {
    const tasks = this.#tasks.get(owner) ?? new Map<string, Task>();
    this.#tasks.set(owner, tasks);
    return tasks;
  }
}
