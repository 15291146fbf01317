/**
 * CloudWatch alarms, evaluated from the template's own `AWS::CloudWatch::Alarm` definitions —
 * single-metric and metric-math alarms — against the metrics the local services record. A state
 * change publishes the alarm's notification, in CloudWatch's JSON shape, to the alarm's SNS topics
 * through one function ({@link LocalCloudWatch.publishAlarmNotification}).
 */
import { type AssemblyResource, resourcesOf } from '../../assembly/index.js';
import { generatedName, LOCAL_ACCOUNT_ID, type PhysicalIds } from '../../intrinsics/physical-ids.js';
import {
  addedAndRemoved,
  type LocalService,
  planOf,
  type ReloadPlan,
  type ServiceContext,
  type ServiceDescription,
} from '../../service.js';
import type {
  Alarm,
  AlarmDefinition,
  AlarmHistoryItem,
  AlarmNotification,
  AlarmState,
  AlarmsView,
  MetricStat,
} from '../../views.js';
import type { PublishRequest, PublishResult } from '../sns/index.js';
import { compileMetricMath, type MathExpression } from './metric-math.js';
import { type MetricFilter, MetricStore, metricFilterOf, metricKey } from './metrics.js';

export type { MetricSink } from './metrics.js';
export type { Alarm, AlarmDefinition, AlarmHistoryItem, AlarmNotification, AlarmState, MetricStat };

/** Publishes to a local SNS topic. */
export interface AlarmTopics {
  publish(request: PublishRequest): PublishResult;
}

export interface LocalCloudWatchOptions {
  readonly ids: PhysicalIds;
  readonly log: (line: string) => void;
  /** Metric names the running services record, by namespace (filter metrics come on top). */
  readonly observed?: ReadonlyMap<string, ReadonlySet<string>>;
  /**
   * Multiplies every alarm period locally, so a 60 s alarm decides in 0.6 s (0.01). Metric math's
   * `PERIOD()` stays the template's period: rates are per simulated second.
   * @default 1
   */
  readonly periodScale?: number;
  /**
   * Why CloudWatch may not publish an alarm's state change to a topic (topic or key policy), in
   * the words of the alarm's history; undefined when it may. @default every publication is allowed
   */
  readonly actionError?: (alarmName: string, topicArn: string) => string | undefined;
  /** The local SNS; without it alarm actions have nowhere to go (logged). */
  readonly topics?: AlarmTopics;
}

/** State changes kept per alarm for the console. */
const HISTORY_LENGTH = 100;

