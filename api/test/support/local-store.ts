/**
 * The tasks table in the local cloud's DynamoDB store (dynalite, taught what DynamoDB answers),
 * on 127.0.0.1, for the API's tests and the benchmarks.
 */

import type { AddressInfo } from 'node:net';
import { createLocalStoreServer } from '@tasktracker/local/dynamodb-store';
import { connectDynamoDb, type DynamoDbClientConfig } from '../../src/store/dynamodb-client.js';
import { tasksTableDefinition } from '../../src/store/table-schema.js';

/** Region and static credentials for talking to the local store (it checks neither). */
export const LOCAL_STORE_AWS_ENV = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
} as const;

/** Client settings for the local store at `endpoint`, independent of this process's environment. */
export function localStoreClientConfig(endpoint: string): DynamoDbClientConfig {
  return {
    endpoint,
    region: LOCAL_STORE_AWS_ENV.AWS_REGION,
    credentials: {
      accessKeyId: LOCAL_STORE_AWS_ENV.AWS_ACCESS_KEY_ID,
      secretAccessKey: LOCAL_STORE_AWS_ENV.AWS_SECRET_ACCESS_KEY,
    },
  };
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
    const client = connectDynamoDb(localStoreClientConfig(endpoint));
    await client.send('CreateTable', tasksTableDefinition(tableName));
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, tableName, operations, stop };
}
