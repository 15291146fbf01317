/**
 * The tasks table. The only module that knows item keys (built from TABLE_SCHEMA) and talks
 * to DynamoDB. Every read is a GetItem or a Query; every call asks for its consumed capacity
 * so tests and benchmarks can hold each operation to a budget.
 */
import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException, type ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Task, TaskPage, TaskStatus } from '../contract/index.js';
import { ValidationError } from '../domain/errors.js';
import { isTaskId } from '../domain/task-id.js';
import { TABLE_SCHEMA } from './table-schema.js';

/** The store operations whose capacity is reported. */
export type StoreOperation =
  | 'getTask'
  | 'listTasks'
  | 'createTask'
  | 'putIdempotencyRecord'
  | 'getIdempotencyRecord'
  | 'updateTask'
  | 'deleteTask';

/** Capacity one DynamoDB call consumed, as DynamoDB reported it. */
export interface CapacityRecord {
  readonly operation: StoreOperation;
  /** Total read or write capacity units, table and indexes together. */
  readonly capacityUnits: number;
  /** Units consumed on the base table. */
  readonly tableUnits: number;
  /** Units consumed per secondary index, by index name. */
  readonly indexUnits: Readonly<Record<string, number>>;
}

export interface TaskStoreOptions {
  /** Document client for the table's region and endpoint. */
  readonly client: DynamoDBDocumentClient;
  /** Physical table name. */
  readonly tableName: string;
}

/** Receives the capacity of every DynamoDB call the store makes. */
export type CapacityListener = (record: CapacityRecord) => void;

/** What makes a create replayable: the task it created and a hash of the request. */
export interface IdempotencyRecord {
  readonly taskId: string;
  readonly requestHash: string;
  /** Epoch seconds after which the record no longer applies (the table's TTL attribute). */
  readonly expiresAt: number;
}

/** Fields of a task an update may change. */
export type TaskChanges = Partial<Pick<Task, 'title' | 'notes' | 'status' | 'dueDate' | 'tags'>>;

/** One page request of a user's tasks, newest first. */
export interface ListRequest {
  readonly status?: TaskStatus;
  readonly limit: number;
  readonly cursor?: string;
}

const { partitionKey: PK, sortKey: SK, statusIndex, ttlAttribute } = TABLE_SCHEMA;
const TASK_PREFIX = 'TASK#';
const CURSOR_VERSION = 1;
const CHANGEABLE_FIELDS = ['title', 'notes', 'status', 'dueDate', 'tags'] as const;

const userKey = (owner: string): string => `USER#${owner}`;
const taskSortKey = (id: string): string => `${TASK_PREFIX}${id}`;
const statusKey = (owner: string, status: TaskStatus): string => `USER#${owner}#STATUS#${status}`;
const idempotencySortKey = (key: string): string => `IDEMPOTENCY#${key}`;

/** Binds a cursor to its owner without putting the owner's id in it. */
const ownerTag = (owner: string): string =>
  createHash('sha256').update(owner).digest('base64url').slice(0, 16);

interface CursorPayload {
  readonly v: number;
  readonly o: string;
  readonly s: TaskStatus | null;
  readonly k: string;
}

function taskKey(owner: string, id: string): Record<string, string> {
  return { [PK]: userKey(owner), [SK]: taskSortKey(id) };
}

function toTask(item: Record<string, unknown>): Task {
  return {
    id: item.id as string,
    title: item.title as string,
    notes: item.notes as string,
    status: item.status as TaskStatus,
    dueDate: (item.dueDate as string | null | undefined) ?? null,
    tags: (item.tags as string[] | undefined) ?? [],
    createdAt: item.createdAt as string,
    updatedAt: item.updatedAt as string,
    version: item.version as number,
  };
}

function isConditionFailure(error: unknown): boolean {
  return (
    error instanceof ConditionalCheckFailedException ||
    (error instanceof Error && error.name === 'ConditionalCheckFailedException')
  );
}

/** A user's tasks and idempotency records in the tasks table. */
export class TaskStore {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;
  readonly #listeners = new Set<CapacityListener>();
  #lastCapacity: CapacityRecord | undefined;

  constructor(options: TaskStoreOptions) {
    this.#client = options.client;
    this.#tableName = options.tableName;
  }

