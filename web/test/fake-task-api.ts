/**
 * An in-memory TaskApi for component tests: it keeps versions and answers a stale version with
 * ConflictError, so the UI logic sees the same outcomes the real API would produce.
 */
import type { CreateTaskInput, Task, TaskPage, TaskStatus, UpdateTaskInput } from '@tasktracker/api/contract';
import type { TaskApi } from '../src/api/client.js';
import { ApiError, ConflictError } from '../src/api/errors.js';
import type { AuthClient } from '../src/auth/auth.js';

export interface RecordedCall {
  readonly method: keyof TaskApi;
  readonly args: readonly unknown[];
}

export class FakeTaskApi implements TaskApi {
  readonly calls: RecordedCall[] = [];
  private tasks: Task[] = [];
  private seq = 0;

  /** Seeds tasks, newest first as the API lists them. */
  seed(count: number, overrides: (i: number) => Partial<Task> = () => ({})): Task[] {
    const created = Array.from({ length: count }, (_, i) =>
      this.make({ title: `Task ${i + 1}`, ...overrides(i) }),
    );
    this.tasks = [...created.reverse(), ...this.tasks];
    return created;
  }

  /** Changes a task behind the UI's back, as another tab would. */
  touch(id: string, change: Partial<Task>): Task {
    const task = this.find(id);
    const updated = { ...task, ...change, version: task.version + 1 };
    this.tasks = this.tasks.map((t) => (t.id === id ? updated : t));
    return updated;
  }

  private make(fields: Partial<Task>): Task {
    this.seq += 1;
    const at = new Date(Date.UTC(2026, 0, 1, 0, 0, this.seq)).toISOString();
    return {
      id: `t${this.seq}`,
      title: `Task ${this.seq}`,
      notes: '',
      status: 'todo',
      dueDate: null,
      tags: [],
      createdAt: at,
      updatedAt: at,
      version: 1,
      ...fields,
    };
  }

  private find(id: string): Task {
    const task = this.tasks.find((t) => t.id === id);
    if (!task) throw new ApiError(404, 'not_found', 'That task does not exist.');
    return task;
  }

  async list(query: { status?: TaskStatus; limit?: number; cursor?: string } = {}): Promise<TaskPage> {
    this.calls.push({ method: 'list', args: [query] });
    const matching = this.tasks.filter((t) => !query.status || t.status === query.status);
    const start = query.cursor ? Number(query.cursor) : 0;
    const limit = query.limit ?? 20;
    const items = matching.slice(start, start + limit);
    return { items, nextCursor: start + limit < matching.length ? String(start + limit) : null };
  }

  async create(input: CreateTaskInput, idempotencyKey?: string): Promise<Task> {
    this.calls.push({ method: 'create', args: [input, idempotencyKey] });
    const task = this.make({
      title: input.title,
      notes: input.notes ?? '',
      status: input.status ?? 'todo',
      dueDate: input.dueDate ?? null,
      tags: input.tags ?? [],
    });
    this.tasks = [task, ...this.tasks];
    return task;
  }

  async get(id: string): Promise<Task> {
    this.calls.push({ method: 'get', args: [id] });
    return this.find(id);
  }

  async update(id: string, input: UpdateTaskInput): Promise<Task> {
    this.calls.push({ method: 'update', args: [id, input] });
    const task = this.find(id);
    if (task.version !== input.version) {
      throw new ConflictError('This task has changed since you opened it.', task, { current: task });
    }
    const { version: _, ...fields } = input;
    const updated: Task = { ...task, ...fields, version: task.version + 1 } as Task;
    this.tasks = this.tasks.map((t) => (t.id === id ? updated : t));
    return updated;
  }

  async remove(id: string): Promise<void> {
    this.calls.push({ method: 'remove', args: [id] });
    this.find(id);
    this.tasks = this.tasks.filter((t) => t.id !== id);
  }

  titles(): string[] {
    return this.tasks.map((t) => t.title);
  }
}

/** An AuthClient that is always signed in; the task screens never call it. */
export const signedInAuth: AuthClient = {
  currentUser: async () => 'ada@example.com',
  signUp: async () => {},
  confirmSignUp: async () => {},
  resendCode: async () => {},
  signIn: async () => 'signed-in',
  signOut: async () => {},
  forgotPassword: async () => {},
  confirmForgotPassword: async () => {},
  idToken: async () => 'token',
};
