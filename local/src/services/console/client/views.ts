/**
 * The JSON views the console's pages read (`/_local/<view>`), as the browser sees them. A view the
 * running cloud does not offer is never fetched; the page says it is missing.
 */
export type {
  Alarm,
  AlarmState,
  AlarmsView,
  ApiRequest,
  DashboardView,
  DashboardWidget,
  FaultsView,
  MailboxMessage,
  MailboxView,
  RequestsView,
} from '../../../views.js';
export type { MetricsView } from '../series.js';

export interface LogEvent {
  readonly time: string;
  readonly functionName: string;
  readonly level: string;
  readonly source?: string;
  readonly requestId?: string;
  readonly message: string;
}

export interface LogsView {
  readonly functions: ReadonlyArray<{ readonly name: string; readonly logicalId: string }>;
  readonly events: readonly LogEvent[];
}

export interface CodeRecord {
  readonly userPoolId: string;
  readonly username: string;
  readonly code: string;
  readonly kind: string;
  readonly at: string;
}
