/**
 * The task tracker's use cases: validate input with the shared contract, apply the rules
 * (ownership, optimistic versions, idempotent creates) and call the store.
 */
import { createHash } from 'node:crypto';
import {
  CreateTaskInput,
  IDEMPOTENCY_HEADER,
  ListTasksQuery,
  type Task,
  type TaskPage,
  UpdateTaskInput,
} from '../contract/index.js';
import { ConflictError, IdempotencyKeyReusedError, NotFoundError, ValidationError } from './errors.js';
import { isTaskId, newTaskId } from './task-id.js';
import type { TaskRepository } from './task-repository.js';
import { parseWith } from './validation.js';

/** How long an idempotency key makes a create replayable. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

/** 1–255 visible ASCII characters, e.g. a UUID. */
const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7E]{1,255}$/;

/** The outcome of a create: the task, and whether an earlier identical request made it. */
export interface CreateResult {
  readonly task: Task;
  readonly replayed: boolean;
}

type NewTask = ReturnType<typeof CreateTaskInput.parse>;

/** Stable hash of a normalized create request, to tell a retry from a key reused for other input. */
function hashRequest(input: NewTask): string {
  const canonical = [input.title, input.notes, input.status, input.dueDate, input.tags];
  return createHash('sha256').update(JSON.stringify(canonical)).digest('base64url');
}

/** A user's tasks. `owner` is always the caller's verified identity (`sub`). */
export class TaskService {
  readonly #store: TaskRepository;
  readonly #now: () => Date;

  /**
   * @param store where tasks are kept
   * @param now clock, injectable so tests can pin time
   */
  constructor(store: TaskRepository, now: () => Date = () => new Date()) {
    this.#store = store;
    this.#now = now;
  }

  /** A page of the owner's tasks, newest first; `query` is the raw query string map. */
  async list(owner: string, query: unknown): Promise<TaskPage> {
    const { status, limit, cursor } = parseWith(ListTasksQuery, query, 'query');
    return this.#store.listTasks(owner, { status, limit, cursor });
  }

  /** One of the owner's tasks. Eventually consistent: a just-written change may lag briefly. */
  async get(owner: string, id: string): Promise<Task> {
    const task = isTaskId(id) ? await this.#store.getTask(owner, id) : undefined;
    if (!task) throw new NotFoundError(id);
    return task;
  }

  /**
   * Creates a task. With an idempotency key, a retry of the same request returns the task the
   * first one created (`replayed`), and the same key with a different body is rejected.
   */
  async create(owner: string, body: unknown, idempotencyKey?: string): Promise<CreateResult> {
    const input = parseWith(CreateTaskInput, body, 'body');
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY_PATTERN.test(idempotencyKey)) {
      throw ValidationError.field(IDEMPOTENCY_HEADER, 'must be 1-255 visible ASCII characters');
    }
    const now = this.#now();
    const task = this.#newTask(newTaskId(now.getTime()), input, now);
    if (idempotencyKey === undefined) {
      const outcome = await this.#store.createTask(owner, task);
      if (!outcome.created) throw new Error(`task id collision on ${task.id}`);
      return { task, replayed: false };
    }

    const requestHash = hashRequest(input);
    const nowSeconds = Math.floor(now.getTime() / 1000);
    const record = { taskId: task.id, requestHash, expiresAt: nowSeconds + IDEMPOTENCY_TTL_SECONDS };
    const claim = await this.#store.claimIdempotencyKey(owner, idempotencyKey, record, nowSeconds);
    if (claim.claimed) return this.#createRecorded(owner, task, false);

    // The lost claim carries the record that holds the key: no second read to tell a retry.
    if (claim.holder.requestHash !== requestHash) throw new IdempotencyKeyReusedError();
    const created = await this.#store.getTask(owner, claim.holder.taskId, true);
    if (created) return { task: created, replayed: true };
    // The first request stopped between its two writes: finish it with the recorded id.
    return this.#createRecorded(owner, this.#newTask(claim.holder.taskId, input, now), true);
  }

  /** Applies a change if the caller's `version` is current; otherwise 409 with the stored task. */
  async update(owner: string, id: string, body: unknown): Promise<Task> {
    const { version, ...changes } = parseWith(UpdateTaskInput, body, 'body');
    if (!isTaskId(id)) throw new NotFoundError(id);
    const outcome = await this.#store.updateTask(owner, id, version, changes, this.#now().toISOString());
    if (outcome.status === 'updated') return outcome.task;
    if (outcome.status === 'stale') throw new ConflictError(outcome.current);
    throw new NotFoundError(id);
  }

  /** Deletes one of the owner's tasks. */
  async delete(owner: string, id: string): Promise<void> {
    if (!isTaskId(id) || !(await this.#store.deleteTask(owner, id))) throw new NotFoundError(id);
  }

  #newTask(id: string, input: NewTask, now: Date): Task {
    const at = now.toISOString();
    return { id, ...input, createdAt: at, updatedAt: at, version: 1 };
  }

  /** Writes a task whose idempotency record is in place; a concurrent retry may have written it. */
  async #createRecorded(owner: string, task: Task, replayed: boolean): Promise<CreateResult> {
    const outcome = await this.#store.createTask(owner, task);
    return outcome.created ? { task, replayed } : { task: outcome.existing, replayed: true };
  }
}
