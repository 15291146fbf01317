/**
 * The port the domain owns for keeping tasks: what TaskService needs from storage, in the
 * domain's terms. Adapters implement it (the DynamoDB store in `api/src/store/`, the in-memory
 * one the domain's unit tests use) and all pass one contract suite; the domain never imports
 * an adapter.
 */
import type { Task, TaskPage, TaskStatus } from '../contract/index.js';

/** What makes a create replayable: the task it created and a hash of the request. */
export interface IdempotencyRecord {
  readonly taskId: string;
  readonly requestHash: string;
  /** Epoch seconds after which the record no longer applies. */
  readonly expiresAt: number;
}

/** Fields of a task an update may change. */
export type TaskChanges = Partial<Pick<Task, 'title' | 'notes' | 'status' | 'dueDate' | 'tags'>>;

/** One page request of a user's tasks, newest first. */
export interface ListRequest {
  readonly status?: TaskStatus;
  readonly limit: number;
  /**
   * A `nextCursor` this listing returned. One from another user or another status filter, or
   * not a cursor at all, is refused with a ValidationError on `cursor`; an owner who rewrites
   * their own cursor can only move within their own filtered list.
   */
  readonly cursor?: string;
}

/** A new task's write: done, or refused because the id is taken (with the task holding it). */
export type CreateOutcome = { readonly created: true } | { readonly created: false; readonly existing: Task };

/** An idempotency key's claim: won, or lost to the unexpired record that holds the key. */
export type ClaimOutcome =
  | { readonly claimed: true }
  | { readonly claimed: false; readonly holder: IdempotencyRecord };

/** An optimistic update: applied, refused as stale (with the task as stored), or no such task. */
export type UpdateOutcome =
  | { readonly status: 'updated'; readonly task: Task }
  | { readonly status: 'stale'; readonly current: Task }
  | { readonly status: 'missing' };

/** A user's tasks and idempotency records. `owner` is always the caller's verified identity. */
export interface TaskRepository {
  /** One task of `owner`, or undefined. Eventually consistent unless `consistent` is set. */
  getTask(owner: string, id: string, consistent?: boolean): Promise<Task | undefined>;
  /** A page of `owner`'s tasks, newest first, optionally only one status. */
  listTasks(owner: string, request: ListRequest): Promise<TaskPage>;
  /** Writes a new task unless its id is taken. */
  createTask(owner: string, task: Task): Promise<CreateOutcome>;
  /**
   * Claims an idempotency key for a create. An expired record (`expiresAt < nowSeconds`) that
   * has not been swept yet is overwritten.
   */
  claimIdempotencyKey(
    owner: string,
    key: string,
    record: IdempotencyRecord,
    nowSeconds: number,
  ): Promise<ClaimOutcome>;
  /** Applies `changes` if the stored version is `expectedVersion`, setting it to the next version. */
  updateTask(
    owner: string,
    id: string,
    expectedVersion: number,
    changes: TaskChanges,
    updatedAt: string,
  ): Promise<UpdateOutcome>;
  /** Deletes one task of `owner`; false when it did not exist. */
  deleteTask(owner: string, id: string): Promise<boolean>;
}
