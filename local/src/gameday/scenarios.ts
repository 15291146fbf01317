/**
 * The game day's scenarios: one per seed alarm. Each finds its alarm in the running cloud by what
 * the alarm watches (never by a hard-coded name), injects a real fault — a handler that throws,
 * latency before the handler, DynamoDB throttling, a stress process in the web task, or the app's
 * own heaviest requests as load — and stops it again. Metrics come only from the services.
 */
import type { FaultRegistry } from '../faults.js';
import type { LocalCloud } from '../index.js';
import type { GameDayRequest, GameDayTraffic } from '../profile.js';
import type { AlarmDefinition, LocalCloudWatch, MetricStat } from '../services/cloudwatch/index.js';

/** A GET route of the API that invokes a function (no body needed). */
export interface FunctionRoute {
  readonly functionName: string;
  readonly logGroupName: string;
  readonly request: GameDayRequest;
}

/** What scenarios act on. */
export interface GameDayContext {
  readonly cloud: LocalCloud;
  readonly cloudwatch: LocalCloudWatch;
  readonly faults: FaultRegistry;
  /** The app's heaviest write and read, from its profile. */
  readonly traffic: GameDayTraffic | undefined;
  /** Function-invoking GET routes, in template order. */
  readonly routes: readonly FunctionRoute[];
  /** Calls the API as the game day's signed-in user; resolves with the HTTP status. */
  call(request: GameDayRequest): Promise<number>;
  /** HTTP statuses of the calls so far, counted (0: no answer). */
  readonly responses: Map<number, number>;
}

/** A scenario's alarm and what it acts on, or why it cannot run. */
export type Plan =
  | { readonly alarm: AlarmDefinition; readonly target: string }
  | { readonly missing: string };

export interface Scenario {
  readonly name: string;
  /**
   * `fast`: runs with the fast clock (long windows pass in seconds), and in the quick run (in `npm
   * test`). `load`: its alarm is a rate or an average over requests, which compressing time would
   * dilute below what the machine can generate, so it runs with the slower clock, and only in the
   * full run, since it needs sustained throughput.
   */
  readonly pace: 'fast' | 'load';
  /** What the fault is, for the table. */
  readonly fault: string;
  plan(ctx: GameDayContext): Plan;
  /** Injects the fault and starts its load; the returned function stops both. */
  start(ctx: GameDayContext, target: string, alarm: AlarmDefinition): Promise<() => Promise<void>>;
}

/** Requests in flight at once per load: enough to keep each function's warm workers busy. */
const LOAD_CONCURRENCY = 12;

/** Repeats a request from `concurrency` loops until stopped; the returned function stops and waits. */
export function startLoad(
  ctx: GameDayContext,
  request: GameDayRequest,
  concurrency = LOAD_CONCURRENCY,
): () => Promise<void> {
  let running = true;
  const loops = Array.from({ length: concurrency }, async () => {
    while (running) {
      const status = await ctx.call(request).catch(() => 0);
      ctx.responses.set(status, (ctx.responses.get(status) ?? 0) + 1);
    }
  });
  return async () => {
    running = false;
    await Promise.all(loops);
  };
}

/** Injects a fault; the returned function clears it. */
async function inject(
  ctx: GameDayContext,
  kind: string,
  target: string,
  parameters?: Record<string, number | string>,
): Promise<() => Promise<void>> {
  const fault = await ctx.faults.inject({ kind, target, ...(parameters ? { parameters } : {}) });
  return async () => {
    await ctx.faults.clear(fault.id);
  };
}

/** Injects a fault and repeats `request` while it holds; the returned function clears and stops both. */
async function injectUnderLoad(
  ctx: GameDayContext,
  fault: {
    readonly kind: string;
    readonly target: string;
    readonly parameters?: Record<string, number | string>;
  },
  request: GameDayRequest | undefined,
  concurrency: number,
): Promise<() => Promise<void>> {
  const clear = await inject(ctx, fault.kind, fault.target, fault.parameters);
  const stop = request ? startLoad(ctx, request, concurrency) : async () => {};
  return async () => {
    await clear();
    await stop();
  };
}

const watches = (metric: MetricStat | undefined, namespace: string, metricName: string) =>
  metric?.namespace === namespace && metric.metricName === metricName;

/** The first alarm watching one metric (with exactly these dimension names, if given). */
function alarmOn(
  ctx: GameDayContext,
  namespace: string,
  metricName: string,
  dimensionNames?: readonly string[],
): AlarmDefinition | undefined {
  return ctx.cloudwatch.alarmStates().find(
    (alarm) =>
      !alarm.expression &&
      watches(alarm.metrics[0], namespace, metricName) &&
      (dimensionNames === undefined ||
        Object.keys(alarm.metrics[0]?.dimensions ?? {})
          .sort()
          .join() === [...dimensionNames].sort().join()),
  );
}

/** The alarm on a function's error-log metric (its log group's metric filter). */
function logErrorAlarm(ctx: GameDayContext, route: FunctionRoute): AlarmDefinition | undefined {
  const filters = ctx.cloudwatch.metricFilters().filter((f) => f.logGroupName === route.logGroupName);
  return ctx.cloudwatch
    .alarmStates()
    .find((alarm) => filters.some((f) => watches(alarm.metrics[0], f.namespace, f.metricName)));
}

function planned(alarm: AlarmDefinition | undefined, target: string | undefined, what: string): Plan {
  if (!alarm) return { missing: `no alarm watches ${what}` };
  if (alarm.notEvaluated) return { missing: `${alarm.alarmName} is not evaluated: ${alarm.notEvaluated}` };
  if (target === undefined) return { missing: `nothing to act on for ${alarm.alarmName}` };
  return { alarm, target };
}

