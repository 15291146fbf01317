/**
 * DynamoDB cost per API operation: each route's handler is invoked once in this process
 * against the local store through a proxy that requests ReturnConsumedCapacity, and the
 * read and write units of its calls are summed.
 */

import { ROUTES } from '@tasktracker/api/routes';
import { lambdaContext } from '@tasktracker/local/proxy-event';
import { apiEvent, type BenchUser, createRequest, type EventRequest, routeById } from './api-events.js';
import type { BudgetId } from './budgets.js';
import type { RecordedCall } from './dynamo-local.js';
import { type FunctionsFixture, seedTasks } from './functions.js';
import type { Row } from './report.js';

const AREA = 'DynamoDB cost';
const USER: BenchUser = { sub: 'b0000000-0000-4000-8000-0000000c0571', email: 'cost@bench.local' };
/** The list scenario: one default page of small tasks. */
const PAGE = 20;

interface Scenario {
  readonly label: string;
  readonly routeId: string;
  readonly request: (taskIds: readonly string[]) => EventRequest;
  readonly read: BudgetId;
  readonly write: BudgetId;
}

const SCENARIOS: readonly Scenario[] = [
  { label: 'Health', routeId: 'Health', request: () => ({}), read: 'noRead', write: 'noWrite' },
  {
    label: 'CreateTask (with Idempotency-Key)',
    routeId: 'CreateTask',
    request: () => createRequest('Cost task'),
    read: 'noRead',
    write: 'writeWcuCreate',
  },
  {
    label: `ListTasks (page of ${PAGE})`,
    routeId: 'ListTasks',
    request: () => ({ query: { limit: String(PAGE) } }),
    read: 'readRcuListPage',
    write: 'noWrite',
  },
  {
    label: `ListTasks ?status=todo (page of ${PAGE})`,
    routeId: 'ListTasks',
    request: () => ({ query: { status: 'todo', limit: String(PAGE) } }),
    read: 'readRcuListPage',
    write: 'noWrite',
  },
  {
    label: 'GetTask',
    routeId: 'GetTask',
    request: (ids) => ({ pathParameters: { id: ids[0] as string } }),
    read: 'readRcuGetItem',
    write: 'noWrite',
  },
  {
    label: 'UpdateTask',
    routeId: 'UpdateTask',
    request: (ids) => ({ pathParameters: { id: ids[1] as string }, body: { version: 1, status: 'doing' } }),
    read: 'noRead',
    write: 'writeWcuSingle',
  },
  {
    label: 'DeleteTask',
    routeId: 'DeleteTask',
    request: (ids) => ({ pathParameters: { id: ids[2] as string } }),
    read: 'noRead',
    write: 'writeWcuSingle',
  },
];

function sumUnits(calls: readonly RecordedCall[], kind: RecordedCall['kind']): number {
  return calls.filter((c) => c.kind === kind).reduce((sum, c) => sum + c.capacityUnits, 0);
}

function describeCalls(calls: readonly RecordedCall[]): string {
  if (calls.length === 0) return 'no DynamoDB calls';
  const unit = { read: 'RCU', write: 'WCU', other: 'CU' } as const;
  return `calls: ${calls.map((c) => `${c.operation} ${c.capacityUnits} ${unit[c.kind]}`).join(' + ')}`;
}

export async function measureDynamoCost(fx: FunctionsFixture): Promise<Row[]> {
  const tasks = await seedTasks(fx, USER, PAGE);
  const ids = tasks.map((t) => t.id);
  const rows: Row[] = [];
  for (const scenario of SCENARIOS) {
    const route = routeById(ROUTES, scenario.routeId);
    const handler = await fx.handler(scenario.routeId);
    fx.proxy.take();
    const res = await handler(apiEvent(route, USER, scenario.request(ids)), lambdaContext(route.id));
    const calls = fx.proxy.take();
    const ok = res.statusCode >= 200 && res.statusCode < 300;
    const note = `${describeCalls(calls)}${ok ? '' : `; the handler answered ${res.statusCode}, so this is not the success path`}`;
    const reads = sumUnits(calls, 'read');
    const writes = sumUnits(calls, 'write');
    rows.push({
      area: AREA,
      metric: `${scenario.label} read`,
      value: reads,
      unit: 'RCU',
      budget: scenario.read,
      note,
    });
    rows.push({
      area: AREA,
      metric: `${scenario.label} write`,
      value: writes,
      unit: 'WCU',
      budget: scenario.write,
    });
  }
  rows.push({
    area: AREA,
    metric: 'byStatus index writes',
    value: null,
    unit: '',
    note: 'not available: the local store reports table units only; on DynamoDB each task write that touches the byStatus index also costs 1 WCU there (+1 on create, update, delete)',
  });
  return rows;
}
