/**
 * What a dashboard widget plots, computed from the CloudWatch service's `metrics` view: the
 * widget's metric rows (CloudWatch's array form, with its `"."` shorthand) read into metric specs,
 * and each spec's statistic per period from the view's per-minute buckets, metric math evaluated
 * with the local CloudWatch's own evaluator. No DOM here: the console's browser code imports it,
 * and unit tests run it in Node.
 */
import { compileMetricMath } from '../cloudwatch/metric-math.js';

/** One minute (scaled by the clock factor) of one metric, as the `metrics` view gives it. */
export interface MetricBucket {
  /** Start of the bucket, epoch ms. */
  readonly t: number;
  readonly sum: number;
  readonly count: number;
  readonly min: number;
  readonly max: number;
}

export interface MetricSeries {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly buckets: readonly MetricBucket[];
}

/** The `metrics` view of the local CloudWatch. */
export interface MetricsView {
  /** The clock factor: a 60 s period lasts `60 × periodScale` s locally. */
  readonly periodScale: number;
  /** Length of a bucket in ms (one simulated minute). */
  readonly bucketMs: number;
  readonly series: readonly MetricSeries[];
}

/** One line of a graph: a metric with the statistic and period it is drawn with. */
export interface MetricSpec {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly stat: string;
  /** Seconds, as the template says (the clock factor is applied when bucketing). */
  readonly period: number;
  readonly label: string;
  /** The metric's `id` in metric math, when it has one. */
  readonly id?: string;
  /** Drawn or only used by an expression (`visible: false`). */
  readonly visible: boolean;
}

/** A metric math line of a graph. */
export interface ExpressionSpec {
  readonly expression: string;
  readonly label: string;
  readonly id?: string;
  readonly visible: boolean;
}

/** CloudWatch's default period of a dashboard graph, in seconds. */
export const DEFAULT_PERIOD = 300;
/** CloudWatch's default statistic of a dashboard graph. */
export const DEFAULT_STAT = 'Average';

/**
 * Reads a widget's `metrics` rows: `[namespace, name, dim, value, …, {options}]`, where `"."`
 * repeats the previous row's item at that position, or `[{ expression, label, id }]`.
 */
export function readMetricRows(
  rows: unknown,
  defaults: { readonly stat?: unknown; readonly period?: unknown } = {},
): Array<MetricSpec | ExpressionSpec> {
  if (!Array.isArray(rows)) return [];
  const specs: Array<MetricSpec | ExpressionSpec> = [];
  let previous: readonly unknown[] = [];
  for (const row of rows) {
    if (!Array.isArray(row)) continue;
    const last = row.at(-1);
    const options = isRecord(last) ? last : {};
    const items = (isRecord(last) ? row.slice(0, -1) : row).map((item, i) =>
      item === '.' ? previous[i] : item,
    );
    previous = items;
    const visible = options.visible !== false;
    const id = typeof options.id === 'string' ? { id: options.id } : {};
    if (typeof options.expression === 'string') {
      const label = typeof options.label === 'string' ? options.label : options.expression;
      specs.push({ expression: options.expression, label, visible, ...id });
      continue;
    }
    const [namespace, metricName, ...pairs] = items.map(String);
    if (!namespace || !metricName) continue;
    const dimensions: Record<string, string> = Object.create(null);
    for (let i = 0; i + 1 < pairs.length; i += 2) dimensions[pairs[i] as string] = pairs[i + 1] as string;
    const stat = String(options.stat ?? defaults.stat ?? DEFAULT_STAT);
    const period = Number(options.period ?? defaults.period ?? DEFAULT_PERIOD);
    // The widget's title names what it shows; the legend names the metric.
    const label = typeof options.label === 'string' ? options.label : metricName;
    specs.push({ namespace, metricName, dimensions, stat, period, label, visible, ...id });
  }
  return specs;
}

/** Whether a spec is a metric math line. */
export function isExpression(spec: MetricSpec | ExpressionSpec): spec is ExpressionSpec {
  return 'expression' in spec;
}

/** The series of the view that is exactly this metric (same namespace, name and dimension set). */
export function findSeries(view: MetricsView, spec: MetricSpec): MetricSeries | undefined {
  const wanted = Object.entries(spec.dimensions).sort(([a], [b]) => (a < b ? -1 : 1));
  return view.series.find((series) => {
    if (series.namespace !== spec.namespace || series.metricName !== spec.metricName) return false;
    const have = Object.entries(series.dimensions).sort(([a], [b]) => (a < b ? -1 : 1));
    return (
      have.length === wanted.length && have.every(([k, v], i) => wanted[i]?.[0] === k && wanted[i]?.[1] === v)
    );
  });
}

