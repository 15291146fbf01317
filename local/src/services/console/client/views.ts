/**
 * The JSON views the console's pages read (`/_local/<view>`), as the browser sees them. A view the
 * running cloud does not offer is never fetched; the page says it is missing.
 */
import type { MetricsView } from '../series.js';

export type { MetricsView };

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

/** One metric an alarm reads. */
export interface AlarmMetric {
  readonly id: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly statistic: string;
  readonly periodSeconds: number;
}

export interface AlarmHistoryItem {
  readonly time: string;
  readonly oldState: AlarmState;
  readonly newState: AlarmState;
  readonly reason: string;
}

export interface Alarm {
  readonly logicalId: string;
  readonly alarmName: string;
  readonly alarmArn?: string;
  readonly description?: string;
  readonly state: AlarmState;
  readonly threshold: number;
  readonly comparison: string;
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  /** The metrics it reads (a metric-math alarm reads several). */
  readonly metrics: readonly AlarmMetric[];
  readonly expression?: { readonly id: string; readonly text: string; readonly label?: string };
  readonly notEvaluated?: string;
  readonly history: readonly AlarmHistoryItem[];
}

export interface AlarmNotification {
  readonly time: string;
  readonly topicArn: string;
  readonly alarmName: string;
  readonly oldState: AlarmState;
  readonly newState: AlarmState;
  readonly reason: string;
}

export interface AlarmsView {
  readonly periodScale: number;
  readonly alarms: readonly Alarm[];
  readonly notifications: readonly AlarmNotification[];
}

export interface DashboardWidget {
  readonly type: string;
  readonly x?: number;
  readonly y?: number;
  readonly width?: number;
  readonly height?: number;
  readonly properties?: Record<string, unknown>;
  readonly notEmulated: readonly string[];
}

export interface DashboardView {
  readonly dashboards: ReadonlyArray<{
    readonly logicalId: string;
    readonly name: string;
    readonly start?: string;
    readonly widgets: readonly DashboardWidget[];
    readonly error?: string;
  }>;
}

export interface MailboxMessage {
  readonly time: string;
  readonly messageId: string;
  readonly to: string;
  readonly from: string;
  readonly subject: string;
  readonly type: string;
  readonly topicArn: string;
  readonly message: string;
  readonly link?: string;
}

export interface MailboxView {
  readonly messages: readonly MailboxMessage[];
}

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

/** One request the local API Gateway answered. */
export interface ApiRequest {
  readonly time: string;
  readonly requestId: string;
  readonly api: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly latencyMs: number;
}

export interface RequestsView {
  readonly requests: readonly ApiRequest[];
}
