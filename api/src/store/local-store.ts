/**
 * The local store: dynalite (the DynamoDB API, in memory or over LevelDB) on 127.0.0.1, as the
 * API's tests, the benchmarks and the local cloud run it. Not part of any handler bundle.
 *
 * dynalite 4.0.0 predates `ReturnValuesOnConditionCheckFailure` (DynamoDB, 2023): it drops the
 * parameter and answers a failed condition without the item. The store relies on that item (a
 * lost idempotency claim or a stale edit needs no second read), so this module teaches dynalite
 * the parameter as DynamoDB defines it: `ALL_OLD` puts the item as it was, if there was one, in
 * the ConditionalCheckFailedException body, read under the same item lock as the condition.
 */

import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { tasksTableDefinition } from './table-schema.js';
import { connectDynamoDb } from './task-store.js';

/** Region and static credentials for talking to the local store (it checks neither). */
export const LOCAL_STORE_AWS_ENV = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
} as const;

/** Client settings for the local store at `endpoint`, independent of this process's environment. */
export function localStoreClientConfig(endpoint: string) {
  return {
    endpoint,
    region: LOCAL_STORE_AWS_ENV.AWS_REGION,
    accessKeyId: LOCAL_STORE_AWS_ENV.AWS_ACCESS_KEY_ID,
    secretAccessKey: LOCAL_STORE_AWS_ENV.AWS_SECRET_ACCESS_KEY,
  };
}

/** The write operations whose condition failures can return the old item. */
const CONDITIONAL_WRITES = ['putItem', 'updateItem', 'deleteItem'] as const;

interface ConditionalError {
  body: Record<string, unknown>;
}
type CheckConditional = (
  data: Record<string, unknown>,
  existing: unknown,
) => ConditionalError | null | undefined;

let taught = false;

/** Teaches the loaded dynalite `ReturnValuesOnConditionCheckFailure` (idempotent). */
function teachReturnValuesOnConditionCheckFailure(): void {
  if (taught) return;
  const require = createRequire(import.meta.url);
  // Request validation keeps only the parameters an action declares; declare this one.
  for (const action of CONDITIONAL_WRITES) {
    const validation = require(`dynalite/validations/${action}`) as { types: Record<string, unknown> };
    validation.types.ReturnValuesOnConditionCheckFailure = { type: 'String', enum: ['ALL_OLD', 'NONE'] };
  }
  // Every conditional write calls db.checkConditional(request, existingItem) under the item's lock.
  const db = require('dynalite/db') as { checkConditional: CheckConditional };
  const check = db.checkConditional;
  db.checkConditional = (data, existing) => {
    const failure = check(data, existing);
    if (failure && existing && data.ReturnValuesOnConditionCheckFailure === 'ALL_OLD') {
      failure.body.Item = existing;
    }
    return failure;
  };
  taught = true;
}

export interface LocalStoreOptions {
  /** LevelDB folder for a persistent store; in memory when omitted. */
  readonly path?: string;
}

/** A dynalite server (not yet listening) that answers conditional writes as DynamoDB does. */
export function createLocalStoreServer(options: LocalStoreOptions = {}): Server {
  teachReturnValuesOnConditionCheckFailure();
  return dynalite({
    ...(options.path === undefined ? {} : { path: options.path }),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
}

/** The local store serving the tasks table, for tests and benchmarks. */
export interface LocalTasksTable {
  /** Base URL, e.g. `http://127.0.0.1:41234`: the function's `AWS_ENDPOINT_URL_DYNAMODB`. */
  readonly endpoint: string;
  readonly tableName: string;
  /** DynamoDB operations served so far (`GetItem`, `Query`, …), in order. */
  readonly operations: string[];
  stop(): Promise<void>;
}

/** Starts an in-memory local store on 127.0.0.1 (ephemeral port) with the tasks table in it. */
export async function startLocalTasksTable(tableName = 'tasks'): Promise<LocalTasksTable> {
  const server = createLocalStoreServer();
  const operations: string[] = [];
  server.on('request', (request) => {
    const target = request.headers['x-amz-target'];
    if (typeof target === 'string') operations.push(target.split('.').at(-1) ?? target);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const stop = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  try {
    const client = await connectDynamoDb(localStoreClientConfig(endpoint));
    await client.DynamoDB.CreateTable(tasksTableDefinition(tableName));
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, tableName, operations, stop };
}
