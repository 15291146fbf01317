/**
 * The tasks table: the DynamoDB adapter of the domain's TaskRepository, and the only module that
 * knows item keys (built from TABLE_SCHEMA). Every read is a GetItem or a Query; every call asks
 * for its consumed capacity so tests and benchmarks can hold each operation to a budget.
 *
 * It talks to DynamoDB through its own small client (`dynamodb-client.ts`: the JSON protocol,
 * SigV4 with the function's own credentials, the AWS SDK's retries), and writes and reads items
 * in DynamoDB JSON (`attribute-value.ts`).
 */
import type { Task, TaskPage, TaskStatus } from '../contract/index.js';
import { decodeCursor, encodeCursor } from '../domain/cursor.js';
import type {
  ClaimOutcome,
  CreateOutcome,
  IdempotencyRecord,
  ListRequest,
  TaskChanges,
  TaskRepository,
  UpdateOutcome,
} from '../domain/task-repository.js';
import { type AttributeMap, marshall, unmarshall } from './attribute-value.js';
import { type DynamoDbClient, DynamoDbError } from './dynamodb-client.js';
import { TABLE_SCHEMA } from './table-schema.js';

/** The store operations whose capacity is reported. */
export type StoreOperation =
  | 'getTask'
  | 'listTasks'
  | 'createTask'
  | 'claimIdempotencyKey'
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
  readonly indexUnits: ReadonlyMap<string, number>;
}

/** Receives the capacity of every DynamoDB call the store makes. */
export type CapacityListener = (record: CapacityRecord) => void;

export interface TaskStoreOptions {
  /** Client for the table's region and endpoint. */
  readonly client: DynamoDbClient;
  /** Physical table name. */
  readonly tableName: string;
}

/** DynamoDB's ConsumedCapacity, as far as the store reads it. */
interface ConsumedCapacity {
  readonly CapacityUnits?: number;
  readonly Table?: { readonly CapacityUnits?: number };
  readonly GlobalSecondaryIndexes?: Record<string, { readonly CapacityUnits?: number }>;
}

/** What the store reads of a DynamoDB answer (items in DynamoDB JSON). */
interface Answer {
  readonly Item?: Record<string, unknown>;
  readonly Items?: Record<string, unknown>[];
  readonly Attributes?: Record<string, unknown>;
  readonly LastEvaluatedKey?: unknown;
  readonly ConsumedCapacity?: ConsumedCapacity;
}

const { partitionKey: PK, sortKey: SK, statusIndex, ttlAttribute } = TABLE_SCHEMA;
const TASK_PREFIX = 'TASK#';
const CHANGEABLE_FIELDS = ['title', 'notes', 'status', 'dueDate', 'tags'] as const;

const userKey = (owner: string): string => `USER#${owner}`;
const taskSortKey = (id: string): string => `${TASK_PREFIX}${id}`;
const statusKey = (owner: string, status: TaskStatus): string => `USER#${owner}#STATUS#${status}`;
const idempotencySortKey = (key: string): string => `IDEMPOTENCY#${key}`;

function taskKey(owner: string, id: string): Record<string, string> {
  return { [PK]: userKey(owner), [SK]: taskSortKey(id) };
}