export class LocalCloudWatch implements LocalService {
  readonly metrics: MetricStore;
  private alarms: AlarmDefinition[];
  private expressions = new Map<string, MathExpression>();
  private readonly states = new Map<string, AlarmState>();
  private readonly histories = new Map<string, AlarmHistoryItem[]>();
  private readonly sent: AlarmNotification[] = [];
  private filters: MetricFilter[];
  private readonly configuredAt = new Date().toISOString();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: LocalCloudWatchOptions) {
    const setup = this.read(options.ids);
    this.filters = setup.filters;
    this.metrics = new MetricStore(this.filters);
    this.alarms = setup.alarms;
    this.expressions = setup.expressions;
    for (const alarm of this.alarms) {
      this.states.set(alarm.alarmName, 'INSUFFICIENT_DATA');
      this.histories.set(alarm.alarmName, []);
    }
  }

  /**
   * Infra live reload: the new template's alarms and metric filters. Recorded metrics stay; an
   * alarm that is still there keeps its state and history, and is judged by its new definition
   * (threshold, periods) from the next evaluation on.
   */
  reload(ctx: ServiceContext): ReloadPlan {
    const setup = this.read(ctx.ids);
    const before = new Map(this.alarms.map((alarm) => [alarm.alarmName, JSON.stringify(alarm)]));
    const after = new Map(setup.alarms.map((alarm) => [alarm.alarmName, JSON.stringify(alarm)]));
    const changes = [
      ...addedAndRemoved(before.keys(), after.keys(), 'alarm'),
      ...[...after]
        .filter(([name, alarm]) => before.has(name) && before.get(name) !== alarm)
        .map(([name]) => `alarm ${name}`),
    ];
    const filtersChanged = JSON.stringify(setup.filters) !== JSON.stringify(this.filters);
    if (filtersChanged) changes.push(`${setup.filters.length} metric filters`);
    return planOf(changes, async () => {
      this.metrics.setFilters(setup.filters);
      this.filters = setup.filters;
      this.alarms = setup.alarms;
      this.expressions = setup.expressions;
      for (const alarm of this.alarms) {
        if (!this.states.has(alarm.alarmName)) this.states.set(alarm.alarmName, 'INSUFFICIENT_DATA');
        if (!this.histories.has(alarm.alarmName)) this.histories.set(alarm.alarmName, []);
      }
      await this.stop();
      await this.start();
    });
  }

  /** The filters, alarms and compiled metric math of an assembly. */
  private read(ids: PhysicalIds): {
    filters: MetricFilter[];
    alarms: AlarmDefinition[];
    expressions: Map<string, MathExpression>;
  } {
    const filters = resourcesOf(ids.source, 'AWS::Logs::MetricFilter').flatMap((resource) =>
      metricFilterOf(resource, (property) => ids.resolve(resource, property)),
    );
    const expressions = new Map<string, MathExpression>();
    const filterMetric = (namespace: string, metricName: string) =>
      filters.some((f) => f.namespace === namespace && f.metricName === metricName);
    const alarms = resourcesOf(ids.source, 'AWS::CloudWatch::Alarm').map((resource) =>
      this.alarmOf(resource, ids, expressions, filterMetric),
    );
    return { filters, alarms, expressions };
  }

  /** The factor alarm periods are multiplied by (the clock factor of time-compressed runs). */
  get periodScale(): number {
    return this.options.periodScale ?? 1;
  }

  async start(): Promise<void> {
    const scaled = this.alarms
      .filter((a) => !a.notEvaluated)
      .map((a) => a.periodSeconds * 1000 * this.periodScale);
    if (scaled.length === 0) return;
    const interval = Math.min(10_000, Math.max(50, Math.min(...scaled) / 4));
    this.timer = setInterval(() => this.evaluate(), interval);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  describe(): ServiceDescription {
    return {
      name: 'CloudWatch',
      resources: [
        ...this.alarms.map((alarm) => ({
          logicalId: alarm.logicalId,
          type: 'AWS::CloudWatch::Alarm',
          ...(alarm.notEvaluated ? { warning: `not evaluated: ${alarm.notEvaluated}` } : {}),
          detail: alarm.notEvaluated ? `NOT EVALUATED: ${alarm.notEvaluated}` : describeAlarm(alarm),
        })),
        ...this.filters.map((filter) => ({
          logicalId: filter.logicalId,
          type: 'AWS::Logs::MetricFilter',
          detail: `${filter.logGroupName} "${filter.pattern}" → ${filter.namespace}/${filter.metricName}`,
        })),
      ],
    };
  }

  /** Every alarm with its current state and its state changes, for `/_local/alarms`. */
  alarmStates(): Alarm[] {
    return this.alarms.map((alarm) => ({
      ...alarm,
      state: this.states.get(alarm.alarmName) ?? 'INSUFFICIENT_DATA',
      history: this.histories.get(alarm.alarmName) ?? [],
    }));
  }

  /** The template's log metric filters, resolved. */
  metricFilters(): readonly MetricFilter[] {
    return this.filters;
  }

  /** Every publication of an alarm notification so far. */
  notifications(): readonly AlarmNotification[] {
    return this.sent;
  }

  localViews(): ReadonlyMap<string, () => unknown> {
    return new Map<string, () => unknown>([
      [
        'alarms',
        (): AlarmsView => ({
          periodScale: this.periodScale,
          alarms: this.alarmStates(),
          notifications: this.notifications(),
        }),
      ],
      ['metrics', () => this.metricsView()],
    ]);
  }

  /** Evaluates every alarm once (the timer calls this; tests may too). */
  evaluate(now = Date.now()): void {
    for (const alarm of this.alarms) {
      if (alarm.notEvaluated) continue;
      const { state, reason } = this.evaluateAlarm(alarm, now);
      const old = this.states.get(alarm.alarmName) ?? 'INSUFFICIENT_DATA';
      if (state === old) continue;
      this.states.set(alarm.alarmName, state);
      const change: AlarmHistoryItem = {
        time: new Date(now).toISOString(),
        oldState: old,
        newState: state,
        reason,
      };
      const history = this.histories.get(alarm.alarmName) ?? [];
      history.push(change);
      if (history.length > HISTORY_LENGTH) history.shift();
      // Settling from INSUFFICIENT_DATA to OK at start is not news; entering or leaving ALARM is.
      if (old === 'ALARM' || state === 'ALARM')
        this.options.log(`[CloudWatch] Alarm ${alarm.alarmName}: ${old} → ${state} (${reason})`);
      for (const topicArn of alarm.actions[state]) this.publishAlarmNotification(alarm, topicArn, change);
    }
  }

  /**
   * The one place CloudWatch publishes to SNS: the alarm's notification, as CloudWatch sends it,
   * published as `cloudwatch.amazonaws.com` on behalf of the alarm (its ARN is the source).
   */
  private publishAlarmNotification(alarm: AlarmDefinition, topicArn: string, change: AlarmHistoryItem): void {
    const refused = this.options.actionError?.(alarm.alarmName, topicArn);
    if (refused !== undefined) {
      this.options.log(`[CloudWatch] Alarm ${alarm.alarmName}: ${refused}`);
      return;
    }
    const request: PublishRequest = {
      topicArn,
      subject: `${change.newState}: "${alarm.alarmName}" in ${regionName(alarm.region)}`.slice(0, 100),
      message: JSON.stringify(alarmMessage(alarm, change, this.configuredAt)),
      publisher: {
        principal: 'cloudwatch.amazonaws.com',
        sourceArn: alarm.alarmArn,
        sourceAccount: LOCAL_ACCOUNT_ID,
      },
    };
    let result: AlarmNotification['result'];
    try {
      if (!this.options.topics) throw new Error('no local SNS runs');
      result = this.options.topics.publish(request);
    } catch (err) {
      result = { error: (err as Error).message };
      this.options.log(`[CloudWatch] ${alarm.alarmName} could not notify ${topicArn}: ${result.error}`);
    }
    this.sent.push({ ...change, topicArn, alarmName: alarm.alarmName, result });
  }

  private evaluateAlarm(alarm: AlarmDefinition, now: number): { state: AlarmState; reason: string } {
    const periodMs = alarm.periodSeconds * 1000 * this.periodScale;
    // The newest period includes "now": locally an alarm should react while you watch.
    const values: Array<number | undefined> = [];
    for (let i = 0; i < alarm.evaluationPeriods; i++) {
      const to = now + 1 - i * periodMs;
      values.push(this.periodValue(alarm, to - periodMs, to));
    }
    const symbol = comparisonSymbol(alarm.comparison);
    const present = values.filter((v): v is number => v !== undefined);
    if (present.length === 0) {
      const periods = `${values.length} period${values.length === 1 ? '' : 's'}`;
      if (alarm.treatMissingData === 'breaching')
        return { state: 'ALARM', reason: `no datapoints for ${periods}, treated as breaching` };
      if (alarm.treatMissingData === 'notBreaching')
        return { state: 'OK', reason: `no datapoints for ${periods}, treated as not breaching` };
      if (alarm.treatMissingData === 'ignore')
        return {
          state: this.states.get(alarm.alarmName) ?? 'INSUFFICIENT_DATA',
          reason: `no datapoints for ${periods}, ignored`,
        };
      return { state: 'INSUFFICIENT_DATA', reason: `no datapoints for ${periods}` };
    }
    const breaching = values.filter((v) =>
      v === undefined
        ? alarm.treatMissingData === 'breaching'
        : compare(alarm.comparison, v, alarm.threshold),
    ).length;
    const state = breaching >= alarm.datapointsToAlarm ? 'ALARM' : 'OK';
    const list = values.map((v) => (v === undefined ? '–' : round(v))).join(', ');
    const reason =
      state === 'ALARM'
        ? `${breaching} of the last ${values.length} datapoints [${list}] ${symbol} ${alarm.threshold}`
        : `datapoints [${list}] not ${symbol} ${alarm.threshold} in ${alarm.datapointsToAlarm} of ${values.length}`;
    return { state, reason };
  }

  /** The value an alarm compares for one period: its metric's statistic, or its metric math. */
  private periodValue(alarm: AlarmDefinition, from: number, to: number): number | undefined {
    const values = new Map<string, number | undefined>();
    const periods = new Map<string, number>();
    for (const metric of alarm.metrics) {
      const points = this.metrics.datapoints(
        metricKey(metric.namespace, metric.metricName, metric.dimensions),
        from,
        to,
      );
      values.set(metric.id, points.length === 0 ? undefined : statistic(metric.statistic, points));
      periods.set(metric.id, metric.periodSeconds);
    }
    const expression = this.expressions.get(alarm.alarmName);
    if (expression) return expression(values, periods);
    return values.get(alarm.metrics[0]?.id ?? '');
  }

  /**
   * Every recorded metric, in buckets of one (simulated) minute: what the dashboard charts from.
   * `t` is the bucket's start (epoch ms); average = sum / count.
   */
  private metricsView() {
    const bucketMs = 60_000 * this.periodScale;
    return {
      periodScale: this.periodScale,
      bucketMs,
      series: this.metrics.metrics().map(({ id, points }) => {
        const buckets = new Map<
          number,
          { t: number; sum: number; count: number; min: number; max: number }
        >();
        for (const point of points.slice(-5000)) {
          const t = Math.floor(point.time / bucketMs) * bucketMs;
          const bucket = buckets.get(t) ?? { t, sum: 0, count: 0, min: point.value, max: point.value };
          bucket.sum += point.value;
          bucket.count += 1;
          bucket.min = Math.min(bucket.min, point.value);
          bucket.max = Math.max(bucket.max, point.value);
          buckets.set(t, bucket);
        }
        return { ...id, buckets: [...buckets.values()].slice(-60) };
      }),
    };
  }

  private alarmOf(
    resource: AssemblyResource,
    ids: PhysicalIds,
    expressions: Map<string, MathExpression>,
    filterMetric: (namespace: string, metricName: string) => boolean,
  ): AlarmDefinition {
    const alarmName = (() => {
      try {
        return String(ids.resolve(resource, 'AlarmName') ?? generatedName(resource));
      } catch {
        return generatedName(resource);
      }
    })();
    const base = {
      logicalId: resource.logicalId,
      alarmName,
      alarmArn: `arn:aws:cloudwatch:${resource.stack.region}:${LOCAL_ACCOUNT_ID}:alarm:${alarmName}`,
      region: resource.stack.region,
    };
    try {
      const alarm = { ...base, ...this.readAlarm(resource, ids) };
      const reason = this.whyNotEvaluated(alarm, expressions, filterMetric);
      return reason === undefined ? alarm : { ...alarm, notEvaluated: reason };
    } catch (err) {
      return { ...base, ...UNREADABLE_ALARM, notEvaluated: (err as Error).message };
    }
  }

  private readAlarm(resource: AssemblyResource, ids: PhysicalIds): AlarmBody {
    const get = (property: string) => ids.resolve(resource, property);
    const evaluationPeriods = Number(get('EvaluationPeriods') ?? 1);
    const topics = (property: string) =>
      ((get(property) ?? []) as unknown[]).map(String).filter((arn) => arn.includes(':sns:'));
    const description = get('AlarmDescription');
    const math = get('Metrics') as MathMetric[] | undefined;
    const metrics: MetricStat[] = math
      ? math.flatMap((m) => (m.MetricStat ? [metricStatOf(m.Id, m.MetricStat)] : []))
      : [
          {
            id: 'm1',
            namespace: String(get('Namespace') ?? ''),
            metricName: String(get('MetricName') ?? ''),
            dimensions: dimensionsOf(get('Dimensions')),
            statistic: String(get('Statistic') ?? get('ExtendedStatistic') ?? 'Average'),
            periodSeconds: Number(get('Period') ?? 60),
          },
        ];
    const returned = math?.find((m) => m.ReturnData !== false && m.Expression !== undefined);
    if (math && !returned) throw new Error('its Metrics return no expression');
    return {
      ...(typeof description === 'string' ? { description } : {}),
      metrics,
      ...(returned
        ? {
            expression: {
              id: returned.Id,
              text: String(returned.Expression),
              ...(returned.Label ? { label: returned.Label } : {}),
            },
          }
        : {}),
      periodSeconds: Number(returned?.Period ?? metrics[0]?.periodSeconds ?? get('Period') ?? 60),
      evaluationPeriods,
      datapointsToAlarm: Number(get('DatapointsToAlarm') ?? evaluationPeriods),
      threshold: Number(get('Threshold') ?? 0),
      comparison: String(get('ComparisonOperator') ?? 'GreaterThanOrEqualToThreshold'),
      treatMissingData: String(get('TreatMissingData') ?? 'missing'),
      actions: {
        ALARM: topics('AlarmActions'),
        OK: topics('OKActions'),
        INSUFFICIENT_DATA: topics('InsufficientDataActions'),
      },
    };
  }

  private whyNotEvaluated(
    alarm: AlarmDefinition,
    expressions: Map<string, MathExpression>,
    filterMetric: (namespace: string, metricName: string) => boolean,
  ): string | undefined {
    if (alarm.expression) {
      try {
        expressions.set(
          alarm.alarmName,
          compileMetricMath(alarm.expression.text, new Set(alarm.metrics.map((m) => m.id))),
        );
      } catch (err) {
        return (err as Error).message;
      }
    }
    for (const metric of alarm.metrics) {
      if (filterMetric(metric.namespace, metric.metricName)) continue;
      if (this.options.observed?.get(metric.namespace)?.has(metric.metricName)) continue;
      return `${metric.namespace} ${metric.metricName} is not observed by the local cloud`;
    }
    return undefined;
  }
}

