import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ErrorBody } from '../src/contract/index.js';
import { invoke, loadApi } from './support/api.js';
import { apiEvent } from './support/events.js';
import { LOCAL_STORE_AWS_ENV, type LocalTasksTable, startLocalTasksTable } from './support/local-store.js';

let table: LocalTasksTable;
let output: string[] = [];

/** Collects what the handlers print (Powertools writes JSON lines to stdout and stderr). */
function captureOutput(): void {
  output = [];
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      output.push(String(chunk));
      return true;
    });
  }
}

function jsonLines(): Record<string, unknown>[] {
  return output
    .flatMap((chunk) => chunk.split('\n'))
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

beforeAll(async () => {
  table = await startLocalTasksTable('tasks-observed');
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  process.env.POWERTOOLS_METRICS_NAMESPACE = 'TaskTrackerTest';
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

afterAll(async () => {
  await table?.stop();
});

describe('metrics and logs of a healthy API', () => {
  it('emits TaskCreated, IdempotentReplay and TaskConflict as CloudWatch EMF counts', async () => {
    vi.resetModules();
    const api = await loadApi(table);
    captureOutput();
    const headers = { 'Idempotency-Key': 'emf-1' };
    const created = await invoke(
      api.create,
      apiEvent('POST', '/tasks', { sub: 'm', body: { title: 'a' }, headers }),
    );
    await invoke(api.create, apiEvent('POST', '/tasks', { sub: 'm', body: { title: 'a' }, headers }));
    const stale = { version: 7, title: 'b' };
    await invoke(
      api.update,
      apiEvent('PATCH', '/tasks/{id}', { sub: 'm', id: created.body.id, body: stale }),
    );
    const metrics = jsonLines()
      .filter((line) => '_aws' in line)
      .flatMap((line) =>
        Object.keys(line).filter((key) => ['TaskCreated', 'IdempotentReplay', 'TaskConflict'].includes(key)),
      );
    expect(metrics).toEqual(['TaskCreated', 'IdempotentReplay', 'TaskConflict']);
    const emf = jsonLines().find((line) => 'TaskCreated' in line);
    expect(emf).toMatchObject({ TaskCreated: 1, service: 'tasktracker-api' });
    expect(JSON.stringify(emf?._aws)).toContain('TaskTrackerTest');
  });

  it("flushes a read that counts nothing without a warning, at Lambda's log level too, keeping only the cold-start count", async () => {
    // As Lambda sets it for an on-demand execution environment, where Powertools counts cold starts.
    vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
    // Lambda's own log-level setting, which the template turns on: Powertools lets it override
    // every logger's level, so a quiet child logger would not stay quiet here.
    vi.stubEnv('AWS_LAMBDA_LOG_LEVEL', 'INFO');
    vi.resetModules();
    const api = await loadApi(table);
    captureOutput();
    await invoke(api.list, apiEvent('GET', '/tasks', { sub: 'm' }));
    await invoke(api.list, apiEvent('GET', '/tasks', { sub: 'm' }));
    vi.restoreAllMocks();
    expect(output.join('')).not.toContain('No application metrics to publish');
    expect(jsonLines().filter((line) => 'ColdStart' in line)).toHaveLength(1);
  });

  it("passes Metrics' other warnings on as the function's own log lines", async () => {
    // Arrange
    vi.stubEnv('AWS_LAMBDA_LOG_LEVEL', 'INFO');
    vi.resetModules();
    const { metrics } = await import('../src/runtime/observability.js');
    captureOutput();
    // Act: a dimension CloudWatch would drop.
    metrics.addDimension('', 'x');
    vi.restoreAllMocks();
    // Assert
    expect(jsonLines()).toContainEqual(
      expect.objectContaining({
        level: 'WARN',
        message: expect.stringContaining("doesn't meet the requirements"),
      }),
    );
  });

  it('logs a refused request as one JSON line with its request id and error code', async () => {
    vi.resetModules();
    const api = await loadApi(table);
    captureOutput();
    const event = apiEvent('GET', '/tasks/{id}', { sub: 'm', id: 'missing' });
    await invoke(api.get, event);
    const refused = jsonLines().find((line) => line.message === 'request refused');
    expect(refused).toMatchObject({
      level: 'INFO',
      requestId: event.requestContext.requestId,
      code: 'not_found',
    });
  });
});

describe('the log level', () => {
  it('comes from POWERTOOLS_LOG_LEVEL', async () => {
    const refusedAt = async (level: string) => {
      process.env.POWERTOOLS_LOG_LEVEL = level;
      vi.resetModules();
      const api = await loadApi(table);
      captureOutput();
      await invoke(api.get, apiEvent('GET', '/tasks/{id}', { sub: 'm', id: 'missing' }));
      vi.restoreAllMocks();
      return jsonLines().map((line) => line.message);
    };
    try {
      expect(await refusedAt('DEBUG')).toEqual(expect.arrayContaining(['request refused', 'response']));
      const atWarn = await refusedAt('WARN');
      expect(atWarn).not.toContain('request refused');
      expect(atWarn).not.toContain('response');
    } finally {
      process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
    }
  });
});

describe('an unexpected failure', () => {
  it('answers 500 with the request id and no internals, and logs the error with that id', async () => {
    vi.resetModules();
    const api = await loadApi({ tableName: 'no-such-table', endpoint: table.endpoint });
    captureOutput();
    const event = apiEvent('GET', '/tasks', { sub: 'm' });
    const reply = await invoke(api.list, event);
    vi.restoreAllMocks();

    expect(reply.status).toBe(500);
    expect(ErrorBody.parse(reply.body)).toEqual({
      error: { code: 'internal', message: expect.any(String) },
      requestId: event.requestContext.requestId,
    });
    expect(reply.rawBody).not.toMatch(/ResourceNotFound|no-such-table|at .*\.ts|stack/i);
    const logged = jsonLines().find((line) => line.level === 'ERROR');
    expect(logged).toMatchObject({ message: 'unexpected error', requestId: event.requestContext.requestId });
    expect(JSON.stringify(logged?.error)).toContain('ResourceNotFoundException');
    expect(jsonLines().some((line) => 'UnexpectedError' in line)).toBe(true);
  });

  it('keeps /health answering while the table is unreachable', async () => {
    vi.resetModules();
    const api = await loadApi({ tableName: 'no-such-table', endpoint: 'http://127.0.0.1:9' });
    const reply = await invoke(api.health, apiEvent('GET', '/health'));
    expect(reply).toMatchObject({ status: 200, body: { status: 'ok' } });
  });
});

describe('the environment', () => {
  const handlerModule = fileURLToPath(new URL('../src/handlers/get-task.ts', import.meta.url));
  const complete = {
    PATH: process.env.PATH ?? '',
    ...LOCAL_STORE_AWS_ENV,
    TABLE_NAME: 'tasks',
    POWERTOOLS_SERVICE_NAME: 'tasktracker-api',
    POWERTOOLS_METRICS_NAMESPACE: 'TaskTracker',
  };

  it.each(['TABLE_NAME', 'POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_METRICS_NAMESPACE'])(
    'fails the init of a task handler naming %s when it is missing',
    (key) => {
      // Arrange: a fresh process, as a Lambda init is.
      const env: Record<string, string> = { ...complete };
      delete env[key];
      // Act
      const init = spawnSync(
        process.execPath,
        ['--import', 'tsx', '-e', `await import(${JSON.stringify(handlerModule)})`],
        {
          env,
          encoding: 'utf8',
          timeout: 30_000,
        },
      );
      // Assert
      expect(init.status).not.toBe(0);
      expect(init.stderr).toContain(`Environment variable ${key} is required`);
    },
  );
});
