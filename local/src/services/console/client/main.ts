/**
 * The console's browser code: fills the current page's sections from the JSON views and keeps
 * them fresh. Served by the console as one bundle (with uPlot), so the page runs offline and under
 * `script-src 'self'`.
 */
import { renderAlarms, renderMailbox, renderNotifications } from './alarms.js';
import { renderCodes } from './codes.js';
import { type DashboardData, renderDashboards } from './dashboard.js';
import { fetchView, note, replace } from './dom.js';
import { FaultsPanel } from './faults.js';
import { LogsPanel, renderRequests } from './logs.js';
import type {
  AlarmsView,
  CodeRecord,
  DashboardView,
  FaultsView,
  LogsView,
  MailboxView,
  MetricsView,
  RequestsView,
} from './views.js';

/** How often a page asks for fresh data, ms. */
const REFRESH_MS = 3000;

function section(id: string): HTMLElement | undefined {
  return document.getElementById(id) ?? undefined;
}

/**
 * Runs `refresh` now and every few seconds while the page is visible; a failure shows in `root`.
 * Returns the function that refreshes at once (after the user changed something).
 */
function every(root: HTMLElement | undefined, refresh: () => Promise<void>): () => void {
  let running = false;
  const tick = async () => {
    if (running || document.hidden) return;
    running = true;
    try {
      await refresh();
    } catch (err) {
      if (root)
        replace(
          root,
          note(`Could not read the local cloud: ${(err as Error).message}. Is it still running?`),
        );
    } finally {
      running = false;
    }
  };
  void tick();
  setInterval(() => void tick(), REFRESH_MS);
  return () => void tick();
}

async function dashboardPage(): Promise<void> {
  const root = section('dashboard');
  const view = await fetchView<DashboardView>('dashboard');
  if (!root || !view) return;
  const update = renderDashboards(root, view);
  every(root, async () => {
    const [metrics, alarms] = await Promise.all([
      fetchView<MetricsView>('metrics'),
      fetchView<AlarmsView>('alarms'),
    ]);
    const data: DashboardData = { metrics, alarms, now: Date.now() };
    update(data);
  });
}

function alarmsPage(): void {
  const alarms = section('alarms');
  const mailbox = section('mailbox');
  const faults = section('faults');
  let refreshNow: () => void = () => undefined;
  const panel = faults ? new FaultsPanel(faults, () => refreshNow()) : undefined;
  refreshNow = every(alarms, async () => {
    const [view, messages, active] = await Promise.all([
      fetchView<AlarmsView>('alarms'),
      fetchView<MailboxView>('mailbox'),
      fetchView<FaultsView>('faults'),
    ]);
    panel?.update(active);
    if (alarms) {
      renderAlarms(alarms, view);
      renderNotifications(alarms, view);
    }
    if (mailbox) renderMailbox(mailbox, messages);
  });
}

function logsPage(): void {
  const logs = section('logs');
  const requests = section('requests');
  const panel = logs ? new LogsPanel(logs) : undefined;
  every(logs, async () => {
    const [events, recent] = await Promise.all([
      fetchView<LogsView>('logs'),
      fetchView<RequestsView>('requests'),
    ]);
    panel?.update(events);
    if (requests) renderRequests(requests, recent);
  });
}

function codesPage(): void {
  const codes = section('codes');
  every(codes, async () => {
    if (codes) renderCodes(codes, await fetchView<readonly CodeRecord[]>('codes'));
  });
}

/** The overview's diagram: fitted to the page, or at full size (scrolls) for reading its labels. */
function overviewPage(): void {
  const button = document.getElementById('diagram-zoom');
  const diagram = section('diagram');
  if (!button || !diagram) return;
  button.addEventListener('click', () => {
    const full = diagram.classList.toggle('fit') === false;
    button.setAttribute('aria-pressed', String(full));
    button.textContent = full ? 'Fit to the page' : 'Show at full size';
  });
}

const PAGES = new Map<string, () => void | Promise<void>>([
  ['/', overviewPage],
  ['/dashboard', dashboardPage],
  ['/alarms', alarmsPage],
  ['/logs', logsPage],
  ['/codes', codesPage],
]);

void PAGES.get(document.body.dataset.page ?? '')?.();