/** A metric-math entry of an alarm's `Metrics`. */
interface MathMetric {
  readonly Id: string;
  readonly Expression?: string;
  readonly Label?: string;
  readonly ReturnData?: boolean;
  readonly Period?: number;
  readonly MetricStat?: {
    readonly Metric: {
      readonly Namespace: string;
      readonly MetricName: string;
      readonly Dimensions?: unknown;
    };
    readonly Period: number;
    readonly Stat: string;
  };
}

function metricStatOf(id: string, stat: NonNullable<MathMetric['MetricStat']>): MetricStat {
  return {
    id,
    namespace: stat.Metric.Namespace,
    metricName: stat.Metric.MetricName,
    dimensions: dimensionsOf(stat.Metric.Dimensions),
    statistic: stat.Stat,
    periodSeconds: Number(stat.Period),
  };
}

function dimensionsOf(raw: unknown): Record<string, string> {
  return Object.fromEntries(
    ((raw ?? []) as Array<{ Name: string; Value: unknown }>).map((d) => [d.Name, String(d.Value)]),
  );
}

/** An alarm's definition apart from its names. */
type AlarmBody = Omit<AlarmDefinition, 'logicalId' | 'alarmName' | 'alarmArn' | 'region'>;

const UNREADABLE_ALARM = {
  metrics: [],
  periodSeconds: 60,
  evaluationPeriods: 1,
  datapointsToAlarm: 1,
  threshold: 0,
  comparison: '',
  treatMissingData: '',
  actions: { OK: [], ALARM: [], INSUFFICIENT_DATA: [] },
} satisfies AlarmBody;

