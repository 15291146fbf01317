/**
 * Loads the API's handlers the way Lambda does — module init reads the environment — pointed
 * at a local table, and invokes them with REST proxy events.
 */

import { lambdaContext } from '@tasktracker/local/proxy-event';
import { startedAroundTests } from '@tasktracker/local/test-hooks';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { ApiHandler } from '../../src/http/handler.js';
import { LOCAL_STORE_AWS_ENV, type LocalTasksTable, startLocalTasksTable } from './local-store.js';

/** The API's handlers and the store instance they share. */
export async function loadApi(env: { tableName: string; endpoint: string }) {
  process.env.TABLE_NAME = env.tableName;
  process.env.AWS_ENDPOINT_URL_DYNAMODB = env.endpoint;
  Object.assign(process.env, LOCAL_STORE_AWS_ENV);
  process.env.POWERTOOLS_SERVICE_NAME ??= 'tasktracker-api';
  process.env.POWERTOOLS_METRICS_NAMESPACE ??= 'TaskTracker';
  process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  const [health, list, create, get, update, remove, runtime] = await Promise.all([
    import('../../src/handlers/health.js'),
    import('../../src/handlers/list-tasks.js'),
    import('../../src/handlers/create-task.js'),
    import('../../src/handlers/get-task.js'),
    import('../../src/handlers/update-task.js'),
    import('../../src/handlers/delete-task.js'),
    import('../../src/runtime/task-service.js'),
  ]);
  return {
    health: health.handler,
    list: list.handler,
    create: create.handler,
    get: get.handler,
    update: update.handler,
    remove: remove.handler,
    store: runtime.taskStore,
  };
}

/** The API's handlers, loaded against a table of the local store. */
export type LoadedApi = Awaited<ReturnType<typeof loadApi>>;

/** A test file's local table and the handlers loaded against it, readable once its tests run. */
export interface ApiOnTable {
  readonly table: LocalTasksTable;
  readonly api: LoadedApi;
}

/**
 * Before the file's tests, starts a local table named `tableName` and loads the handlers against
 * it; after them, stops the table.
 */
export function useApiOnTable(tableName: string): ApiOnTable {
  return startedAroundTests(
    `The local table ${tableName}`,
    async () => {
      const table = await startLocalTasksTable(tableName);
      return { table, api: await loadApi(table) };
    },
    ({ table }) => table.stop(),
    // vitest's own hook timeout, which these hooks had before.
    10_000,
  );
}

/** A handler's response with its JSON body parsed. */
export interface Reply {
  readonly status: number;
  readonly headers: Record<string, string>;
  // The body's shape depends on the route and outcome; each test narrows it by asserting.
  // biome-ignore lint/suspicious/noExplicitAny: parsed JSON of any route, asserted by the caller
  readonly body: any;
  readonly rawBody: string;
}

/** Invokes a handler as Lambda would and parses the JSON response. */
export async function invoke(handler: ApiHandler, event: APIGatewayProxyEvent): Promise<Reply> {
  const result = await handler(event, lambdaContext('tasktracker-test'));
  const headers = Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k, String(v)]));
  return {
    status: result.statusCode,
    headers,
    body: result.body ? JSON.parse(result.body) : undefined,
    rawBody: result.body,
  };
}
