/**
 * Local API throughput and latency: authenticated GET and POST /tasks through the local
 * cloud's gateway, then the same access pattern sent straight to its DynamoDB-API store,
 * so the gateway's cost shows as a ratio. GET /health (no token, no table) through the gateway
 * shows the gateway and a Lambda invocation alone, without the function's DynamoDB call. The
 * local cloud's process-tree memory is sampled for the whole time (measurement 6).
 */

import { availableParallelism, loadavg } from 'node:os';
import { ListTablesCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { TABLE_SCHEMA } from '@tasktracker/api/table-schema';
import autocannon, { type Result } from 'autocannon';
import { type CpuSpent, cpuSpent, treeCpu } from './cpu.js';
import { storeClient } from './dynamo-local.js';
import type { LocalCloudProcess, SignedInUser } from './local-cloud.js';
import { sampleTreeMemory } from './memory.js';
import { formatNumber, notAvailable, type Row } from './report.js';

const AREA = 'API load';
/** Upper bound on requests per scenario, besides the duration: the loads stay bounded. */
const MAX_REQUESTS = 50_000;
/** Tasks the user has before the GET load: one default page. */
const SEEDED = 20;

export interface LoadOptions {
  readonly connections: number;
  readonly durationSeconds: number;
}

/** A SigV4-shaped header: the local store requires one but does not verify it. */
const STORE_HEADERS = {
  'content-type': 'application/x-amz-json-1.0',
  'x-amz-date': '20260101T000000Z',
  authorization:
    'AWS4-HMAC-SHA256 Credential=bench/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=0000',
};

/** One scenario's load: autocannon's result and the CPU each side spent on it. */
interface Load {
  readonly result: Result;
  /** The local cloud's process tree. */
  readonly cloud: CpuSpent;
  /** This process: the load generator (and the memory sampler). */
  readonly generatorMs: number;
}

async function run(
  cloud: LocalCloudProcess,
  title: string,
  options: LoadOptions,
  spec: Parameters<typeof autocannon>[0],
): Promise<Load> {
  // A short warm-up lets the local Lambda workers start, so the figures are steady state.
  await autocannon({
    ...spec,
    connections: Math.min(options.connections, 10),
    amount: 50,
    title: `${title} warm-up`,
  });
  const before = treeCpu(cloud.pid);
  const generator = process.cpuUsage();
  const result = await autocannon({
    ...spec,
    connections: options.connections,
    duration: options.durationSeconds,
    maxOverallRequests: MAX_REQUESTS,
    title,
  });
  const { user, system } = process.cpuUsage(generator);
  return { result, cloud: cpuSpent(before, treeCpu(cloud.pid)), generatorMs: (user + system) / 1000 };
}

/** The local cloud's CPU per request, its whole tree, in ms. */
function cpuPerRequest(load: Load): number {
  return (load.cloud.rootMs + load.cloud.descendantsMs) / Math.max(load.result.requests.total, 1);
}

/** CPU per request, the local cloud's whole tree, with where it went. */
function cpuRow(label: string, load: Load): Row {
  const requests = Math.max(load.result.requests.total, 1);
  const per = (ms: number) => `${formatNumber(ms / requests)} ms`;
  const { rootMs, rootMainThreadMs, descendantsMs } = load.cloud;
  return {
    area: AREA,
    metric: `${label} CPU per request (local cloud and its workers)`,
    value: cpuPerRequest(load),
    unit: 'ms',
    note: `main thread ${per(rootMainThreadMs)}, its other threads (GC, JIT) ${per(rootMs - rootMainThreadMs)}, child processes (Lambda workers) ${per(descendantsMs)}; the load generator ${per(load.generatorMs)}; steadier than req/s on a shared machine`,
  };
}

function loadRows(label: string, load: Load): Row[] {
  const { result } = load;
  const failures = result.non2xx + result.errors;
  const codes = Object.entries(result.statusCodeStats)
    .filter(([code]) => !code.startsWith('2'))
    .map(([code, s]) => `${code}×${s.count}`)
    .join(', ');
  return [
    { area: AREA, metric: `${label} throughput`, value: result.requests.average, unit: 'req/s' },
    { area: AREA, metric: `${label} p50`, value: result.latency.p50, unit: 'ms' },
    { area: AREA, metric: `${label} p99`, value: result.latency.p99, unit: 'ms' },
    {
      area: AREA,
      metric: `${label} requests without a 2xx answer`,
      value: failures,
      unit: 'req',
      budget: 'loadErrors',
      note: `${failures} of ${result.requests.total} requests sent in ${result.duration} s got no 2xx${codes ? ` (${codes})` : ''}${result.errors ? `; ${result.errors} connection errors (${result.timeouts} timeouts)` : ''}`,
    },
    cpuRow(label, load),
  ];
}

function ratioRows(label: string, gatewayLoad: Load, storeLoad: Load): Row[] {
  const [gateway, store] = [gatewayLoad.result, storeLoad.result];
  return [
    {
      area: AREA,
      metric: `${label}: gateway p50 / store p50`,
      value: gateway.latency.p50 / Math.max(store.latency.p50, 0.01),
      unit: '×',
    },
    {
      area: AREA,
      metric: `${label}: store req/s / gateway req/s`,
      value: store.requests.average / Math.max(gateway.requests.average, 0.01),
      unit: '×',
    },
    {
      area: AREA,
      metric: `${label}: gateway CPU per request / store CPU per request`,
      value: cpuPerRequest(gatewayLoad) / Math.max(cpuPerRequest(storeLoad), 0.001),
      unit: '×',
    },
  ];
}

async function seed(cloud: LocalCloudProcess, user: SignedInUser): Promise<void> {
  for (let i = 0; i < SEEDED; i++) {
    const res = await fetch(new URL('tasks', cloud.urls.api), {
      method: 'POST',
      headers: { authorization: user.idToken, 'content-type': 'application/json' },
      body: JSON.stringify({ title: `Load task ${i + 1}` }),
    });
    if (res.status !== 201 && res.status !== 200) {
      throw new Error(
        `seeding through the gateway: POST /tasks answered ${res.status}: ${(await res.text()).slice(0, 200)}`,
      );
    }
  }
}

/** The table and one item of the user's, read straight from the store (the shape of a put). */
async function storeTarget(cloud: LocalCloudProcess, user: SignedInUser) {
  const client = storeClient(cloud.urls.dynamodb);
  try {
    const tables = (await client.send(new ListTablesCommand({}))).TableNames ?? [];
    const tableName = tables.find((t) => /task/i.test(t)) ?? tables[0];
    if (!tableName) throw new Error('the local store has no table');
    const query = {
      TableName: tableName,
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :sk)',
      ExpressionAttributeNames: { '#pk': TABLE_SCHEMA.partitionKey, '#sk': TABLE_SCHEMA.sortKey },
      ExpressionAttributeValues: { ':pk': { S: `USER#${user.sub}` }, ':sk': { S: 'TASK#' } },
      ScanIndexForward: false,
      // As the store asks: one item more than the page tells whether another page exists.
      Limit: SEEDED + 1,
      ReturnConsumedCapacity: 'INDEXES' as const,
    };
    const found = await client.send(new QueryCommand(query));
    const sample = found.Items?.[0];
    if (!sample || (found.Count ?? 0) < SEEDED) {
      throw new Error(
        `a direct Query for USER#<sub>/TASK# found ${found.Count ?? 0} of ${SEEDED} seeded tasks`,
      );
    }
    return { tableName, query, sample };
  } finally {
    client.destroy();
  }
}