  /** Capacity of the most recent DynamoDB call that reported one. */
  get lastCapacity(): CapacityRecord | undefined {
    return this.#lastCapacity;
  }

  /** Calls `listener` with the capacity of every later DynamoDB call; returns an unsubscribe. */
  watchCapacity(listener: CapacityListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** One task of `owner`, or undefined. Eventually consistent unless `consistent` is set. */
  async getTask(owner: string, id: string, consistent = false): Promise<Task | undefined> {
    const out = await this.#client.send(
      new GetCommand({
        TableName: this.#tableName,
        Key: taskKey(owner, id),
        ConsistentRead: consistent,
        ReturnConsumedCapacity: 'INDEXES',
      }),
    );
    this.#record('getTask', out.ConsumedCapacity);
    return out.Item ? toTask(out.Item) : undefined;
  }

  /** A page of `owner`'s tasks, newest first, optionally only one status. */
  async listTasks(owner: string, request: ListRequest): Promise<TaskPage> {
    const status = request.status;
    const startId =
      request.cursor === undefined ? undefined : this.#decodeCursor(owner, status, request.cursor);
    const byStatus = status !== undefined;
    const out = await this.#client.send(
      new QueryCommand({
        TableName: this.#tableName,
        ...(byStatus
          ? {
              IndexName: statusIndex.name,
              KeyConditionExpression: '#pk = :pk',
              ExpressionAttributeNames: { '#pk': statusIndex.partitionKey },
              ExpressionAttributeValues: { ':pk': statusKey(owner, status) },
            }
          : {
              KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
              ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
              ExpressionAttributeValues: { ':pk': userKey(owner), ':prefix': TASK_PREFIX },
            }),
        ...(startId === undefined ? {} : { ExclusiveStartKey: this.#startKey(owner, status, startId) }),
        ScanIndexForward: false,
        // One extra item tells whether another page exists, so the last page has no cursor.
        Limit: request.limit + 1,
        ReturnConsumedCapacity: 'INDEXES',
      }),
    );
    this.#record('listTasks', out.ConsumedCapacity);
    const items = (out.Items ?? []).map(toTask);
    const page = items.slice(0, request.limit);
    const last = page.at(-1);
    const more = items.length > request.limit || out.LastEvaluatedKey !== undefined;
    return {
      items: page,
      nextCursor: more && last ? this.#encodeCursor(owner, status, last.id) : null,
    };
  }

  /** Writes a new task; false when a task with its id already exists. */
  async createTask(owner: string, task: Task): Promise<boolean> {
    try {
      const out = await this.#client.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: {
            ...taskKey(owner, task.id),
            [statusIndex.partitionKey]: statusKey(owner, task.status),
            [statusIndex.sortKey]: taskSortKey(task.id),
            ...task,
          },
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': PK },
          ReturnConsumedCapacity: 'INDEXES',
        }),
      );
      this.#record('createTask', out.ConsumedCapacity);
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /**
   * Claims an idempotency key for a create; false when an unexpired record already holds it.
   * An expired record the TTL sweeper has not removed yet is overwritten.
   */
  async putIdempotencyRecord(
    owner: string,
    key: string,
    record: IdempotencyRecord,
    nowSeconds: number,
  ): Promise<boolean> {
    try {
      const out = await this.#client.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: { [PK]: userKey(owner), [SK]: idempotencySortKey(key), ...record },
          ConditionExpression: 'attribute_not_exists(#pk) OR #ttl < :now',
          ExpressionAttributeNames: { '#pk': PK, '#ttl': ttlAttribute },
          ExpressionAttributeValues: { ':now': nowSeconds },
          ReturnConsumedCapacity: 'INDEXES',
        }),
      );
      this.#record('putIdempotencyRecord', out.ConsumedCapacity);
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** The record holding an idempotency key, read consistently right after a lost claim. */
  async getIdempotencyRecord(owner: string, key: string): Promise<IdempotencyRecord | undefined> {
    const out = await this.#client.send(
      new GetCommand({
        TableName: this.#tableName,
        Key: { [PK]: userKey(owner), [SK]: idempotencySortKey(key) },
        ConsistentRead: true,
        ReturnConsumedCapacity: 'INDEXES',
      }),
    );
    this.#record('getIdempotencyRecord', out.ConsumedCapacity);
    if (!out.Item) return undefined;
    return {
      taskId: out.Item.taskId as string,
      requestHash: out.Item.requestHash as string,
      expiresAt: out.Item[ttlAttribute] as number,
    };
  }

  /**
   * Applies `changes` if the stored version is `expectedVersion`, bumping the version.
   * Returns the updated task, or undefined when the task is missing or the version is stale.
   */
  async updateTask(
    owner: string,
    id: string,
    expectedVersion: number,
    changes: TaskChanges,
    updatedAt: string,
  ): Promise<Task | undefined> {
    const names: Record<string, string> = { '#pk': PK, '#version': 'version', '#updatedAt': 'updatedAt' };
    const values: Record<string, unknown> = {
      ':expected': expectedVersion,
      ':next': expectedVersion + 1,
      ':updatedAt': updatedAt,
    };
    const sets = ['#version = :next', '#updatedAt = :updatedAt'];
    for (const field of CHANGEABLE_FIELDS) {
      if (changes[field] === undefined) continue;
      names[`#${field}`] = field;
      values[`:${field}`] = changes[field];
      sets.push(`#${field} = :${field}`);
    }
    if (changes.status !== undefined) {
      names['#gsi1pk'] = statusIndex.partitionKey;
      values[':gsi1pk'] = statusKey(owner, changes.status);
      sets.push('#gsi1pk = :gsi1pk');
    }
    try {
      const out = await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: taskKey(owner, id),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: 'attribute_exists(#pk) AND #version = :expected',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
          ReturnConsumedCapacity: 'INDEXES',
        }),
      );
      this.#record('updateTask', out.ConsumedCapacity);
      return out.Attributes ? toTask(out.Attributes) : undefined;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  /** Deletes one task of `owner`; false when it did not exist. */
  async deleteTask(owner: string, id: string): Promise<boolean> {
    try {
      const out = await this.#client.send(
        new DeleteCommand({
          TableName: this.#tableName,
          Key: taskKey(owner, id),
          ConditionExpression: 'attribute_exists(#pk)',
          ExpressionAttributeNames: { '#pk': PK },
          ReturnConsumedCapacity: 'INDEXES',
        }),
      );
      this.#record('deleteTask', out.ConsumedCapacity);
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  #record(operation: StoreOperation, consumed: ConsumedCapacity | undefined): void {
    if (!consumed) return;
    const indexUnits: Record<string, number> = {};
    for (const [name, units] of Object.entries(consumed.GlobalSecondaryIndexes ?? {})) {
      indexUnits[name] = units.CapacityUnits ?? 0;
    }
    const record: CapacityRecord = {
      operation,
      capacityUnits: consumed.CapacityUnits ?? 0,
      tableUnits: consumed.Table?.CapacityUnits ?? consumed.CapacityUnits ?? 0,
      indexUnits,
    };
    this.#lastCapacity = record;
    for (const listener of this.#listeners) listener(record);
  }

  #startKey(owner: string, status: TaskStatus | undefined, id: string): Record<string, string> {
    const key = taskKey(owner, id);
    if (status === undefined) return key;
    return {
      ...key,
      [statusIndex.partitionKey]: statusKey(owner, status),
      [statusIndex.sortKey]: taskSortKey(id),
    };
  }

  #encodeCursor(owner: string, status: TaskStatus | undefined, lastId: string): string {
    const payload: CursorPayload = { v: CURSOR_VERSION, o: ownerTag(owner), s: status ?? null, k: lastId };
    return Buffer.from(JSON.stringify(payload)).toString('base64url');
  }

  /** The id a page starts after; a cursor from another user, status or a tampered one is a 400. */
  #decodeCursor(owner: string, status: TaskStatus | undefined, cursor: string): string {
    const invalid = ValidationError.field('cursor', 'is not a cursor returned by this listing');
    let payload: unknown;
    try {
      payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    } catch {
      throw invalid;
    }
    if (typeof payload !== 'object' || payload === null) throw invalid;
    const { v, o, s, k } = payload as Partial<CursorPayload>;
    const matches =
      v === CURSOR_VERSION &&
      o === ownerTag(owner) &&
      s === (status ?? null) &&
      typeof k === 'string' &&
      isTaskId(k) &&
      Buffer.from(cursor, 'base64url').toString('base64url') === cursor;
    if (!matches) throw invalid;
    return k;
  }
}
