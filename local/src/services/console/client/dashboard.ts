/**
 * The dashboard page: the template's own dashboard laid out on CloudWatch's 24-column grid, each
 * graph drawn with uPlot from the local `metrics` view (the widget's metrics, statistic and
 * period), alarm widgets with the alarm's metric and threshold, alarm status lists, and text.
 */
import uPlot from 'uplot';
import {
  approximated,
  type ExpressionSpec,
  isExpression,
  type MetricSpec,
  type MetricsView,
  type PlottedLine,
  plotLines,
  readMetricRows,
} from '../series.js';
import { h, note, replace } from './dom.js';
import { renderMarkdown } from './markdown.js';
import type { Alarm, AlarmsView, DashboardView, DashboardWidget } from './views.js';

/** Colours of a graph's lines, in order (CloudWatch's first few, darkened for contrast on white). */
const PALETTE = ['#1f77b4', '#d9480f', '#2b8a3e', '#c92a2a', '#6741d9', '#8c564b', '#c2255c', '#495057'];
/** Tick steps of the time axis, seconds: whole seconds at least, even when the clock is compressed. */
const TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600];
/** Height of one grid row, px (CloudWatch's grid unit). */
const ROW_HEIGHT = 38;

/** What the dashboard's widgets read on each refresh. */
export interface DashboardData {
  readonly metrics: MetricsView | undefined;
  readonly alarms: AlarmsView | undefined;
  readonly now: number;
}

interface RenderedWidget {
  update(data: DashboardData): void;
}

/** Renders the dashboards into `root`; returns the function that refreshes them with new data. */
export function renderDashboards(root: HTMLElement, view: DashboardView): (data: DashboardData) => void {
  if (view.dashboards.length === 0) {
    replace(root, note('The template declares no CloudWatch dashboard.'));
    return () => undefined;
  }
  const widgets: RenderedWidget[] = [];
  replace(root);
  for (const dashboard of view.dashboards) {
    const grid = h('div', { class: 'widget-grid' });
    root.append(h('h3', {}, dashboard.name), grid);
    if (dashboard.error) grid.append(note(`Its body cannot be read: ${dashboard.error}`));
    dashboard.widgets.forEach((widget, i) => {
      const { element, rendered } = renderWidget(widget, `${dashboard.logicalId}-${i}`, dashboard.start);
      place(element, widget);
      grid.append(element);
      widgets.push(rendered);
    });
  }
  return (data) => {
    for (const widget of widgets) widget.update(data);
  };
}

/** Puts a widget on the grid through custom properties the stylesheet reads (no inline style attribute). */
function place(element: HTMLElement, widget: DashboardWidget): void {
  element.style.setProperty('--col', String((widget.x ?? 0) + 1));
  element.style.setProperty('--span', String(widget.width ?? 6));
  element.style.setProperty('--row', String((widget.y ?? 0) + 1));
  element.style.setProperty('--rows', String(widget.height ?? 6));
}

function renderWidget(
  widget: DashboardWidget,
  id: string,
  start: string | undefined,
): { element: HTMLElement; rendered: RenderedWidget } {
  const properties = widget.properties ?? {};
  const annotations = properties.annotations as { alarms?: unknown } | undefined;
  if (widget.type === 'alarm') return alarmStatusWidget(properties, id);
  if (widget.type === 'text') return textWidget(properties, id);
  if (widget.type === 'metric' && Array.isArray(annotations?.alarms) && !properties.metrics)
    return alarmGraphWidget(String(annotations.alarms[0] ?? ''), properties, widget, id, start);
  if (widget.type === 'metric') return metricGraphWidget(properties, widget, id, start);
  const element = frame(id, String(properties.title ?? widget.type));
  element.append(note(`A ${widget.type} widget is not drawn locally.`));
  return { element, rendered: { update: () => undefined } };
}

/** A widget's box: an article labelled by its title. */
function frame(id: string, title: string): HTMLElement {
  return h(
    'article',
    { class: 'widget', 'aria-labelledby': `w-${id}-title` },
    h('h4', { id: `w-${id}-title` }, title),
  );
}

