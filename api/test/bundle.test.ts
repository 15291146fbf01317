/**
 * The handlers as they deploy: each route's entry bundled with HANDLER_BUNDLING (the settings
 * infra's NodejsFunction uses), then loaded and invoked from the bundle in a plain Node process
 * that looks like Lambda, not in the test runner, whose module loader would hide a missing
 * `require`. The bundles are written outside the repository, so they can load nothing from its
 * node_modules: each must carry everything it needs, as on Lambda.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { esbuildOptions, HANDLER_BUNDLE_MAX_BYTES, LAMBDA_NODE_MAJOR } from '../src/bundling.js';
import { Task } from '../src/contract/index.js';
import { handlerEntry, ROUTES } from '../src/routes.js';
import type { Reply } from './support/api.js';
import { apiEvent } from './support/events.js';
import { LOCAL_STORE_AWS_ENV, type LocalTasksTable, startLocalTasksTable } from './support/local-store.js';

/** Runs in a child Node process: imports a bundle per request line and answers with its result. */
const DRIVER = `
import { createInterface } from 'node:readline';
for await (const line of createInterface({ input: process.stdin })) {
  const { file, event } = JSON.parse(line);
  let answer;
  try {
    const { handler } = await import(file);
    answer = { result: await handler(event, { awsRequestId: 'bundle-test', functionName: 'bundle-test' }) };
  } catch (error) {
    answer = { failure: String(error && error.stack ? error.stack : error) };
  }
  process.stdout.write('@@' + JSON.stringify(answer) + '\\n');
}
`;

let outDir: string;
let table: LocalTasksTable;
let driver: ChildProcessWithoutNullStreams;
const answers: ((line: string) => void)[] = [];
const bundles = new Map<string, string>();
/** Source files each bundle was built from (esbuild's metafile), by route id. */
const inputs = new Map<string, string[]>();

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'bundle-test-'));
  table = await startLocalTasksTable('tasks-bundled');
  for (const route of ROUTES) {
    const outfile = join(outDir, `${route.id}.mjs`);
    const result = await build({
      ...esbuildOptions(),
      entryPoints: [handlerEntry(route)],
      outfile,
      metafile: true,
    });
    bundles.set(route.id, outfile);
    inputs.set(route.id, Object.keys(result.metafile.inputs));
  }
  const driverFile = join(outDir, 'driver.mjs');
  await writeFile(driverFile, DRIVER);
  driver = spawn(process.execPath, [driverFile], {
    cwd: outDir,
    env: {
      PATH: process.env.PATH ?? '',
      ...LOCAL_STORE_AWS_ENV,
      AWS_SESSION_TOKEN: 'local',
      TABLE_NAME: table.tableName,
      AWS_ENDPOINT_URL_DYNAMODB: table.endpoint,
      POWERTOOLS_SERVICE_NAME: 'tasktracker-api',
      POWERTOOLS_METRICS_NAMESPACE: 'TaskTracker',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
      // Look like Lambda, where libraries switch to their in-Lambda behaviour (credentials, keep-alive).
      AWS_EXECUTION_ENV: `AWS_Lambda_nodejs${LAMBDA_NODE_MAJOR}.x`,
      AWS_LAMBDA_FUNCTION_NAME: 'bundle-test',
    },
  });
  driver.on('exit', (code) => {
    for (const answer of answers.splice(0)) answer(JSON.stringify({ failure: `driver exited with ${code}` }));
  });
  createInterface({ input: driver.stdout }).on('line', (line) => {
    if (line.startsWith('@@')) answers.shift()?.(line.slice(2));
  });
});

afterAll(async () => {
  driver?.stdin.end();
  await table?.stop();
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

/** Invokes a route's bundled handler in the child process. */
async function invokeBundle(routeId: string, event: APIGatewayProxyEvent): Promise<Reply> {
  const file = bundles.get(routeId);
  if (!file) throw new Error(`no bundle for ${routeId}`);
  const line = await new Promise<string>((resolve) => {
    answers.push(resolve);
    driver.stdin.write(`${JSON.stringify({ file: pathToFileURL(file).href, event })}\n`);
  });
  const answer = JSON.parse(line) as { result?: APIGatewayProxyResult; failure?: string };
  if (!answer.result) throw new Error(`bundle ${routeId} failed: ${answer.failure}`);
  const { statusCode, headers, body } = answer.result;
  return {
    status: statusCode,
    headers: Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k, String(v)])),
    body: body ? JSON.parse(body) : undefined,
    rawBody: body,
  };
}

describe('bundled handlers', () => {
  it.each(ROUTES.map((route) => route.id))('%s bundles within the 500 KB sanity bound', async (routeId) => {
    const size = (await stat(bundles.get(routeId) ?? '')).size;
    expect(size).toBeGreaterThan(0);
    expect(size).toBeLessThanOrEqual(HANDLER_BUNDLE_MAX_BYTES);
  });

  it.each(ROUTES.map((route) => route.id))(
    '%s carries no X-Ray SDK, Powertools tracer or AWS SDK',
    (routeId) => {
      const packages = (inputs.get(routeId) ?? []).filter((input) =>
        /node_modules\/(aws-xray-sdk-core|@aws-lambda-powertools\/tracer|@aws-sdk)\//.test(input),
      );
      expect(inputs.get(routeId)?.length).toBeGreaterThan(0);
      expect(packages).toEqual([]);
    },
  );

  it('serve health, create, read, list, update and delete from self-contained bundles', async () => {
    const health = await invokeBundle('Health', apiEvent('GET', '/health'));
    expect(health).toMatchObject({ status: 200, body: { status: 'ok' } });

    const created = await invokeBundle(
      'CreateTask',
      apiEvent('POST', '/tasks', { sub: 'b', body: { title: 'Ship it' } }),
    );
    expect(created.status).toBe(201);
    const task = Task.parse(created.body);
    const fetched = await invokeBundle('GetTask', apiEvent('GET', '/tasks/{id}', { sub: 'b', id: task.id }));
    expect(fetched.body).toEqual(task);
    const page = await invokeBundle('ListTasks', apiEvent('GET', '/tasks', { sub: 'b' }));
    expect(page.body).toEqual({ items: [task], nextCursor: null });
    const patch = { version: 1, status: 'done' };
    const patched = await invokeBundle(
      'UpdateTask',
      apiEvent('PATCH', '/tasks/{id}', { sub: 'b', id: task.id, body: patch }),
    );
    expect(patched.body).toMatchObject({ status: 'done', version: 2 });
    const removed = await invokeBundle(
      'DeleteTask',
      apiEvent('DELETE', '/tasks/{id}', { sub: 'b', id: task.id }),
    );
    expect(removed.status).toBe(204);
  });
});
