/**
 * The monitoring thresholds (docs/monitoring.md), in one typed place. The monitoring stack builds
 * its alarms and widgets from these definitions, and the tests assert the template against them.
 */

/** How CloudWatch compares a datapoint with the threshold. */
export type Comparison = 'GreaterThanOrEqualToThreshold' | 'GreaterThanThreshold';

/** How an alarm treats periods without data. */
export type MissingData = 'notBreaching' | 'breaching' | 'ignore' | 'missing';

/** One CloudWatch alarm on one AWS metric. */
export interface AlarmDefinition {
  readonly namespace: string;
  readonly metricName: string;
  readonly statistic: 'Average' | 'Sum' | 'Maximum';
  readonly periodSeconds: number;
  /** Consecutive breaching periods before the alarm fires: with `periodSeconds` the sustained duration. */
  readonly evaluationPeriods: number;
  readonly threshold: number;
  readonly comparison: Comparison;
  readonly treatMissingData: MissingData;
  /** One line on what firing means, used as the alarm description. */
  readonly description: string;
}

/** One dashboard graph of one AWS metric. */
export interface WidgetDefinition {
  readonly namespace: string;
  readonly metricName: string;
  readonly statistic: 'Average' | 'Sum';
  readonly periodSeconds: number;
  readonly title: string;
}

/**
 * An alarm on a rate: each period's `Sum` divided by the period (`m / PERIOD(m)` in metric math),
 * so `threshold` is per second whatever the period.
 */
export interface RateAlarmDefinition extends AlarmDefinition {
  readonly statistic: 'Sum';
}

/**
 * Alarm of a log metric filter that counts a function's error log events, by field. The functions
 * log in Lambda's JSON format, so the runtime's own failures are JSON records too and no text term
 * (which a caller could put in a message) is needed.
 */
export interface LogErrorAlarmDefinition extends Omit<AlarmDefinition, 'namespace' | 'metricName'> {
  /** Metric name is `<route id><suffix>`, e.g. `CreateTaskErrors`, in the stage's custom namespace. */
  readonly metricNameSuffix: string;
  /**
   * Values of `$.level` that make an event an error: Powertools writes `ERROR` and `CRITICAL`, the
   * Node.js runtime `ERROR` (console.error, uncaught exceptions, init errors) and `FATAL`.
   */
  readonly errorLevels: readonly string[];
  /**
   * Lambda system log records (`$.type`) that report how an init or an invocation ended; one whose
   * `$.record.status` is not `success` is a failure: a timeout, a crash, running out of memory.
   */
  readonly runReports: readonly string[];
}

/**
 * The namespace of a stage's custom metrics: the log metric filters' and the API's Powertools
 * metrics. One per stage, so dev's errors never feed prod's alarms.
 */
export const customMetricsNamespace = (stageName: string): string => `TaskTracker/${stageName}`;

/**
 * The usual alarm period: a minute notices problems quickly, one breaching minute is enough, and
 * missing data is not breaching: no traffic means no errors, and an idle table or API must not alarm.
 */
const EACH_MINUTE = { periodSeconds: 60, evaluationPeriods: 1, treatMissingData: 'notBreaching' } as const;

/** Fires on the first event of a minute: for errors and throttles, one is already a problem. */
const ANY_EVENT = {
  ...EACH_MINUTE,
  statistic: 'Sum',
  threshold: 1,
  comparison: 'GreaterThanOrEqualToThreshold',
} as const;

/** Average API latency, in milliseconds, above which the latency alarm fires. */
const API_LATENCY_MS = 2000;

/** Consumed capacity units per second (table and status index together) above which an alarm fires. */
const CAPACITY_UNITS_PER_SECOND = 100;

/**
 * Consumed capacity of the table and its status index together, in units per second averaged over
 * a minute (an on-demand table reports the Sum of units per period).
 */
function consumedCapacity(operation: 'Read' | 'Write') {
  return {
    ...EACH_MINUTE,
    namespace: 'AWS/DynamoDB',
    metricName: `Consumed${operation}CapacityUnits`,
    statistic: 'Sum',
    threshold: CAPACITY_UNITS_PER_SECOND,
    comparison: 'GreaterThanThreshold',
    description: `The table and its index consumed more than ${CAPACITY_UNITS_PER_SECOND} ${operation.toLowerCase()} capacity units per second.`,
  } as const satisfies RateAlarmDefinition;
}