/** The machine's load average over the loads: the bench shares its cores with other work. */
function machineLoadRow(atStart: number): Row {
  const [oneMinute = 0, fiveMinutes = 0] = loadavg();
  return {
    area: AREA,
    metric: 'machine load average at the end of the loads (1 min)',
    value: oneMinute,
    unit: '',
    note: `${formatNumber(atStart)} at their start, ${formatNumber(fiveMinutes)} over the last 5 min, on ${availableParallelism()} cores: other work on the machine slows every figure above, the gateway's (six busy processes) more than the store's (two)`,
  };
}

export async function measureApiLoad(cloud: LocalCloudProcess, options: LoadOptions): Promise<Row[]> {
  const memory = sampleTreeMemory(cloud.pid);
  const [loadAtStart] = loadavg();
  const rows: Row[] = [];
  try {
    const user = await cloud.signIn();
    await seed(cloud, user);
    const auth = { authorization: user.idToken };
    const tasksUrl = new URL('tasks', cloud.urls.api).href;
    const getGateway = await run(cloud, 'GET /tasks', options, { url: tasksUrl, headers: auth });
    const postGateway = await run(cloud, 'POST /tasks', options, {
      url: tasksUrl,
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Load test task' }),
    });
    const healthGateway = await run(cloud, 'GET /health', options, {
      url: new URL('health', cloud.urls.api).href,
    });
    rows.push(
      ...loadRows('gateway GET /tasks', getGateway),
      ...loadRows('gateway POST /tasks', postGateway),
      ...loadRows('gateway GET /health (no token, no table)', healthGateway),
    );

    const target = await storeTarget(cloud, user);
    const queryStore = await run(cloud, 'store Query', options, {
      url: cloud.urls.dynamodb,
      method: 'POST',
      headers: { ...STORE_HEADERS, 'x-amz-target': 'DynamoDB_20120810.Query' },
      body: JSON.stringify(target.query),
    });
    let n = 0;
    const putStore = await run(cloud, 'store PutItem', options, {
      url: cloud.urls.dynamodb,
      requests: [
        {
          method: 'POST',
          headers: { ...STORE_HEADERS, 'x-amz-target': 'DynamoDB_20120810.PutItem' },
          setupRequest: (req) => {
            const id = `BENCH${String(++n).padStart(10, '0')}`;
            const item = { ...target.sample, [TABLE_SCHEMA.sortKey]: { S: `TASK#${id}` }, id: { S: id } };
            if (TABLE_SCHEMA.statusIndex.sortKey in item)
              item[TABLE_SCHEMA.statusIndex.sortKey] = { S: `TASK#${id}` };
            const body = {
              TableName: target.tableName,
              Item: item,
              ConditionExpression: 'attribute_not_exists(#pk)',
              ExpressionAttributeNames: { '#pk': TABLE_SCHEMA.partitionKey },
            };
            return { ...req, body: JSON.stringify(body) };
          },
        },
      ],
    });
    rows.push(...loadRows('store Query (same key condition)', queryStore));
    rows.push(...loadRows('store PutItem (same item shape)', putStore));
    rows.push(...ratioRows('GET /tasks vs Query', getGateway, queryStore));
    rows.push(...ratioRows('POST /tasks vs PutItem', postGateway, putStore));
  } catch (err) {
    rows.push(notAvailable(AREA, 'remaining load measurements', (err as Error).message, 'loadErrors'));
  } finally {
    rows.push(machineLoadRow(loadAtStart ?? 0));
    const peak = memory.stop();
    rows.push({
      area: 'memory',
      metric: 'local cloud peak RSS under load (process tree)',
      value: peak.peakRssMb,
      unit: 'MB',
      note: `largest sum of VmRSS over the local cloud's process and its children (up to ${peak.peakProcesses} processes), sampled every 100 ms (${peak.samples} samples) during the loads above; the sum of each process's own peak (VmHWM) is ${Math.round(peak.sumOfPeaksMb)} MB; largest: ${peak.processes
        .slice(0, 4)
        .map((p) => `${p.command} ${Math.round(p.peakMb)} MB`)
        .join(', ')}`,
    });
  }
  return rows;
}