function alarmStatusWidget(properties: Record<string, unknown>, id: string) {
  const element = frame(id, String(properties.title ?? 'Alarms'));
  // A long alarm list scrolls inside its grid cell; the keyboard must be able to scroll it too.
  element.classList.add('scrolls');
  element.tabIndex = 0;
  const list = h('ul', { class: 'alarm-status' });
  element.append(list);
  const arns = Array.isArray(properties.alarms) ? properties.alarms.map(String) : [];
  return {
    element,
    rendered: {
      update: ({ alarms }: DashboardData) => {
        replace(
          list,
          ...arns.map((arn) => {
            const alarm = alarmByArn(alarms, arn);
            const state = alarm?.state ?? 'INSUFFICIENT_DATA';
            return h(
              'li',
              {},
              stateBadge(alarm?.notEvaluated ? 'NOT_EVALUATED' : state),
              ' ',
              alarm?.alarmName ?? alarmNameOf(arn),
            );
          }),
        );
      },
    },
  };
}

function textWidget(properties: Record<string, unknown>, id: string) {
  const element = h('article', { class: 'widget text-widget', 'aria-label': `Text widget ${id}` });
  element.append(renderMarkdown(String(properties.markdown ?? '')));
  return { element, rendered: { update: () => undefined } };
}

function metricGraphWidget(
  properties: Record<string, unknown>,
  widget: DashboardWidget,
  id: string,
  start: string | undefined,
) {
  const specs = readMetricRows(properties.metrics, { stat: properties.stat, period: properties.period });
  const title = String(properties.title ?? specs.map((s) => s.label).join(', '));
  const single = properties.view === 'singleValue';
  const graph = new Graph(frame(id, title), widget, title, single);
  if (widget.notEmulated.length > 0)
    graph.explain(`No local data: ${widget.notEmulated.join(', ')} is not emulated by the local cloud.`);
  return {
    element: graph.element,
    rendered: { update: (data: DashboardData) => graph.draw(data, specs, undefined, start) },
  };
}

function alarmGraphWidget(
  arn: string,
  properties: Record<string, unknown>,
  widget: DashboardWidget,
  id: string,
  start: string | undefined,
) {
  const title = String(properties.title ?? alarmNameOf(arn));
  const graph = new Graph(frame(id, title), widget, title, false);
  let explained = false;
  return {
    element: graph.element,
    rendered: {
      update: (data: DashboardData) => {
        const alarm = alarmByArn(data.alarms, arn);
        if (!alarm) {
          graph.explain(`The local CloudWatch has no alarm ${alarmNameOf(arn)}.`);
          return;
        }
        if (!explained) {
          explained = true;
          if (alarm.notEvaluated) graph.explain(`Not evaluated locally: ${alarm.notEvaluated}`);
        }
        graph.draw(data, alarmLines(alarm), alarm, start);
      },
    },
  };
}

/** What an alarm compares with its threshold: its metric, or its metric math over hidden inputs. */
function alarmLines(alarm: Alarm): Array<MetricSpec | ExpressionSpec> {
  const inputs = alarm.metrics.map(
    (m): MetricSpec => ({
      namespace: m.namespace,
      metricName: m.metricName,
      dimensions: m.dimensions,
      stat: m.statistic,
      period: m.periodSeconds,
      label: m.metricName,
      id: m.id,
      visible: alarm.expression === undefined,
    }),
  );
  if (!alarm.expression) return inputs;
  const { text, label, id } = alarm.expression;
  return [...inputs, { expression: text, label: label ?? text, id, visible: true }];
}

/** One uPlot chart in a widget, with its own legend and a text summary for screen readers. */
class Graph {
  private plot: uPlot | undefined;
  private readonly chart: HTMLElement;
  private readonly legend: HTMLElement;
  private readonly notes: HTMLElement;
  private shape = '';