function toTask(stored: Record<string, unknown>): Task {
  const item = unmarshall(stored);
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

function toIdempotencyRecord(stored: Record<string, unknown>): IdempotencyRecord {
  const item = unmarshall(stored);
  return {
    taskId: item.taskId as string,
    requestHash: item.requestHash as string,
    expiresAt: item[ttlAttribute] as number,
  };
}

/** Whether `stored` is exactly what the update of `expectedVersion` with `changes` at `updatedAt` writes. */
function isWriteOf(stored: Task, expectedVersion: number, changes: TaskChanges, updatedAt: string): boolean {
  if (stored.version !== expectedVersion + 1 || stored.updatedAt !== updatedAt) return false;
  return CHANGEABLE_FIELDS.every(
    (field) =>
      changes[field] === undefined || JSON.stringify(stored[field]) === JSON.stringify(changes[field]),
  );
}

/**
 * The failed condition's item, when `error` is a ConditionalCheckFailedException: `{ item }` with
 * the item as stored, in DynamoDB JSON (asked for with ReturnValuesOnConditionCheckFailure:
 * ALL_OLD), or with no item when none existed. Undefined for any other error.
 */
function conditionFailure(error: unknown): { item?: Record<string, unknown> } | undefined {
  if (!(error instanceof DynamoDbError) || error.name !== 'ConditionalCheckFailedException') return undefined;
  const item = error.body.Item;
  return typeof item === 'object' && item !== null ? { item: item as Record<string, unknown> } : {};
}

/** A user's tasks and idempotency records in the tasks table. */
export class TaskStore implements TaskRepository {
  readonly #client: DynamoDbClient;
  readonly #tableName: string;
  readonly #listeners = new Set<CapacityListener>();

  constructor(options: TaskStoreOptions) {
    this.#client = options.client;
    this.#tableName = options.tableName;
  }

  /** Calls `listener` with the capacity of every later DynamoDB call; returns an unsubscribe. */
  watchCapacity(listener: CapacityListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async getTask(owner: string, id: string, consistent = false): Promise<Task | undefined> {
    const out = (await this.#client.send('GetItem', {
      TableName: this.#tableName,
      Key: marshall(taskKey(owner, id)),
      ConsistentRead: consistent,
      ReturnConsumedCapacity: 'INDEXES',
    })) as Answer;
    this.#record('getTask', out.ConsumedCapacity);
    return out.Item ? toTask(out.Item) : undefined;
  }

  async listTasks(owner: string, request: ListRequest): Promise<TaskPage> {
    const status = request.status;
    const startId = request.cursor === undefined ? undefined : decodeCursor(owner, status, request.cursor);
    const byStatus = status !== undefined;
    const out = (await this.#client.send('Query', {
      TableName: this.#tableName,
      ...(byStatus
        ? {
            IndexName: statusIndex.name,
            KeyConditionExpression: '#pk = :pk',
            ExpressionAttributeNames: { '#pk': statusIndex.partitionKey },
            ExpressionAttributeValues: marshall({ ':pk': statusKey(owner, status) }),
          }
        : {
            KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
            ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
            ExpressionAttributeValues: marshall({ ':pk': userKey(owner), ':prefix': TASK_PREFIX }),
          }),
      ...(startId === undefined ? {} : { ExclusiveStartKey: this.#startKey(owner, status, startId) }),
      ScanIndexForward: false,
      // One extra item tells whether another page exists, so the last page has no cursor.
      Limit: request.limit + 1,
      ReturnConsumedCapacity: 'INDEXES',
    })) as Answer;
    this.#record('listTasks', out.ConsumedCapacity);
    const items = (out.Items ?? []).map(toTask);
    const page = items.slice(0, request.limit);
    const last = page.at(-1);
    const more = items.length > request.limit || out.LastEvaluatedKey !== undefined;
    return {
      items: page,
      nextCursor: more && last ? encodeCursor(owner, status, last.id) : null,
    };
  }

  async createTask(owner: string, task: Task): Promise<CreateOutcome> {
    const existing = await this.#putUnlessPresent('createTask', {
      Item: {
        ...taskKey(owner, task.id),
        [statusIndex.partitionKey]: statusKey(owner, task.status),
        [statusIndex.sortKey]: taskSortKey(task.id),
        ...task,
      },
      ConditionExpression: 'attribute_not_exists(#pk)',
      ExpressionAttributeNames: { '#pk': PK },
    });
    return existing ? { created: false, existing: toTask(existing) } : { created: true };
  }

  async claimIdempotencyKey(
    owner: string,
    key: string,
    record: IdempotencyRecord,
    nowSeconds: number,
  ): Promise<ClaimOutcome> {
    const holder = await this.#putUnlessPresent('claimIdempotencyKey', {
      Item: { [PK]: userKey(owner), [SK]: idempotencySortKey(key), ...record },
      ConditionExpression: 'attribute_not_exists(#pk) OR #ttl < :now',
      ExpressionAttributeNames: { '#pk': PK, '#ttl': ttlAttribute },
      ExpressionAttributeValues: { ':now': nowSeconds },
    });
    return holder ? { claimed: false, holder: toIdempotencyRecord(holder) } : { claimed: true };
  }

  /**
   * A conditional put: undefined when written, else the item whose presence failed the condition.
   * The failure answers with that item (ALL_OLD), so a lost race needs no second, consistent read.
   */
  async #putUnlessPresent(
    operation: StoreOperation,
    put: {
      readonly Item: Record<string, unknown>;
      readonly ConditionExpression: string;
      readonly ExpressionAttributeNames: Record<string, string>;
      readonly ExpressionAttributeValues?: Record<string, unknown>;
    },
  ): Promise<Record<string, unknown> | undefined> {
    try {
      const { Item, ExpressionAttributeValues, ...condition } = put;
      const out = (await this.#client.send('PutItem', {
        TableName: this.#tableName,
        Item: marshall(Item),
        ...condition,
        ...(ExpressionAttributeValues
          ? { ExpressionAttributeValues: marshall(ExpressionAttributeValues) }
          : {}),
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        ReturnConsumedCapacity: 'INDEXES',
      })) as Answer;
      this.#record(operation, out.ConsumedCapacity);
      return undefined;
    } catch (error) {
      const item = conditionFailure(error)?.item;
      if (item) return item;
      throw error;
    }
  }

  async updateTask(
    owner: string,
    id: string,
    expectedVersion: number,
    changes: TaskChanges,
    updatedAt: string,
  ): Promise<UpdateOutcome> {
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
      const out = (await this.#client.send('UpdateItem', {
        TableName: this.#tableName,
        Key: marshall(taskKey(owner, id)),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: 'attribute_exists(#pk) AND #version = :expected',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: marshall(values),
        ReturnValues: 'ALL_NEW',
        // A stale edit answers with the task as stored: the 409 needs no second read.
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        ReturnConsumedCapacity: 'INDEXES',
      })) as Answer;
      this.#record('updateTask', out.ConsumedCapacity);
      if (!out.Attributes) throw new Error(`UpdateItem on task ${id} returned no attributes`);
      return { status: 'updated', task: toTask(out.Attributes) };
    } catch (error) {
      const failure = conditionFailure(error);
      if (!failure) throw error;
      if (!failure.item) return { status: 'missing' };
      const current = toTask(failure.item);
      // A retry of an update whose answer was lost finds its own write: that is success, not a 409.
      const retried = error instanceof DynamoDbError && error.attempts > 1;
      if (retried && isWriteOf(current, expectedVersion, changes, updatedAt))
        return { status: 'updated', task: current };
      return { status: 'stale', current };
    }
  }

  async deleteTask(owner: string, id: string): Promise<boolean> {
    try {
      const out = (await this.#client.send('DeleteItem', {
        TableName: this.#tableName,
        Key: marshall(taskKey(owner, id)),
        ConditionExpression: 'attribute_exists(#pk)',
        ExpressionAttributeNames: { '#pk': PK },
        ReturnConsumedCapacity: 'INDEXES',
      })) as Answer;
      this.#record('deleteTask', out.ConsumedCapacity);
      return true;
    } catch (error) {
      if (conditionFailure(error)) return false;
      throw error;
    }
  }

  #record(operation: StoreOperation, consumed: ConsumedCapacity | undefined): void {
    if (!consumed) return;
    const indexUnits = new Map<string, number>();
    for (const [name, units] of Object.entries(consumed.GlobalSecondaryIndexes ?? {})) {
      indexUnits.set(name, units.CapacityUnits ?? 0);
    }
    const record: CapacityRecord = {
      operation,
      capacityUnits: consumed.CapacityUnits ?? 0,
      tableUnits: consumed.Table?.CapacityUnits ?? consumed.CapacityUnits ?? 0,
      indexUnits,
    };
    for (const listener of this.#listeners) listener(record);
  }

  /** The key a Query starts after, in DynamoDB JSON: the table's key, and the index's when it reads one. */
  #startKey(owner: string, status: TaskStatus | undefined, id: string): AttributeMap {
    const key = taskKey(owner, id);
    if (status === undefined) return marshall(key);
    return marshall({
      ...key,
      [statusIndex.partitionKey]: statusKey(owner, status),
      [statusIndex.sortKey]: taskSortKey(id),
    });
  }
}
