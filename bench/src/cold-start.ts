/**
 * Lambda cold-start proxy: a fresh Node process loads a function's bundled module and runs one
 * invocation against the local store. Each function's *added* time (import + first invocation
 * inside the process, minus the same for an empty handler) is held to two budgets: an absolute
 * one, and a fraction of the added time of a peer function built the way most projects ship one
 * (AWS SDK v3 document client from node_modules + Powertools logger, metrics, tracer).
 *
 * The budgeted figure is the process's CPU time (user + system). On this shared 2-core machine
 * the wall clock mostly measures the run queue (the same function took 37 ms or 111 ms in runs
 * minutes apart), while a Lambda execution environment runs its init on its own CPU share. The
 * wall-clock figures are reported beside it. Runs alternate between targets.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { esbuildOptions, LAMBDA_NODE_MAJOR } from '@tasktracker/api/bundling';
import { ROUTES } from '@tasktracker/api/routes';
import { TABLE_SCHEMA } from '@tasktracker/api/table-schema';
import { LOCAL_STORE_AWS_ENV } from '@tasktracker/api/test-support/local-store';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { build } from 'esbuild';
import { apiEvent, type BenchUser, createRequest, routeById } from './api-events.js';
import type { FunctionAsset } from './assembly.js';
import { BUDGETS } from './budgets.js';
import { storeClient } from './dynamo-local.js';
import { BENCH_TABLE, type FunctionsFixture, seedTasks } from './functions.js';
import { type FreshRun, invokeFresh } from './handler-host.js';
import type { Row } from './report.js';
import { median, percentile } from './stats.js';

const AREA = 'cold start';
const USER: BenchUser = { sub: 'b0000000-0000-4000-8000-00000000c01d', email: 'cold@bench.local' };
const REFERENCE_DIR = fileURLToPath(new URL('./reference/', import.meta.url));
/** The item the reference functions read (their own key, not the store's key format). */
const REFERENCE_KEY = {
  [TABLE_SCHEMA.partitionKey]: 'bench#reference',
  [TABLE_SCHEMA.sortKey]: 'bench#reference',
};
/** One vCPU on Lambda: memory decides the CPU share below it. */
const FULL_VCPU_MB = 1769;
/**
 * Memory sizes considered for a function, and how long its first call's CPU work may take at
 * that memory's CPU share: no longer than the whole added cold start may take here.
 */
const MEMORY_STEPS_MB = [128, 256, 512, 1024, 1769] as const;
const FIRST_CALL_CPU_MAX_MS = BUDGETS.coldStartAddedMs.max;
/** lambda-perf 2025-12: a hello-world nodejs22.x function on arm64 inits in ~117–124 ms. */
const HELLO_WORLD_INIT_MS = { low: 117, high: 124 } as const;

export const EMPTY = 'empty handler';
export const PEER = 'peer: SDK v3 from node_modules + Powertools logger, metrics, tracer';
const SDK_BUNDLED = 'reference: SDK v3 bundled + minified + Powertools logger, metrics';

