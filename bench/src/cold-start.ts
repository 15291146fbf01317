/**
 * Lambda cold-start proxy: a fresh Node process loads a function's bundled module and
 * runs one invocation against the local store, compared with a fresh process loading an
 * empty handler. Runs alternate between targets so both see the same machine noise.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCAL_STORE_AWS_ENV } from '@tasktracker/api/local-store';
import { ROUTES } from '@tasktracker/api/routes';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { apiEvent, type BenchUser, createRequest, routeById } from './api-events.js';
import type { FunctionAsset } from './assembly.js';
import { type FunctionsFixture, seedTasks } from './functions.js';
import { invokeFresh } from './handler-host.js';
import type { Row } from './report.js';
import { median, percentile } from './stats.js';

const AREA = 'cold start';
const USER: BenchUser = { sub: 'b0000000-0000-4000-8000-00000000c01d', email: 'cold@bench.local' };

interface Target {
  readonly name: string;
  readonly entry: string;
  readonly exportName: string;
  readonly env: Record<string, string>;
  /** The event of the run with index `i` (updates and deletes need their own task). */
  readonly event: (i: number) => APIGatewayProxyEvent | Record<string, never>;
}

/** Events each route handles successfully; update and delete get a fresh task per run. */
function eventFor(
  routeId: string,
  taskIds: readonly string[],
  runs: number,
): (i: number) => APIGatewayProxyEvent {
  const route = routeById(ROUTES, routeId);
  const id = (i: number) => ({ id: taskIds[i] as string });
  switch (routeId) {
    case 'CreateTask':
      return () => apiEvent(route, USER, createRequest('Cold start task'));
    case 'GetTask':
      return () => apiEvent(route, USER, { pathParameters: id(0) });
    case 'UpdateTask':
      return (i) =>
        apiEvent(route, USER, { pathParameters: id(1 + i), body: { version: 1, title: 'Renamed' } });
    case 'DeleteTask':
      return (i) => apiEvent(route, USER, { pathParameters: id(1 + runs + i) });
    default:
      return () => apiEvent(route, USER);
  }
}

export async function measureColdStart(fx: FunctionsFixture, runs: number): Promise<Row[]> {
  const tasks = await seedTasks(fx, USER, 1 + 2 * runs);
  const taskIds = tasks.map((t) => t.id);
  const dir = mkdtempSync(join(tmpdir(), 'bench-empty-'));
  const emptyEntry = join(dir, 'index.mjs');
  writeFileSync(emptyEntry, "export const handler = async () => ({ statusCode: 200, body: '{}' });\n");
  try {
    const targets: Target[] = [
      {
        name: 'empty handler',
        entry: emptyEntry,
        exportName: 'handler',
        env: { ...LOCAL_STORE_AWS_ENV },
        event: () => ({}),
      },
      ...fx.assets.map(
        (asset: FunctionAsset): Target => ({
          name: asset.routeId,
          entry: asset.entry,
          exportName: asset.exportName,
          env: fx.envFor(asset, fx.store.endpoint, false),
          event: eventFor(asset.routeId, taskIds, runs),
        }),
      ),
    ];
    const walls = new Map<string, number[]>(targets.map((t) => [t.name, []]));
    const inside = new Map<string, { load: number[]; invoke: number[] }>(
      targets.map((t) => [t.name, { load: [], invoke: [] }]),
    );
    const failedStatus = new Map<string, number[]>();
    for (let i = 0; i < runs; i++) {
      // Rotate the order each round so no target always runs first (or right after a slow one).
      const round = [...targets.slice(i % targets.length), ...targets.slice(0, i % targets.length)];
      for (const target of round) {
        const run = await invokeFresh(
          target.entry,
          target.exportName,
          target.name,
          target.event(i),
          target.env,
        );
        walls.get(target.name)?.push(run.wallMs);
        inside.get(target.name)?.load.push(run.loadMs);
        inside.get(target.name)?.invoke.push(run.invokeMs);
        if (run.statusCode !== null && run.statusCode >= 300) {
          failedStatus.set(target.name, [...(failedStatus.get(target.name) ?? []), run.statusCode]);
        }
      }
    }
    return toRows(targets, walls, inside, failedStatus, runs);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function toRows(
  targets: readonly Target[],
  walls: Map<string, number[]>,
  inside: Map<string, { load: number[]; invoke: number[] }>,
  failedStatus: Map<string, number[]>,
  runs: number,
): Row[] {
  const emptySamples = walls.get('empty handler') ?? [];
  const emptyMs = median(emptySamples);
  const rows: Row[] = [
    {
      area: AREA,
      metric: 'empty handler: fresh node process',
      value: emptyMs,
      unit: 'ms',
      note: `median of ${runs} runs (p90 ${Math.round(percentile(emptySamples, 90))} ms), spawn to exit; the baseline of every ratio below`,
    },
  ];
  for (const target of targets.slice(1)) {
    const samples = walls.get(target.name) ?? [];
    const ms = median(samples);
    const failed = failedStatus.get(target.name);
    const parts = inside.get(target.name);
    rows.push({
      area: AREA,
      metric: `${target.name}: load + 1 invocation`,
      value: ms,
      unit: 'ms',
      ...(parts
        ? {
            note: `p90 ${Math.round(percentile(samples, 90))} ms; inside the process: import ${Math.round(median(parts.load))} ms + first call ${Math.round(median(parts.invoke))} ms`,
          }
        : {}),
    });
    rows.push({
      area: AREA,
      metric: `${target.name} / empty handler`,
      value: ms / emptyMs,
      unit: '×',
      budget: 'coldStartRatio',
      ...(failed
        ? {
            note: `the handler answered ${[...new Set(failed)].join(', ')} in ${failed.length} of ${runs} runs`,
          }
        : {}),
    });
  }
  return rows;
}