function describeAlarm(alarm: AlarmDefinition): string {
  const [first] = alarm.metrics;
  const what = alarm.expression
    ? `${alarm.expression.text} (${alarm.metrics.map((m) => `${m.id} = ${m.namespace} ${m.metricName} ${m.statistic}`).join(', ')})`
    : `${first?.namespace} ${first?.metricName} ${first?.statistic}`;
  return `${what} ${comparisonSymbol(alarm.comparison)} ${alarm.threshold} over ${alarm.datapointsToAlarm}/${alarm.evaluationPeriods}×${alarm.periodSeconds}s`;
}

/**
 * The notification CloudWatch publishes for a state change (the JSON an SNS subscriber receives
 * as the message), with the trigger as the alarm defines it.
 */
export function alarmMessage(alarm: AlarmDefinition, change: AlarmHistoryItem, configuredAt: string) {
  const dimensions = (d: Readonly<Record<string, string>>) =>
    Object.entries(d).map(([name, value]) => ({ value, name }));
  const [first] = alarm.metrics;
  const common = {
    Period: alarm.periodSeconds,
    EvaluationPeriods: alarm.evaluationPeriods,
    DatapointsToAlarm: alarm.datapointsToAlarm,
    ComparisonOperator: alarm.comparison,
    Threshold: alarm.threshold,
    TreatMissingData: alarm.treatMissingData,
    EvaluateLowSampleCountPercentile: '',
  };
  const trigger =
    alarm.expression || !first
      ? {
          ...common,
          Metrics: [
            ...(alarm.expression
              ? [
                  {
                    Expression: alarm.expression.text,
                    Id: alarm.expression.id,
                    ...(alarm.expression.label ? { Label: alarm.expression.label } : {}),
                    ReturnData: true,
                  },
                ]
              : []),
            ...alarm.metrics.map((m) => ({
              Id: m.id,
              MetricStat: {
                Metric: {
                  Dimensions: dimensions(m.dimensions),
                  MetricName: m.metricName,
                  Namespace: m.namespace,
                },
                Period: m.periodSeconds,
                Stat: m.statistic,
              },
              ReturnData: false,
            })),
          ],
        }
      : {
          MetricName: first.metricName,
          Namespace: first.namespace,
          StatisticType: 'Statistic',
          Statistic: first.statistic.toUpperCase(),
          Unit: null,
          Dimensions: dimensions(first.dimensions),
          ...common,
        };
  return {
    AlarmName: alarm.alarmName,
    AlarmDescription: alarm.description ?? null,
    AWSAccountId: LOCAL_ACCOUNT_ID,
    AlarmConfigurationUpdatedTimestamp: cloudWatchTime(configuredAt),
    NewStateValue: change.newState,
    NewStateReason: change.reason,
    StateChangeTime: cloudWatchTime(change.time),
    Region: regionName(alarm.region),
    AlarmArn: alarm.alarmArn,
    OldStateValue: change.oldState,
    OKActions: alarm.actions.OK,
    AlarmActions: alarm.actions.ALARM,
    InsufficientDataActions: alarm.actions.INSUFFICIENT_DATA,
    Trigger: trigger,
  };
}

