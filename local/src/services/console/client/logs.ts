/** The logs page: each function's log events with a function and level filter, and recent API requests. */
import { filters, h, note, replace, tableOf, time } from './dom.js';
import type { LogsView, RequestsView } from './views.js';

/** Lambda's log levels, lowest first (the filter shows a level and those above it). */
const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'] as const;
const SHOWN = 200;

/** The filter controls, created once so a refresh keeps what the user chose and where focus is. */
export class LogsPanel {
  private readonly functionSelect = h('select', { id: 'log-function' });
  private readonly levelSelect = h('select', { id: 'log-level' });
  private readonly results = h('div', { class: 'log-results', 'aria-live': 'off' });
  private view: LogsView | undefined;
  private functions = '';

  constructor(private readonly root: HTMLElement) {
    this.levelSelect.append(
      ...LEVELS.map((level) =>
        h('option', { value: level, selected: level === 'TRACE' }, `${level} and above`),
      ),
    );
    for (const select of [this.functionSelect, this.levelSelect])
      select.addEventListener('change', () => this.draw());
  }

  update(view: LogsView | undefined): void {
    if (!view) {
      replace(this.root, note('This local cloud has no function logs view.'));
      return;
    }
    this.view = view;
    const names = view.functions.map((f) => f.name).join('\n');
    if (names !== this.functions) {
      this.functions = names;
      const chosen = this.functionSelect.value;
      replace(
        this.functionSelect,
        h('option', { value: '' }, 'All functions'),
        ...view.functions.map((f) =>
          h('option', { value: f.name, selected: f.name === chosen }, f.logicalId),
        ),
      );
    }
    if (!this.root.contains(this.results))
      replace(
        this.root,
        filters(['Function', this.functionSelect], ['Level', this.levelSelect]),
        this.results,
      );
    this.draw();
  }

  private draw(): void {
    const view = this.view;
    if (!view) return;
    const fn = this.functionSelect.value;
    const lowest = LEVELS.indexOf(this.levelSelect.value as (typeof LEVELS)[number]);
    const events = view.events
      .filter(
        (e) =>
          (fn === '' || e.functionName === fn) &&
          LEVELS.indexOf(e.level as (typeof LEVELS)[number]) >= lowest,
      )
      .slice(-SHOWN)
      .reverse();
    replace(
      this.results,
      h(
        'p',
        { class: 'muted' },
        `${events.length} event${events.length === 1 ? '' : 's'} shown (newest first, at most ${SHOWN}).`,
      ),
      tableOf(
        events,
        'No log event matches.',
        ['Time', 'Function', 'Level', 'Message'],
        (e) => [
          time(e.time),
          shortName(view, e.functionName),
          h('span', { class: `level level-${e.level.toLowerCase()}` }, e.level),
          h('code', { class: 'log-line' }, e.message),
        ],
        { class: 'logs-table' },
      ),
    );
  }
}

function shortName(view: LogsView, functionName: string): string {
  return view.functions.find((f) => f.name === functionName)?.logicalId ?? functionName;
}

/** Recent API requests, newest first: what the local API Gateway answered and how fast. */
export function renderRequests(root: HTMLElement, view: RequestsView | undefined): void {
  if (!view) {
    replace(root, note('This local cloud has no API requests view.'));
    return;
  }
  const requests = [...view.requests].reverse().slice(0, 100);
  replace(
    root,
    tableOf(
      requests,
      'No API request yet.',
      ['Time', 'Method', 'Path', 'Status', 'Latency', 'Request id'],
      (r) => [
        time(r.time),
        r.method,
        h('code', {}, r.path),
        h(
          'span',
          { class: r.status >= 500 ? 'level level-error' : r.status >= 400 ? 'level level-warn' : '' },
          String(r.status),
        ),
        `${r.latencyMs} ms`,
        h('code', { class: 'muted' }, r.requestId),
      ],
      { class: 'requests-table' },
    ),
  );
}