  constructor(
    readonly element: HTMLElement,
    private readonly widget: DashboardWidget,
    private readonly title: string,
    private readonly single: boolean,
  ) {
    this.notes = h('div', { class: 'widget-notes' });
    this.chart = h('div', { class: 'chart', role: 'img', 'aria-label': `${title}: no data yet` });
    this.legend = h('ul', { class: 'legend-list' });
    element.append(this.notes, this.chart, this.legend);
  }

  explain(text: string): void {
    if ([...this.notes.children].some((child) => child.textContent === text)) return;
    this.notes.append(note(text));
  }

  draw(
    data: DashboardData,
    specs: ReadonlyArray<MetricSpec | ExpressionSpec>,
    alarm: Alarm | undefined,
    start: string | undefined,
  ): void {
    const { metrics, now } = data;
    if (!metrics) {
      this.explain('The local CloudWatch offers no metrics view.');
      return;
    }
    const lines = plotLines(metrics, specs, displayFrom(metrics, specs, now, start), now);
    for (const line of lines) if (line.error) this.explain(`${line.label} cannot be drawn: ${line.error}`);
    const latest = lines.map((line) => [...line.values].reverse().find((v) => v !== null) ?? null);
    this.updateLegend(lines, latest, alarm);
    this.chart.setAttribute('aria-label', `${this.title}: ${summary(lines, latest, alarm)}`);
    if (this.single) {
      replace(
        this.chart,
        ...lines.map((line, i) =>
          h('p', { class: 'single-value' }, `${line.label}: ${format(latest[i] ?? null)}`),
        ),
      );
      return;
    }
    const times = (lines[0]?.times ?? []).map((t) => t / 1000);
    const threshold = alarm ? [times.map(() => alarm.threshold)] : [];
    const plotData: uPlot.AlignedData = [times, ...lines.map((line) => [...line.values]), ...threshold];
    const shape = `${lines.length}:${alarm ? 1 : 0}`;
    if (this.plot && this.shape === shape) {
      this.plot.setData(plotData);
      return;
    }
    this.plot?.destroy();
    this.shape = shape;
    this.plot = new uPlot(this.options(lines, alarm), plotData, this.chart);
    new ResizeObserver(() => this.plot?.setSize(this.size())).observe(this.element);
  }

  /** The chart fills what the title, notes and legend leave of the widget. */
  private size(): { width: number; height: number } {
    const rows = this.widget.height ?? 6;
    const box = Math.max(this.element.clientHeight, rows * ROW_HEIGHT);
    const used = [...this.element.children]
      .filter((child) => child !== this.chart)
      .reduce((sum, child) => sum + (child as HTMLElement).offsetHeight, 0);
    return { width: Math.max(200, this.element.clientWidth - 24), height: Math.max(110, box - used - 28) };
  }

  private options(lines: readonly PlottedLine[], alarm: Alarm | undefined): uPlot.Options {
    return {
      ...this.size(),
      legend: { show: false },
      cursor: { show: true, drag: { x: false, y: false } },
      scales: { x: { time: true } },
      axes: [
        { stroke: '#374151', space: 90, incrs: TIME_STEPS, values: (_u, splits) => splits.map(clockTime) },
        { stroke: '#374151', size: 56 },
      ],
      series: [
        {},
        ...lines.map((line, i) => ({
          label: line.label,
          stroke: PALETTE[i % PALETTE.length] ?? '#1f77b4',
          width: 1.5,
          spanGaps: false,
          points: { show: true, size: 4 },
        })),
        ...(alarm
          ? [
              {
                label: `threshold ${alarm.threshold}`,
                stroke: '#c92a2a',
                dash: [6, 4],
                width: 1,
                points: { show: false },
              },
            ]
          : []),
      ],
    };
  }

