/**
 * The metrics the local cloud observes itself: what each emulated service would publish to
 * CloudWatch, plus the custom metrics of the template's log metric filters. Every datapoint
 * remembers which service recorded it, and every writer where in the code it was handed out, so a
 * test can prove that only services record metrics (the game day never writes one itself).
 */
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AssemblyResource } from '../../assembly/index.js';
import { REPO_ROOT } from '../../assembly/index.js';
import { compileFilterPattern, type LogEventMatcher } from './filter-pattern.js';

/** Where a service reports what CloudWatch would see. */
export interface MetricSink {
  record(
    namespace: string,
    metricName: string,
    dimensions: Readonly<Record<string, string>>,
    value: number,
  ): void;
  /** One event delivered to a log group; its metric filters count matching events. */
  logEvent(logGroupName: string, event: string): void;
}

export interface Datapoint {
  readonly time: number;
  readonly value: number;
  /** The service that recorded it (a metric filter's point: the service that delivered the event). */
  readonly source: string;
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

/** One metric: namespace, name and the exact dimension set, as CloudWatch identifies it. */
export interface MetricId {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
}

/** A writer of metrics, and the file that asked for it. */
export interface MetricWriter {
  readonly source: string;
  /** Repository-relative path of the code that created the writer. */
  readonly createdBy: string;
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

/**
 * Datapoints kept per series at least (the newest): alarms and the console look back a few
 * periods at most.
 */
export const DATAPOINTS_KEPT = 20_000;
/**
 * How far a series may grow past {@link DATAPOINTS_KEPT} before its oldest points go, all at once:
 * dropping one point per new one moved the whole array on every datapoint, which under load
 * became most of the API's cost once a series was full.
 */
const TRIM_SLACK = DATAPOINTS_KEPT / 10;
const THIS_FILE = fileURLToPath(import.meta.url);

export class MetricStore {
  private readonly series = new Map<string, { id: MetricId; points: Datapoint[] }>();
  private readonly writers: MetricWriter[] = [];
  /** Patterns compiled once, at start: a pattern that cannot be evaluated fails there, not per line. */
  private matchers: readonly LogEventMatcher[];

  constructor(
    private filters: readonly MetricFilter[] = [],
    private readonly clock: () => number = Date.now,
  ) {
    this.matchers = filters.map((filter) => compileFilterPattern(filter.pattern));
  }

  /** The template's filters after an infra reload; what was recorded stays. */
  setFilters(filters: readonly MetricFilter[]): void {
    const matchers = filters.map((filter) => compileFilterPattern(filter.pattern));
    this.filters = filters;
    this.matchers = matchers;
  }

  /** A writer for one service; the store remembers the source and the code that asked for it. */
  sinkFor(source: string): MetricSink {
    this.writers.push({ source, createdBy: callerFile() });
    return {
      record: (namespace, metricName, dimensions, value) =>
        this.add(source, namespace, metricName, dimensions, value),
      logEvent: (logGroupName, event) => {
        this.filters.forEach((filter, i) => {
          if (filter.logGroupName === logGroupName && this.matchers[i]?.(event))
            this.add(source, filter.namespace, filter.metricName, {}, filter.value);
        });
      },
    };
  }

  /** Every writer handed out so far. */
  writersList(): readonly MetricWriter[] {
    return this.writers;
  }

  /** Values of one metric recorded in [from, to). */
  datapoints(key: string, from: number, to: number): number[] {
    return this.points(key, from, to).map((p) => p.value);
  }

  /** Datapoints of one metric recorded in [from, to), with their sources. */
  points(key: string, from: number, to: number): Datapoint[] {
    return (this.series.get(key)?.points ?? []).filter((p) => p.time >= from && p.time < to);
  }

  /** Every metric with datapoints, for the console's metrics view. */
  metrics(): ReadonlyArray<{ readonly id: MetricId; readonly points: readonly Datapoint[] }> {
    return [...this.series.values()];
  }

  private add(
    source: string,
    namespace: string,
    metricName: string,
    dimensions: Readonly<Record<string, string>>,
    value: number,
  ): void {
    const key = metricKey(namespace, metricName, dimensions);
    let series = this.series.get(key);
    if (!series) {
      series = { id: { namespace, metricName, dimensions: { ...dimensions } }, points: [] };
      this.series.set(key, series);
    }
    series.points.push({ time: this.clock(), value, source });
    if (series.points.length > DATAPOINTS_KEPT + TRIM_SLACK)
      series.points.splice(0, series.points.length - DATAPOINTS_KEPT);
  }
}

/** The repository-relative file that called into the store (the first frame outside this file). */
function callerFile(): string {
  const frames = (new Error().stack ?? '').split('\n').slice(1);
  for (const frame of frames) {
    const location = /\(?((?:file:\/\/)?\/[^():]+):\d+:\d+\)?$/.exec(frame.trim())?.[1];
    if (!location) continue;
    const file = location.startsWith('file://') ? fileURLToPath(location) : location;
    if (file !== THIS_FILE) return relative(REPO_ROOT, file);
  }
  return 'unknown';
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
