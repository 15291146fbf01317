/**
 * The metrics the local cloud observes itself: what Lambda and API Gateway would publish to
 * CloudWatch, plus the custom metrics of the template's log metric filters.
 */
import type { AssemblyResource } from '../../assembly/index.js';

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

  constructor(
    private readonly filters: readonly MetricFilter[] = [],
    private readonly clock: () => number = Date.now,
  ) {}

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
    for (const filter of this.filters) {
      if (filter.logGroupName === logGroupName && matchesFilterPattern(filter.pattern, line)) {
        this.record(filter.namespace, filter.metricName, {}, filter.value);
      }
    }
  }

  datapoints(key: string, from: number, to: number): number[] {
    return (this.series.get(key) ?? []).filter((p) => p.time >= from && p.time < to).map((p) => p.value);
  }

  /** Whether a metric filter feeds this namespace and name. */
  isFilterMetric(namespace: string, metricName: string): boolean {
    return this.filters.some((f) => f.namespace === namespace && f.metricName === metricName);
  }
}

/**
 * CloudWatch Logs filter-pattern matching for term patterns: `ERROR`, `"some phrase"`, all terms
 * must match; `?A ?B` any term; `-term` must not match; `""` or ` ` matches everything. JSON and
 * space-delimited patterns match lines containing each quoted value (an approximation).
 */
export function matchesFilterPattern(pattern: string, line: string): boolean {
  const trimmed = pattern.trim();
  if (trimmed === '' || trimmed === '""') return true;
  const terms = [...trimmed.matchAll(/([?-]?)(?:"([^"]*)"|([^\s"]+))/g)].map((m) => ({
    op: m[1] ?? '',
    text: m[2] ?? m[3] ?? '',
  }));
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    const quoted = [...trimmed.matchAll(/"([^"]*)"/g)].map((m) => m[1] ?? '');
    return quoted.every((text) => line.includes(text));
  }
  const any = terms.filter((t) => t.op === '?');
  if (any.length > 0) return any.some((t) => line.includes(t.text));
  return terms.every((t) => (t.op === '-' ? !line.includes(t.text) : line.includes(t.text)));
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
