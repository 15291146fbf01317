/**
 * CloudWatch alarms and SNS notifications, evaluated from the template's own
 * `AWS::CloudWatch::Alarm` definitions against the metrics the local cloud observes. A state change
 * "publishes" to the alarm's SNS topics: a console line, a line in `notifications.jsonl` and the
 * `/_local/alarms` endpoint of the local gateway.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type AssemblyResource, resourcesOf } from '../../assembly/index.js';
import { generatedName, type PhysicalIds } from '../../intrinsics/physical-ids.js';
import type { LocalService, ServiceDescription } from '../../service.js';
import { type MetricFilter, MetricStore, metricFilterOf, metricKey } from './metrics.js';

export type { MetricSink } from './metrics.js';

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

export interface AlarmDefinition {
  readonly logicalId: string;
  readonly alarmName: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Record<string, string>;
  readonly statistic: string;
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly threshold: number;
  readonly comparison: string;
  readonly treatMissingData: string;
  readonly actions: Record<AlarmState, string[]>;
  /** Why the local cloud cannot evaluate it, when it cannot. */
  readonly notEvaluated?: string;
}

const UNREADABLE_ALARM = {
  namespace: '',
  metricName: '',
  dimensions: {},
  statistic: '',
  periodSeconds: 60,
  evaluationPeriods: 1,
  datapointsToAlarm: 1,
  threshold: 0,
  comparison: '',
  treatMissingData: '',
  actions: { OK: [], ALARM: [], INSUFFICIENT_DATA: [] },
} satisfies Omit<AlarmDefinition, 'logicalId' | 'alarmName'>;

export interface AlarmNotification {
  readonly time: string;
  readonly topicArn: string;
  readonly alarmName: string;
  readonly oldState: AlarmState;
  readonly newState: AlarmState;
  readonly reason: string;
}

export interface LocalCloudWatchOptions {
  readonly ids: PhysicalIds;
  /** `notifications.jsonl` goes here; undefined keeps notifications in memory only. */
  readonly dataDir?: string;
  readonly log: (line: string) => void;
  /** Metric names the running services record, by namespace (filter metrics come on top). */
  readonly observed?: ReadonlyMap<string, ReadonlySet<string>>;
  /**
   * Multiplies every alarm period locally, so tests can see a 60 s alarm fire in 0.6 s (0.01).
   * @default 1
   */
  readonly periodScale?: number;
  /**
   * Why CloudWatch may not publish an alarm's state change to a topic (topic or key policy), in
   * the words of the alarm's history; undefined when it may. @default every publication is allowed
   */
  readonly actionError?: (alarmName: string, topicArn: string) => string | undefined;
}