/**
 * A DynamoDB throttle alarm. ReadThrottleEvents/WriteThrottleEvents count every throttled
 * operation, where ThrottledRequests needs one alarm per Operation dimension.
 */
function throttled(operation: 'Read' | 'Write', description: string) {
  return {
    ...ANY_EVENT,
    namespace: 'AWS/DynamoDB',
    metricName: `${operation}ThrottleEvents`,
    description,
  } as const satisfies AlarmDefinition;
}

/**
 * A web service utilization alarm: above 80 % for two 5-minute periods, that is, for 10 minutes.
 * A service with no data (no running task) is left as missing rather than judged.
 */
function sustainedUtilization(resource: 'CPU' | 'Memory') {
  const threshold = 80;
  const periodSeconds = 300;
  const evaluationPeriods = 2;
  const minutes = (periodSeconds * evaluationPeriods) / 60;
  const what = resource === 'CPU' ? 'CPU' : 'memory';
  return {
    namespace: 'AWS/ECS',
    metricName: `${resource}Utilization`,
    statistic: 'Average',
    periodSeconds,
    evaluationPeriods,
    threshold,
    comparison: 'GreaterThanThreshold',
    treatMissingData: 'missing',
    description: `Web service ${what} was above ${threshold} % for ${minutes} minutes.`,
  } as const satisfies AlarmDefinition;
}

/** The stage's alarms and dashboard graphs. */
export const MONITORING = {
  apiServerErrors: {
    ...ANY_EVENT,
    namespace: 'AWS/ApiGateway',
    metricName: '5XXError',
    description: 'The API answered at least one request with a 5XX error.',
  },
  apiLatency: {
    ...EACH_MINUTE,
    namespace: 'AWS/ApiGateway',
    metricName: 'Latency',
    statistic: 'Average',
    threshold: API_LATENCY_MS,
    comparison: 'GreaterThanThreshold',
    description: `Average API latency was above ${API_LATENCY_MS} ms.`,
  },
  tableReadCapacity: consumedCapacity('Read'),
  tableWriteCapacity: consumedCapacity('Write'),
  tableReadThrottles: throttled('Read', 'DynamoDB throttled at least one read.'),
  tableWriteThrottles: throttled('Write', 'DynamoDB throttled at least one write.'),
  /**
   * The status index reports its own throttles under TableName + GlobalSecondaryIndexName, which
   * the table alarms above do not include: a throttled list query or index write back-pressure.
   */
  indexReadThrottles: throttled('Read', 'DynamoDB throttled at least one read of the status index.'),
  indexWriteThrottles: throttled('Write', 'DynamoDB throttled at least one write to the status index.'),
  serviceCpu: sustainedUtilization('CPU'),
  serviceMemory: sustainedUtilization('Memory'),
  functionLogErrors: {
    ...ANY_EVENT,
    metricNameSuffix: 'Errors',
    errorLevels: ['ERROR', 'CRITICAL', 'FATAL'],
    runReports: ['platform.initReport', 'platform.report'],
    description: 'The function logged at least one error, or an init or invocation of it failed.',
  },
  /** Invocations that failed in Lambda's eyes (uncaught error, timeout, crash): they may log nothing. */
  functionErrors: {
    ...ANY_EVENT,
    namespace: 'AWS/Lambda',
    metricName: 'Errors',
    description: 'At least one invocation failed (uncaught error, timeout or crash).',
  },
  /** Invocations Lambda refused for lack of concurrency: the API answered them with an error. */
  functionThrottles: {
    ...ANY_EVENT,
    namespace: 'AWS/Lambda',
    metricName: 'Throttles',
    description: 'Lambda throttled at least one invocation.',
  },
  functionDuration: {
    namespace: 'AWS/Lambda',
    metricName: 'Duration',
    statistic: 'Average',
    periodSeconds: 300,
    title: 'Duration (avg)',
  },
  albRequests: {
    namespace: 'AWS/ApplicationELB',
    metricName: 'RequestCount',
    statistic: 'Sum',
    periodSeconds: 60,
    title: 'ALB requests per minute',
  },
} as const satisfies Readonly<Record<string, AlarmDefinition | LogErrorAlarmDefinition | WidgetDefinition>>;