/**
 * The statistic of a metric per period over `[from, to)`: one value per period that has data,
 * `null` where it has none (a gap, as CloudWatch draws it). Times are period starts in epoch ms.
 */
export function periodValues(
  view: MetricsView,
  spec: MetricSpec,
  from: number,
  to: number,
): { readonly times: number[]; readonly values: Array<number | null> } {
  const periodMs = Math.max(view.bucketMs, (spec.period / 60) * view.bucketMs);
  const first = Math.floor(from / periodMs) * periodMs;
  const windows = new Map<number, MetricBucket[]>();
  for (const bucket of findSeries(view, spec)?.buckets ?? []) {
    if (bucket.t < first || bucket.t >= to) continue;
    const start = Math.floor(bucket.t / periodMs) * periodMs;
    const window = windows.get(start) ?? [];
    window.push(bucket);
    windows.set(start, window);
  }
  const times: number[] = [];
  const values: Array<number | null> = [];
  for (let t = first; t < to; t += periodMs) {
    times.push(t);
    const buckets = windows.get(t);
    values.push(buckets ? statistic(spec.stat, buckets) : null);
  }
  return { times, values };
}

/**
 * A statistic over buckets. Percentiles need every datapoint, which the buckets do not keep: they
 * read as the maximum (an upper bound), and {@link approximated} says so.
 */
export function statistic(stat: string, buckets: readonly MetricBucket[]): number {
  const sum = buckets.reduce((n, b) => n + b.sum, 0);
  const count = buckets.reduce((n, b) => n + b.count, 0);
  switch (stat) {
    case 'Sum':
      return sum;
    case 'SampleCount':
      return count;
    case 'Minimum':
      return Math.min(...buckets.map((b) => b.min));
    case 'Maximum':
      return Math.max(...buckets.map((b) => b.max));
    case 'Average':
      return count === 0 ? 0 : sum / count;
    default:
      return Math.max(...buckets.map((b) => b.max));
  }
}

/** Whether the local value of a statistic is an approximation (percentiles: see {@link statistic}). */
export function approximated(stat: string): boolean {
  return !EXACT_STATISTICS.has(stat);
}

/** Statistics the buckets give exactly; `expression` marks a metric math line (exact from its inputs). */
const EXACT_STATISTICS: ReadonlySet<string> = new Set([
  'Sum',
  'SampleCount',
  'Minimum',
  'Maximum',
  'Average',
  'expression',
]);

/** One line of a graph, ready to draw: a metric's or an expression's value per period. */
export interface PlottedLine {
  readonly label: string;
  /** `Sum`, `Average`, … for a metric; `expression` for metric math. */
  readonly stat: string;
  /** Seconds. */
  readonly period: number;
  /** Period starts, epoch ms. */
  readonly times: readonly number[];
  readonly values: ReadonlyArray<number | null>;
  /** Why an expression cannot be drawn locally, when it cannot. */
  readonly error?: string;
}

/**
 * The visible lines of a graph over `[from, to)`: metrics per their period and statistic, and
 * metric math over the metrics it names by `id` (hidden ones included), period by period, with the
 * same evaluator the local alarms use.
 */
export function plotLines(
  view: MetricsView,
  specs: ReadonlyArray<MetricSpec | ExpressionSpec>,
  from: number,
  to: number,
): PlottedLine[] {
  const metrics = specs.filter((spec): spec is MetricSpec => !isExpression(spec));
  const computed = new Map(metrics.map((spec) => [spec, periodValues(view, spec, from, to)]));
  return specs
    .filter((spec) => spec.visible)
    .map((spec) => {
      if (!isExpression(spec)) {
        const { times, values } = computed.get(spec) ?? { times: [], values: [] };
        return { label: spec.label, stat: spec.stat, period: spec.period, times, values };
      }
      const inputs = metrics.filter((m) => m.id !== undefined);
      const period = Math.max(0, ...inputs.map((m) => m.period));
      const times = computed.get(inputs[0] as MetricSpec)?.times ?? [];
      const line = { label: spec.label, stat: 'expression', period, times };
      try {
        const evaluate = compileMetricMath(spec.expression, new Set(inputs.map((m) => m.id as string)));
        const periods = new Map(inputs.map((m) => [m.id as string, m.period]));
        const values = times.map((_, i) => {
          const at = new Map(inputs.map((m) => [m.id as string, computed.get(m)?.values[i] ?? undefined]));
          return evaluate(at, periods) ?? null;
        });
        return { ...line, values };
      } catch (err) {
        return { ...line, values: times.map(() => null), error: (err as Error).message };
      }
    });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