/** `2026-11-24T12:00:00.000+0000`, as CloudWatch writes times in notifications. */
function cloudWatchTime(iso: string): string {
  return iso.replace(/Z$/, '+0000');
}

/** Region names as notifications spell them; a region not listed keeps its code. */
const REGION_NAMES = new Map([
  ['us-east-1', 'US East (N. Virginia)'],
  ['us-east-2', 'US East (Ohio)'],
  ['us-west-1', 'US West (N. California)'],
  ['us-west-2', 'US West (Oregon)'],
  ['eu-west-1', 'EU (Ireland)'],
  ['eu-west-2', 'EU (London)'],
  ['eu-west-3', 'EU (Paris)'],
  ['eu-central-1', 'EU (Frankfurt)'],
  ['eu-north-1', 'EU (Stockholm)'],
  ['ap-southeast-1', 'Asia Pacific (Singapore)'],
  ['ap-southeast-2', 'Asia Pacific (Sydney)'],
  ['ap-northeast-1', 'Asia Pacific (Tokyo)'],
]);

function regionName(region: string): string {
  return REGION_NAMES.get(region) ?? region;
}

function statistic(name: string, values: number[]): number {
  switch (name) {
    case 'Sum':
      return values.reduce((a, b) => a + b, 0);
    case 'SampleCount':
      return values.length;
    case 'Minimum':
      return Math.min(...values);
    case 'Maximum':
      return Math.max(...values);
    default: {
      const percentile = /^p(\d+(?:\.\d+)?)$/.exec(name);
      if (percentile) {
        const sorted = [...values].sort((a, b) => a - b);
        return (
          sorted[Math.min(sorted.length - 1, Math.ceil((Number(percentile[1]) / 100) * sorted.length) - 1)] ??
          0
        );
      }
      return values.reduce((a, b) => a + b, 0) / values.length;
    }
  }
}

function compare(operator: string, value: number, threshold: number): boolean {
  switch (operator) {
    case 'GreaterThanThreshold':
      return value > threshold;
    case 'LessThanThreshold':
      return value < threshold;
    case 'LessThanOrEqualToThreshold':
      return value <= threshold;
    default:
      return value >= threshold;
  }
}

const COMPARISON_SYMBOLS = new Map([
  ['GreaterThanThreshold', '>'],
  ['LessThanThreshold', '<'],
  ['LessThanOrEqualToThreshold', '≤'],
]);

function comparisonSymbol(operator: string): string {
  return COMPARISON_SYMBOLS.get(operator) ?? '≥';
}

function round(value: number): string {
  return String(Math.round(value * 100) / 100);
}
