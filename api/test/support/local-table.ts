/**
 * A real DynamoDB-API stand-in for tests: dynalite on 127.0.0.1 (random port) with the tasks
 * table created from TABLE_SCHEMA. Records every DynamoDB operation it serves so tests can
 * assert that no Scan ever happens.
 */
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { tasksTableDefinition } from '../../src/store/table-schema.js';

// The SDK needs a region and some credentials even for a local endpoint.
process.env.AWS_REGION ??= 'us-east-1';
process.env.AWS_ACCESS_KEY_ID ??= 'local';
process.env.AWS_SECRET_ACCESS_KEY ??= 'local';

export interface LocalTable {
  readonly endpoint: string;
  readonly tableName: string;
  readonly documentClient: DynamoDBDocumentClient;
  /** DynamoDB operations served so far (`GetItem`, `Query`, …), in order. */
  readonly operations: string[];
  stop(): Promise<void>;
}

/** Creates the tasks table (keys, byStatus index, all attributes projected) on `client`. */
export async function createTasksTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await client.send(new CreateTableCommand(tasksTableDefinition(tableName)));
}

/** Starts dynalite on 127.0.0.1 and creates the tasks table in it. */
export async function startLocalTable(tableName = 'tasks-test'): Promise<LocalTable> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const operations: string[] = [];
  server.on('request', (request) => {
    const target = request.headers['x-amz-target'];
    if (typeof target === 'string') operations.push(target.split('.').at(-1) ?? target);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint });
  await createTasksTable(client, tableName);
  return {
    endpoint,
    tableName,
    documentClient: DynamoDBDocumentClient.from(client),
    operations,
    stop: async () => {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
