/**
 * The metrics the local cloud observes itself: what Lambda and API Gateway would publish to
 * CloudWatch, plus the custom metrics of the template's log metric filters.
 */
import type { AssemblyResource } from '../../assembly/index.js';
import { compileFilterPattern, type LogEventMatcher } from './filter-pattern.js';

/** Where services report what CloudWatch would see. */
export interface MetricSink {
  record(
    namespace: string,
    metricName: string,
    dimensions: Readonly<Record<string, string>>,
    value: number,
  ): void;
  /** One line a function wrote to its log group; metric filters count matching lines. */
  logLine(logGroupName: string, line: string): void;
}

export interface Datapoint {
  readonly time: number;
  readonly value: number;
}

/** A log metric filter, resolved. */
export interface MetricFilter {
  readonly logicalId: string;
  readonly logGroupName: string;
  readonly pattern: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly value: number;
}

/** Identifies a metric like CloudWatch does: namespace, name and the exact dimension set. */
export function metricKey(
  namespace: string,
  metricName: string,
  dimensions: Readonly<Record<string, string>>,
): string {
  const dims = Object.entries(dimensions)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => `${name}=${value}`)
    .join(',');
  return `${namespace}|${metricName}|${dims}`;
}

export class MetricStore implements MetricSink {
  private readonly series = new Map<string, Datapoint[]>();
  /** Patterns compiled once, at start: a pattern that cannot be evaluated fails there, not per line. */
  private readonly matchers: readonly LogEventMatcher[];

  constructor(
    private readonly filters: readonly MetricFilter[] = [],
    private readonly clock: () => number = Date.now,
  ) {
    this.matchers = filters.map((filter) => compileFilterPattern(filter.pattern));
  }

  record(
    namespace: string,
    metricName: string,
    dimensions: Readonly<Record<string, string>>,
    value: number,
  ): void {
    const key = metricKey(namespace, metricName, dimensions);
    const points = this.series.get(key) ?? [];
    points.push({ time: this.clock(), value });
    // Keep a bounded history: alarms look back a few periods at most.
    if (points.length > 10_000) points.splice(0, points.length - 10_000);
    this.series.set(key, points);
  }

  logLine(logGroupName: string, line: string): void {
    this.filters.forEach((filter, i) => {
      if (filter.logGroupName === logGroupName && this.matchers[i]?.(line)) {
        this.record(filter.namespace, filter.metricName, {}, filter.value);
      }
    });
  }

  datapoints(key: string, from: number, to: number): number[] {
    return (this.series.get(key) ?? []).filter((p) => p.time >= from && p.time < to).map((p) => p.value);
  }

  /** Whether a metric filter feeds this namespace and name. */
  isFilterMetric(namespace: string, metricName: string): boolean {
    return this.filters.some((f) => f.namespace === namespace && f.metricName === metricName);
  }
}

/** Reads an `AWS::Logs::MetricFilter`'s resolved properties. */
export function metricFilterOf(
  resource: AssemblyResource,
  resolve: (property: string) => unknown,
): MetricFilter[] {
  const transformations = (resolve('MetricTransformations') ?? []) as Array<{
    MetricNamespace: string;
    MetricName: string;
    MetricValue?: string;
  }>;
  return transformations.map((t) => ({
    logicalId: resource.logicalId,
    logGroupName: String(resolve('LogGroupName')),
    pattern: String(resolve('FilterPattern') ?? ''),
    namespace: t.MetricNamespace,
    metricName: t.MetricName,
    value: Number(t.MetricValue ?? 1) || 1,
  }));
}