export class LocalCloudWatch implements LocalService {
  readonly metrics: MetricStore;
  private readonly alarms: AlarmDefinition[];
  private readonly states = new Map<string, AlarmState>();
  private readonly sent: AlarmNotification[] = [];
  private readonly filters: MetricFilter[];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: LocalCloudWatchOptions) {
    const { ids } = options;
    this.filters = resourcesOf(ids.source, 'AWS::Logs::MetricFilter').flatMap((resource) =>
      metricFilterOf(resource, (property) => ids.resolve(resource, property)),
    );
    this.metrics = new MetricStore(this.filters);
    this.alarms = resourcesOf(ids.source, 'AWS::CloudWatch::Alarm').map((resource) => this.alarmOf(resource));
    for (const alarm of this.alarms) this.states.set(alarm.alarmName, 'INSUFFICIENT_DATA');
  }

  async start(): Promise<void> {
    const scaled = this.alarms.filter((a) => !a.notEvaluated).map((a) => a.periodSeconds * 1000 * this.scale);
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
          detail: alarm.notEvaluated
            ? `NOT EVALUATED: ${alarm.notEvaluated}`
            : `${alarm.namespace} ${alarm.metricName} ${alarm.statistic} ${comparisonSymbol(alarm.comparison)} ${alarm.threshold} over ${alarm.datapointsToAlarm}/${alarm.evaluationPeriods}×${alarm.periodSeconds}s`,
        })),
        ...this.filters.map((filter) => ({
          logicalId: filter.logicalId,
          type: 'AWS::Logs::MetricFilter',
          detail: `${filter.logGroupName} "${filter.pattern}" → ${filter.namespace}/${filter.metricName}`,
        })),
      ],
    };
  }

  /** Every alarm with its current state, for `/_local/alarms`. */
  alarmStates(): Array<AlarmDefinition & { state: AlarmState }> {
    return this.alarms.map((alarm) => ({
      ...alarm,
      state: this.states.get(alarm.alarmName) ?? 'INSUFFICIENT_DATA',
    }));
  }

  notifications(): readonly AlarmNotification[] {
    return this.sent;
  }

  localViews(): ReadonlyMap<string, () => unknown> {
    return new Map([['alarms', () => ({ alarms: this.alarmStates(), notifications: this.notifications() })]]);
  }

  /** Evaluates every alarm once (the timer calls this; tests may too). */
  evaluate(now = Date.now()): void {
    for (const alarm of this.alarms) {
      if (alarm.notEvaluated) continue;
      const { state, reason } = this.evaluateAlarm(alarm, now);
      const old = this.states.get(alarm.alarmName) ?? 'INSUFFICIENT_DATA';
      if (state === old) continue;
      this.states.set(alarm.alarmName, state);
      // Settling from INSUFFICIENT_DATA to OK at start is not news; entering or leaving ALARM is.
      if (old === 'ALARM' || state === 'ALARM')
        this.options.log(`[CloudWatch] Alarm ${alarm.alarmName}: ${old} → ${state} (${reason})`);
      for (const topicArn of alarm.actions[state])
        this.publish({
          time: new Date(now).toISOString(),
          topicArn,
          alarmName: alarm.alarmName,
          oldState: old,
          newState: state,
          reason,
        });
    }
  }

  private get scale(): number {
    return this.options.periodScale ?? 1;
  }

  private evaluateAlarm(alarm: AlarmDefinition, now: number): { state: AlarmState; reason: string } {
    const periodMs = alarm.periodSeconds * 1000 * this.scale;
    const key = metricKey(alarm.namespace, alarm.metricName, alarm.dimensions);
    // The newest period includes "now": locally an alarm should react while you watch.
    const values: Array<number | undefined> = [];
    for (let i = 0; i < alarm.evaluationPeriods; i++) {
      const to = now + 1 - i * periodMs;
      const points = this.metrics.datapoints(key, to - periodMs, to);
      values.push(points.length === 0 ? undefined : statistic(alarm.statistic, points));
    }
    const present = values.filter((v): v is number => v !== undefined);
    if (present.length === 0) {
      if (alarm.treatMissingData === 'breaching')
        return { state: 'ALARM', reason: 'no data, treated as breaching' };
      if (alarm.treatMissingData === 'notBreaching')
        return { state: 'OK', reason: 'no data, treated as not breaching' };
      if (alarm.treatMissingData === 'ignore')
        return { state: this.states.get(alarm.alarmName) ?? 'INSUFFICIENT_DATA', reason: 'no data, ignored' };
      return { state: 'INSUFFICIENT_DATA', reason: 'no data' };
    }
    const breaching = values.filter((v) =>
      v === undefined
        ? alarm.treatMissingData === 'breaching'
        : compare(alarm.comparison, v, alarm.threshold),
    ).length;
    const reason = `[${values.map((v) => (v === undefined ? '–' : round(v))).join(', ')}] ${comparisonSymbol(alarm.comparison)} ${alarm.threshold}`;
    return { state: breaching >= alarm.datapointsToAlarm ? 'ALARM' : 'OK', reason };
  }

  private publish(notification: AlarmNotification): void {
    const refused = this.options.actionError?.(notification.alarmName, notification.topicArn);
    if (refused !== undefined) {
      this.options.log(`[CloudWatch] Alarm ${notification.alarmName}: ${refused}`);
      return;
    }
    this.sent.push(notification);
    const topicName = notification.topicArn.split(':').pop() ?? notification.topicArn;
    this.options.log(
      `[SNS] ${topicName}: ${notification.alarmName} is ${notification.newState} (was ${notification.oldState}): ${notification.reason}`,
    );
    if (this.options.dataDir === undefined) return;
    mkdirSync(this.options.dataDir, { recursive: true });
    appendFileSync(join(this.options.dataDir, 'notifications.jsonl'), `${JSON.stringify(notification)}\n`);
  }

  private alarmOf(resource: AssemblyResource): AlarmDefinition {
    try {
      return this.readAlarm(resource);
    } catch (err) {
      return {
        ...UNREADABLE_ALARM,
        logicalId: resource.logicalId,
        alarmName: generatedName(resource),
        notEvaluated: (err as Error).message,
      };
    }
  }

  private readAlarm(resource: AssemblyResource): AlarmDefinition {
    const get = (property: string) => this.options.ids.resolve(resource, property);
    const dimensions = Object.fromEntries(
      ((get('Dimensions') ?? []) as Array<{ Name: string; Value: string }>).map((d) => [
        d.Name,
        String(d.Value),
      ]),
    );
    const namespace = String(get('Namespace') ?? '');
    const metricName = String(get('MetricName') ?? '');
    const evaluationPeriods = Number(get('EvaluationPeriods') ?? 1);
    const topics = (property: string) =>
      ((get(property) ?? []) as unknown[]).map(String).filter((arn) => arn.includes(':sns:'));
    const definition: AlarmDefinition = {
      logicalId: resource.logicalId,
      alarmName: String(get('AlarmName') ?? generatedName(resource)),
      namespace,
      metricName,
      dimensions,
      statistic: String(get('Statistic') ?? get('ExtendedStatistic') ?? 'Average'),
      periodSeconds: Number(get('Period') ?? 60),
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
    const reason = this.whyNotEvaluated(definition, resource);
    return reason === undefined ? definition : { ...definition, notEvaluated: reason };
  }

  private whyNotEvaluated(alarm: AlarmDefinition, resource: AssemblyResource): string | undefined {
    if (resource.properties.Metrics !== undefined) return 'metric math alarms are not evaluated locally';
    if (this.metrics.isFilterMetric(alarm.namespace, alarm.metricName)) return undefined;
    if (this.options.observed?.get(alarm.namespace)?.has(alarm.metricName)) return undefined;
    return `${alarm.namespace} ${alarm.metricName} is not observed by the local cloud`;
  }
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

function comparisonSymbol(operator: string): string {
  return (
    { GreaterThanThreshold: '>', LessThanThreshold: '<', LessThanOrEqualToThreshold: '≤' }[operator] ?? '≥'
  );
}

function round(value: number): string {
  return String(Math.round(value * 100) / 100);
}
