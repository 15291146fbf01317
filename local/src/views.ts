/**
 * The shapes the services' local views answer in (`LocalService.localViews()`, served by the console
 * at `/_local/<name>`), written once: the services that answer them and the console's browser code
 * that reads them both import them from here. Nothing here imports Node, since the browser bundle
 * includes it.
 */

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

/** One metric an alarm reads, with the statistic and period it reads it with. */
export interface MetricStat {
  /** The id metric math refers to it by (`m1` for a single-metric alarm). */
  readonly id: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly statistic: string;
  readonly periodSeconds: number;
}

export interface AlarmDefinition {
  readonly logicalId: string;
  readonly alarmName: string;
  readonly alarmArn: string;
  readonly description?: string;
  readonly region: string;
  /** The metrics it reads: one, or the metric math's metrics. */
  readonly metrics: readonly MetricStat[];
  /** The metric math whose value is compared, for a metric-math alarm. */
  readonly expression?: { readonly id: string; readonly text: string; readonly label?: string };
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

/** One state change of an alarm. */
export interface AlarmHistoryItem {
  readonly time: string;
  readonly oldState: AlarmState;
  readonly newState: AlarmState;
  readonly reason: string;
}

/** An alarm with its current state and its state changes. */
export interface Alarm extends AlarmDefinition {
  readonly state: AlarmState;
  readonly history: readonly AlarmHistoryItem[];
}

/** One publication of an alarm's notification to a topic, and what SNS answered. */
export interface AlarmNotification extends AlarmHistoryItem {
  readonly topicArn: string;
  readonly alarmName: string;
  /** SNS's message id, or why it did not take the message. */
  readonly result: { readonly messageId: string } | { readonly error: string };
}

/** The `alarms` view. */
export interface AlarmsView {
  /** What alarm periods are multiplied by locally. */
  readonly periodScale: number;
  readonly alarms: readonly Alarm[];
  readonly notifications: readonly AlarmNotification[];
}

/** A widget of a dashboard body, as CloudWatch defines it (`type`, position, `properties`). */
export interface DashboardWidget {
  readonly type: string;
  readonly x?: number;
  readonly y?: number;
  readonly width?: number;
  readonly height?: number;
  readonly properties?: Record<string, unknown>;
  /** Resources the widget refers to that the local cloud does not run (no local data for them). */
  readonly notEmulated: readonly string[];
}

/** A dashboard of the template, its body resolved locally. */
export interface LocalDashboard {
  readonly logicalId: string;
  readonly name: string;
  /** The body's `start` (`-PT3H`), if it sets one. */
  readonly start?: string;
  /** The body's `periodOverride` (`auto` or `inherit`), if it sets one. */
  readonly periodOverride?: string;
  readonly widgets: readonly DashboardWidget[];
  /** Why the body could not be read, when it could not. */
  readonly error?: string;
}

/** The `dashboard` view. */
export interface DashboardView {
  readonly dashboards: readonly LocalDashboard[];
}

/** One message in the local mailbox, as an e-mail subscription would receive it. */
export interface MailboxMessage {
  readonly time: string;
  readonly messageId: string;
  readonly to: string;
  readonly from: string;
  readonly subject: string;
  /** `SubscriptionConfirmation` or `Notification`. */
  readonly type: 'SubscriptionConfirmation' | 'Notification';
  readonly topicArn: string;
  readonly subscriptionArn: string;
  /** The published message, exactly (for an alarm, CloudWatch's JSON notification). */
  readonly message: string;
  /** The link to follow: confirm for a confirmation, unsubscribe for a notification. */
  readonly link: string;
}

/** The `mailbox` view. */
export interface MailboxView {
  readonly messages: readonly MailboxMessage[];
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

/** The `requests` view. */
export interface RequestsView {
  readonly requests: readonly ApiRequest[];
}

/** A fault parameter: a bounded number, or one of a few words. */
export type FaultParameterSpec =
  | {
      readonly type: 'number';
      readonly description: string;
      readonly min: number;
      readonly max: number;
      readonly default: number;
    }
  | {
      readonly type: 'choice';
      readonly description: string;
      readonly choices: readonly string[];
      readonly default: string;
    };

/** One injected fault. */
export interface ActiveFault {
  readonly id: string;
  readonly kind: string;
  readonly target: string;
  readonly parameters: Readonly<Record<string, number | string>>;
  /** ISO time it was injected. */
  readonly since: string;
}

/** A kind of fault the running services honour, its targets listed. */
export interface FaultKindDescription {
  readonly name: string;
  readonly description: string;
  readonly targets: readonly string[];
  readonly parameters: Readonly<Record<string, FaultParameterSpec>>;
}

/** The `faults` view. */
export interface FaultsView {
  readonly kinds: readonly FaultKindDescription[];
  readonly active: readonly ActiveFault[];
}
