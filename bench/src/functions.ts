/**
 * The functions under test: the dev stage synthesized into a temporary folder, each
 * route's bundled asset, a local DynamoDB-API store with the tasks table, and a
 * capacity-recording proxy in front of it. Shared by the cold-start, bundle-size and
 * DynamoDB-cost measurements.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Task } from '@tasktracker/api/contract';
import { API_ENV } from '@tasktracker/api/env';
import { ROUTES } from '@tasktracker/api/routes';
import {
  LOCAL_STORE_AWS_ENV,
  type LocalTasksTable,
  startLocalTasksTable,
} from '@tasktracker/api/test-support/local-store';
import { lambdaContext } from '@tasktracker/local/proxy-event';
import { apiEvent, type BenchUser, createRequest, routeById } from './api-events.js';
import { type FunctionAsset, functionAssets, synthesizeDev } from './assembly.js';
import { type RecordingProxy, startRecordingProxy } from './dynamo-local.js';
import { type ApiHandler, loadInProcess } from './handler-host.js';
import { REPO_ROOT } from './run-command.js';

export const BENCH_TABLE = 'bench-tasks';
const SYNTH_PARENT = join(REPO_ROOT, 'bench/results');

export interface FunctionsFixture {
  readonly outdir: string;
  readonly assets: readonly FunctionAsset[];
  readonly store: LocalTasksTable;
  readonly proxy: RecordingProxy;
  /** The asset's environment pointed at `endpoint`; `quiet` silences logs and metrics output. */
  envFor(asset: FunctionAsset, endpoint: string, quiet: boolean): Record<string, string>;
  /** The route's handler loaded in this process, talking to the store through the proxy. */
  handler(routeId: string): Promise<ApiHandler>;
  close(): Promise<void>;
}

/**
 * Synthesizes the app (or reads an existing assembly) and starts the store; throws with a
 * one-line reason when synth fails.
 */
export async function prepareFunctions(existingAssembly?: string): Promise<FunctionsFixture> {
  // Inside the repository, so modules a bundle leaves external (the runtime's AWS SDK)
  // resolve from the workspace's node_modules as they would from the Lambda runtime.
  mkdirSync(SYNTH_PARENT, { recursive: true });
  const outdir = existingAssembly ?? mkdtempSync(join(SYNTH_PARENT, 'cdk.out-'));
  const removeOutdir = (): void => {
    if (existingAssembly === undefined) rmSync(outdir, { recursive: true, force: true });
  };
  let assets: FunctionAsset[];
  try {
    if (existingAssembly === undefined) await synthesizeDev(outdir);
    assets = functionAssets(outdir);
  } catch (err) {
    removeOutdir();
    throw err;
  }
  if (assets.length === 0) {
    removeOutdir();
    throw new Error('the synthesized dev stage has no route functions with bundled assets');
  }
  const store = await startLocalTasksTable(BENCH_TABLE);
  const proxy = await startRecordingProxy(store.endpoint);
  const handlers = new Map<string, ApiHandler>();
  const envFor = (asset: FunctionAsset, endpoint: string, quiet: boolean): Record<string, string> => ({
    ...asset.environment,
    ...LOCAL_STORE_AWS_ENV,
    [API_ENV.tableName]: BENCH_TABLE,
    [API_ENV.dynamodbEndpoint]: endpoint,
    ...(quiet ? { [API_ENV.logLevel]: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true' } : {}),
  });
  return {
    outdir,
    assets,
    store,
    proxy,
    envFor,
    async handler(routeId) {
      const cached = handlers.get(routeId);
      if (cached) return cached;
      const asset = assets.find((a) => a.routeId === routeId);
      if (!asset) throw new Error(`no bundled asset for route ${routeId}`);
      const loaded = await loadInProcess(asset, envFor(asset, proxy.endpoint, true));
      handlers.set(routeId, loaded);
      return loaded;
    },
    async close() {
      await proxy.close();
      await store.stop();
      removeOutdir();
    },
  };
}

/** Creates `count` tasks for `user` through the CreateTask handler; returns the tasks. */
export async function seedTasks(fx: FunctionsFixture, user: BenchUser, count: number): Promise<Task[]> {
  const create = await fx.handler('CreateTask');
  const route = routeById(ROUTES, 'CreateTask');
  const tasks: Task[] = [];
  for (let i = 0; i < count; i++) {
    const res = await create(
      apiEvent(route, user, createRequest(`Bench task ${i + 1}`)),
      lambdaContext('CreateTask'),
    );
    if (res.statusCode !== 201 && res.statusCode !== 200) {
      throw new Error(`seeding: CreateTask answered ${res.statusCode}: ${res.body.slice(0, 200)}`);
    }
    tasks.push(Task.parse(JSON.parse(res.body)));
  }
  fx.proxy.take();
  return tasks;
}