function routeOf(ctx: GameDayContext, functionName: string): FunctionRoute {
  const route = ctx.routes.find((r) => r.functionName === functionName);
  if (!route) throw new Error(`No API route invokes ${functionName}.`);
  return route;
}

/** A second route when there is one, so the API scenarios do not repeat the function error's. */
const otherRoute = (ctx: GameDayContext) => ctx.routes[1] ?? ctx.routes[0];

/** The capacity alarm: metric math over the table's (and its indexes') consumed units. */
function capacityAlarm(ctx: GameDayContext, metricName: string): AlarmDefinition | undefined {
  return ctx.cloudwatch
    .alarmStates()
    .find(
      (alarm) => alarm.expression !== undefined && alarm.metrics.some((m) => m.metricName === metricName),
    );
}

/** A DynamoDB alarm's plan: it needs the app's traffic, and acts on the alarm's table. */
function tablePlan(ctx: GameDayContext, alarm: AlarmDefinition | undefined, what: string): Plan {
  if (!ctx.traffic) return { missing: 'the app profile gives no game-day traffic (profile.gameDay)' };
  return planned(alarm, alarm?.metrics[0]?.dimensions.TableName, what);
}

function throttleScenario(name: string, operations: 'reads' | 'writes'): Scenario {
  const metricName = operations === 'reads' ? 'ReadThrottleEvents' : 'WriteThrottleEvents';
  return {
    name,
    pace: 'fast',
    fault: `dynamodb-throttle (${operations})`,
    plan: (ctx) =>
      tablePlan(
        ctx,
        alarmOn(ctx, 'AWS/DynamoDB', metricName, ['TableName']),
        `AWS/DynamoDB ${metricName} of a table`,
      ),
    start: (ctx, table) =>
      injectUnderLoad(
        ctx,
        { kind: 'dynamodb-throttle', target: table, parameters: { operations } },
        ctx.traffic?.[operations === 'reads' ? 'read' : 'write'],
        2,
      ),
  };
}

function capacityScenario(name: string, kind: 'read' | 'write'): Scenario {
  const metricName = kind === 'read' ? 'ConsumedReadCapacityUnits' : 'ConsumedWriteCapacityUnits';
  return {
    name,
    pace: 'load',
    fault: `load: the app's heaviest ${kind}s`,
    plan: (ctx) => tablePlan(ctx, capacityAlarm(ctx, metricName), `AWS/DynamoDB ${metricName}`),
    async start(ctx) {
      const request = ctx.traffic?.[kind];
      if (!request) throw new Error('No game-day traffic.');
      return startLoad(ctx, request);
    },
  };
}

function stressScenario(name: string, kind: 'cpu' | 'memory'): Scenario {
  const metricName = kind === 'cpu' ? 'CPUUtilization' : 'MemoryUtilization';
  return {
    name,
    pace: 'fast',
    fault: `ecs-${kind}-stress`,
    plan(ctx) {
      const alarm = alarmOn(ctx, 'AWS/ECS', metricName, ['ClusterName', 'ServiceName']);
      return planned(alarm, alarm?.metrics[0]?.dimensions.ServiceName, `AWS/ECS ${metricName} of a service`);
    },
    start: (ctx, service) =>
      inject(ctx, `ecs-${kind}-stress`, service, { percent: kind === 'cpu' ? 100 : 95 }),
  };
}

/**
 * An alarm on an API Gateway metric: the fault goes into the function behind a second route (so it
 * does not repeat the function error's), and that route is called while it holds.
 */
function apiScenario(
  name: string,
  metricName: string,
  fault: {
    readonly kind: 'lambda-error' | 'lambda-latency';
    readonly parameters?: (alarm: AlarmDefinition) => Record<string, number>;
  },
  load: { readonly pace: Scenario['pace']; readonly concurrency: number },
): Scenario {
  return {
    name,
    pace: load.pace,
    fault: fault.kind,
    plan: (ctx) =>
      planned(
        alarmOn(ctx, 'AWS/ApiGateway', metricName),
        otherRoute(ctx)?.functionName,
        `AWS/ApiGateway ${metricName}`,
      ),
    start: (ctx, functionName, alarm) =>
      injectUnderLoad(
        ctx,
        { kind: fault.kind, target: functionName, parameters: fault.parameters?.(alarm) },
        routeOf(ctx, functionName).request,
        load.concurrency,
      ),
  };
}

/** The seed alarms' scenarios, in the order the game day runs them. */
export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'function error',
    pace: 'fast',
    fault: 'lambda-error',
    plan(ctx) {
      const route = ctx.routes.find((r) => logErrorAlarm(ctx, r));
      const alarm = route ? logErrorAlarm(ctx, route) : undefined;
      return planned(alarm, route?.functionName, "a function's error-log metric");
    },
    start: (ctx, functionName) =>
      injectUnderLoad(
        ctx,
        { kind: 'lambda-error', target: functionName },
        routeOf(ctx, functionName).request,
        1,
      ),
  },
  apiScenario('API 5XX', '5XXError', { kind: 'lambda-error' }, { pace: 'fast', concurrency: 1 }),
  apiScenario(
    'API latency',
    'Latency',
    // Half a second past the threshold: slow enough to breach, well inside the function's timeout.
    { kind: 'lambda-latency', parameters: (alarm) => ({ delayMs: alarm.threshold + 500 }) },
    { pace: 'load', concurrency: 4 },
  ),
  capacityScenario('DynamoDB write units', 'write'),
  capacityScenario('DynamoDB read units', 'read'),
  throttleScenario('DynamoDB write throttling', 'writes'),
  throttleScenario('DynamoDB read throttling', 'reads'),
  stressScenario('ECS CPU', 'cpu'),
  stressScenario('ECS memory', 'memory'),
];