interface Target {
  readonly name: string;
  readonly entry: string;
  readonly exportName: string;
  readonly env: Record<string, string>;
  /** The event of the run with index `i` (updates and deletes need their own task). */
  readonly event: (i: number) => APIGatewayProxyEvent | Record<string, unknown>;
  /** The route function's configured memory; undefined for the reference functions. */
  readonly memoryMb?: number;
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

/** What a Lambda execution environment sets, so libraries take their in-Lambda paths. */
function lambdaEnv(name: string, memoryMb: number): Record<string, string> {
  return {
    ...LOCAL_STORE_AWS_ENV,
    AWS_SESSION_TOKEN: 'local',
    AWS_LAMBDA_FUNCTION_NAME: name,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memoryMb),
    AWS_EXECUTION_ENV: `AWS_Lambda_nodejs${LAMBDA_NODE_MAJOR}.x`,
    // Active tracing hands every invocation a trace header; the X-Ray SDK then sends its
    // segments over UDP to the daemon address, here on loopback, where nothing listens.
    _X_AMZN_TRACE_ID: 'Root=1-00000000-000000000000000000000000;Parent=0000000000000000;Sampled=1',
    AWS_XRAY_DAEMON_ADDRESS: '127.0.0.1:2000',
    // The SDK's supported switch for its Node-version notice (Node 20 here, 24 on Lambda).
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

/** The reference functions: the peer as it ships, and the bundled-SDK alternative, built now. */
async function referenceTargets(fx: FunctionsFixture, outDir: string): Promise<Target[]> {
  const client = storeClient(fx.store.endpoint);
  try {
    const item = Object.fromEntries(Object.entries(REFERENCE_KEY).map(([k, v]) => [k, { S: v }]));
    await client.send(
      new PutItemCommand({ TableName: BENCH_TABLE, Item: { ...item, title: { S: 'Reference' } } }),
    );
  } finally {
    client.destroy();
  }
  const bundled = join(outDir, 'sdk-bundled.mjs');
  await build({
    ...esbuildOptions(),
    entryPoints: [join(REFERENCE_DIR, 'sdk-bundled.mjs')],
    outfile: bundled,
  });
  const env = (name: string) => ({
    ...lambdaEnv(name, 512),
    TABLE_NAME: BENCH_TABLE,
    AWS_ENDPOINT_URL_DYNAMODB: fx.store.endpoint,
    POWERTOOLS_SERVICE_NAME: 'bench-reference',
    POWERTOOLS_METRICS_NAMESPACE: 'Bench',
  });
  const event = () => ({ body: JSON.stringify(REFERENCE_KEY) });
  return [
    { name: PEER, entry: join(REFERENCE_DIR, 'peer.mjs'), exportName: 'handler', env: env('peer'), event },
    { name: SDK_BUNDLED, entry: bundled, exportName: 'handler', env: env('sdk-bundled'), event },
  ];
}

export async function measureColdStart(fx: FunctionsFixture, runs: number): Promise<Row[]> {
  const tasks = await seedTasks(fx, USER, 1 + 2 * runs);
  const taskIds = tasks.map((t) => t.id);
  const dir = mkdtempSync(join(tmpdir(), 'bench-cold-start-'));
  const emptyEntry = join(dir, 'empty.mjs');
  writeFileSync(emptyEntry, "export const handler = async () => ({ statusCode: 200, body: '{}' });\n");
  try {
    const targets: Target[] = [
      {
        name: EMPTY,
        entry: emptyEntry,
        exportName: 'handler',
        env: lambdaEnv('empty', 128),
        event: () => ({}),
      },
      ...(await referenceTargets(fx, dir)),
      ...fx.assets.map(
        (asset: FunctionAsset): Target => ({
          name: asset.routeId,
          entry: asset.entry,
          exportName: asset.exportName,
          env: { ...lambdaEnv(asset.routeId, asset.memoryMb), ...fx.envFor(asset, fx.store.endpoint, false) },
          event: eventFor(asset.routeId, taskIds, runs),
          memoryMb: asset.memoryMb,
        }),
      ),
    ];
    const samples = new Map<string, FreshRun[]>(targets.map((t) => [t.name, []]));
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
        samples.get(target.name)?.push(run);
      }
    }
    return toRows(targets, samples, runs);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Import + first invocation, wall clock inside the process. */
const inside = (run: FreshRun): number => run.loadMs + run.invokeMs;
/** Import + first invocation, CPU time. */
const cpu = (run: FreshRun): number => run.loadCpuMs + run.invokeCpuMs;
/** Median CPU time of import + first invocation: the budgeted figure. */
const startMs = (runs: readonly FreshRun[]): number => median(runs.map(cpu));

function toRows(targets: readonly Target[], samples: Map<string, FreshRun[]>, runs: number): Row[] {
  const of = (name: string) => samples.get(name) ?? [];
  const emptyMs = startMs(of(EMPTY));
  const emptyWall = of(EMPTY).map((r) => r.wallMs);
  const peerAdded = startMs(of(PEER)) - emptyMs;
  const rows: Row[] = [
    {
      area: AREA,
      metric: `${EMPTY}: fresh Node process, spawn to exit`,
      value: median(emptyWall),
      unit: 'ms',
      note: `median of ${runs} runs (p90 ${Math.round(percentile(emptyWall, 90))} ms); its import + invocation (${emptyMs.toFixed(1)} ms of CPU, ${median(of(EMPTY).map(inside)).toFixed(1)} ms inside the process) is subtracted from every "added" figure; peak RSS ${rssText(peakRss(of(EMPTY)))} (a bare Node process)`,
    },
    {
      area: AREA,
      metric: `${PEER}: added`,
      value: peerAdded,
      unit: 'ms',
      note: describeRuns(of(PEER)),
    },
    {
      area: AREA,
      metric: `${SDK_BUNDLED}: added`,
      value: startMs(of(SDK_BUNDLED)) - emptyMs,
      unit: 'ms',
      note: `${describeRuns(of(SDK_BUNDLED))}; the store's DynamoDB client was chosen against this`,
    },
  ];
  for (const target of targets.filter((t) => t.memoryMb !== undefined)) {
    const fresh = of(target.name);
    const added = startMs(fresh) - emptyMs;
    const failed = fresh.filter((r) => r.statusCode !== null && r.statusCode >= 300).map((r) => r.statusCode);
    rows.push(
      {
        area: AREA,
        metric: `${target.name}: added over the empty handler`,
        value: added,
        unit: 'ms',
        budget: 'coldStartAddedMs',
        note: `${describeRuns(fresh)}${failed.length ? `; the handler answered ${[...new Set(failed)].join(', ')} in ${failed.length} of ${runs} runs` : ''}`,
      },
      {
        area: AREA,
        metric: `${target.name}: added / peer's added`,
        value: added / peerAdded,
        unit: '×',
        budget: 'coldStartPeerRatio',
      },
      lambdaEstimate(target.name, fresh, emptyMs, target.memoryMb as number),
    );
  }
  return rows;
}

/** Median peak RSS of the function's own process over the runs; null when none could read it. */
function peakRss(runs: readonly FreshRun[]): number | null {
  const peaks = runs.flatMap((r) => (r.peakRssMb === null ? [] : [r.peakRssMb]));
  return peaks.length > 0 ? median(peaks) : null;
}

const rssText = (rss: number | null) => (rss === null ? 'n/a (needs /proc)' : `${Math.round(rss)} MB`);

function describeRuns(runs: readonly FreshRun[]): string {
  const m = (pick: (r: FreshRun) => number) => Math.round(median(runs.map(pick)));
  return `CPU time, median of ${runs.length} runs; wall clock inside the process: import ${m((r) => r.loadMs)} ms + first call ${m((r) => r.invokeMs)} ms (CPU ${m((r) => r.loadCpuMs)} + ${m((r) => r.invokeCpuMs)} ms); peak RSS ${rssText(peakRss(runs))}`;
}

/**
 * The memory a function should get: the smallest size at which its peak RSS is at most half of
 * it and its first call's CPU work, stretched by that size's CPU share, stays within the
 * cold-start budget. Undefined when even one full vCPU is not enough.
 */
export function smallestMemoryMb(peakRssMb: number, firstCallCpuMs: number): number | undefined {
  return MEMORY_STEPS_MB.find(
    (mb) => peakRssMb <= mb / 2 && firstCallCpuMs / Math.min(1, mb / FULL_VCPU_MB) <= FIRST_CALL_CPU_MAX_MS,
  );
}

/**
 * What the function should cost on Lambda at its configured memory. Init: the hello-world
 * runtime init (lambda-perf) plus the added import time measured here. First invocation: its
 * CPU time scaled by the memory's CPU share (1,769 MB = one vCPU), plus its waiting time.
 * An estimate from this machine's core, not a measurement on Lambda.
 */
function lambdaEstimate(name: string, runs: readonly FreshRun[], emptyMs: number, memoryMb: number): Row {
  const importAdded = median(runs.map((r) => r.loadCpuMs)) - emptyMs;
  const invokeCpu = median(runs.map((r) => r.invokeCpuMs));
  const invokeWait = Math.max(0, median(runs.map((r) => r.invokeMs)) - invokeCpu);
  const share = Math.min(1, memoryMb / FULL_VCPU_MB);
  const firstCall = invokeCpu / share + invokeWait;
  const rss = peakRss(runs);
  const fits = rss === null ? undefined : smallestMemoryMb(rss, invokeCpu);
  const init = (ms: number) => Math.round(ms + Math.max(0, importAdded));
  return {
    area: AREA,
    metric: `${name}: expected on Lambda at ${memoryMb} MB (init + first call)`,
    value: init(HELLO_WORLD_INIT_MS.high) + firstCall,
    unit: 'ms',
    note: `init ≈ ${init(HELLO_WORLD_INIT_MS.low)}–${init(HELLO_WORLD_INIT_MS.high)} ms (hello-world ${HELLO_WORLD_INIT_MS.low}–${HELLO_WORLD_INIT_MS.high} ms + ${Math.round(importAdded)} ms import), first call ≈ ${Math.round(firstCall)} ms (${invokeCpu.toFixed(1)} ms CPU at ${(share * 100).toFixed(0)}% of a vCPU + ${Math.round(invokeWait)} ms waiting); peak RSS ${rssText(rss)} of ${memoryMb} MB; smallest memory with RSS ≤ half of it and ≤ ${FIRST_CALL_CPU_MAX_MS} ms of first-call CPU: ${rss === null ? 'n/a' : `${fits ?? `over ${MEMORY_STEPS_MB.at(-1)}`} MB`}`,
  };
}