  private updateLegend(
    lines: readonly PlottedLine[],
    latest: ReadonlyArray<number | null>,
    alarm: Alarm | undefined,
  ): void {
    replace(
      this.legend,
      ...lines.map((line, i) => {
        const swatch = h('span', { class: 'swatch-line', 'aria-hidden': 'true' });
        swatch.style.backgroundColor = PALETTE[i % PALETTE.length] ?? '#1f77b4';
        const approx = approximated(line.stat)
          ? ` (${line.stat} is shown as the maximum: percentiles are not kept locally)`
          : '';
        return h(
          'li',
          {},
          swatch,
          `${line.label} · ${line.stat}, ${line.period} s${approx}: `,
          h('strong', {}, format(latest[i] ?? null)),
        );
      }),
      alarm
        ? h(
            'li',
            {},
            h('span', { class: 'swatch-line threshold', 'aria-hidden': 'true' }),
            `threshold ${comparisonText(alarm.comparison)} ${alarm.threshold} · state `,
            stateBadge(alarm.notEvaluated ? 'NOT_EVALUATED' : alarm.state),
          )
        : null,
    );
  }
}

/**
 * The time range drawn: the dashboard's `start` (e.g. `-PT3H`, scaled by the clock factor), cut
 * to shortly before the first datapoint so a fresh local cloud does not draw three empty hours.
 */
function displayFrom(
  metrics: MetricsView,
  specs: ReadonlyArray<MetricSpec | ExpressionSpec>,
  now: number,
  start: string | undefined,
): number {
  const periods = specs.flatMap((s) => (isExpression(s) ? [] : [(s.period / 60) * metrics.bucketMs]));
  const period = Math.max(metrics.bucketMs, ...periods);
  const window = durationMs(start ?? '-PT3H') * metrics.periodScale;
  const first = Math.min(
    ...metrics.series.flatMap((series) => series.buckets.map((b) => b.t)),
    now - 5 * period,
  );
  return Math.max(now - window, first - period);
}

/** `-PT3H` → 3 h in ms (ISO-8601 durations of hours, minutes, seconds and days). */
export function durationMs(iso: string): number {
  const match = /^-?P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(iso);
  if (!match) return 3 * 3_600_000;
  const [, days = '0', hours = '0', minutes = '0', seconds = '0'] = match;
  return ((Number(days) * 24 + Number(hours)) * 60 * 60 + Number(minutes) * 60 + Number(seconds)) * 1000;
}

function summary(
  lines: readonly PlottedLine[],
  latest: ReadonlyArray<number | null>,
  alarm: Alarm | undefined,
): string {
  const values = lines.map((line, i) => `${line.label} latest ${format(latest[i] ?? null)}`).join('; ');
  return `${values || 'no metrics'}${alarm ? `; threshold ${alarm.threshold}; alarm ${alarm.state}` : ''}`;
}

/** An axis tick as a local clock time: the console shows minutes, never dates. */
function clockTime(seconds: number): string {
  return new Date(seconds * 1000).toLocaleTimeString([], {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

function format(value: number | null): string {
  if (value === null) return 'no data';
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

function comparisonText(comparison: string): string {
  return (
    new Map([
      ['GreaterThanThreshold', '>'],
      ['GreaterThanOrEqualToThreshold', '≥'],
      ['LessThanThreshold', '<'],
      ['LessThanOrEqualToThreshold', '≤'],
    ]).get(comparison) ?? comparison
  );
}

/** A state as a word in a coloured badge (the word carries the meaning, not the colour). */
export function stateBadge(state: string): HTMLElement {
  const text = state === 'NOT_EVALUATED' ? 'NOT EVALUATED' : state.replace('_', ' ');
  return h('span', { class: `state state-${state.toLowerCase().replace('_', '-')}` }, text);
}

function alarmByArn(view: AlarmsView | undefined, arn: string): Alarm | undefined {
  const name = alarmNameOf(arn);
  return view?.alarms.find((alarm) => alarm.alarmArn === arn || alarm.alarmName === name);
}

/** `arn:aws:cloudwatch:…:alarm:<name>` → `<name>`. */
function alarmNameOf(arn: string): string {
  const at = arn.indexOf(':alarm:');
  return at < 0 ? arn : arn.slice(at + ':alarm:'.length);
}
