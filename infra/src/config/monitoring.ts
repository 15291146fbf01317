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
 * Alarm periods of 60 s notice problems quickly; the ECS pair uses 2 × 5 min, that is, the
 * utilization stayed above 80 % for 10 minutes. Missing data is not breaching: no traffic
 * means no errors, and an idle table or API must not alarm.
 */
export const MONITORING = {
  apiServerErrors: {
    namespace: 'AWS/ApiGateway',
    metricName: '5XXError',
    statistic: 'Sum',
    periodSeconds: 60,
    evaluationPeriods: 1,
    threshold: 1,
    comparison: 'GreaterThanOrEqualToThreshold',
    treatMissingData: 'notBreaching',
    description: 'The API answered at least one request with a 5XX error.',
  },
  apiLatency: {
    namespace: 'AWS/ApiGateway',
    metricName: 'Latency',
    statistic: 'Average',
    periodSeconds: 60,
    evaluationPeriods: 1,
    threshold: 2000,
    comparison: 'GreaterThanThreshold',
    treatMissingData: 'notBreaching',
    description: 'Average API latency was above 2000 ms.',
  },
  /**
   * Consumed capacity of the table and its status index together, in units per second averaged
   * over a minute (an on-demand table reports the Sum of units per period).
   */
  tableReadCapacity: {
    namespace: 'AWS/DynamoDB',
    metricName: 'ConsumedReadCapacityUnits',
    statistic: 'Sum',
    periodSeconds: 60,
    evaluationPeriods: 1,
    threshold: 100,
    comparison: 'GreaterThanThreshold',
    treatMissingData: 'notBreaching',
    description: 'The table and its index consumed more than 100 read capacity units per second.',
  },
  tableWriteCapacity: {
    namespace: 'AWS/DynamoDB',
    metricName: 'ConsumedWriteCapacityUnits',
    statistic: 'Sum',
    periodSeconds: 60,
    evaluationPeriods: 1,
    threshold: 100,
    comparison: 'GreaterThanThreshold',
    treatMissingData: 'notBreaching',
    description: 'The table and its index consumed more than 100 write capacity units per second.',
  },
  /**
   * Throttles: ReadThrottleEvents/WriteThrottleEvents carry only the TableName dimension and count
   * every throttled operation, where ThrottledRequests needs one alarm per Operation dimension.
   */
  tableReadThrottles: {
    namespace: 'AWS/DynamoDB',
    metricName: 'ReadThrottleEvents',
    statistic: 'Sum',
    periodSeconds: 60,
    evaluationPeriods: 1,
    threshold: 1,
    comparison: 'GreaterThanOrEqualToThreshold',
    treatMissingData: 'notBreaching',
    description: 'DynamoDB throttled at least one read.',
  },
  tableWriteThrottles: {
    namespace: 'AWS/DynamoDB',
    metricName: 'WriteThrottleEvents',
    statistic: 'Sum',
    periodSeconds: 60,
    evaluationPeriods: 1,
    threshold: 1,
    comparison: 'GreaterThanOrEqualToThreshold',
    treatMissingData: 'notBreaching',
    description: 'DynamoDB throttled at least one write.',
  },
  /**
   * The status index reports its own throttles under TableName + GlobalSecondaryIndexName, which
   * the table alarms above do not include: a throttled list query or index write back-pressure.
   */
  indexReadThrottles: {
    namespace: 'AWS/DynamoDB',
    metricName: 'ReadThrottleEvents',
    statistic: 'Sum',
    periodSeconds: 60,
    evaluationPeriods: 1,
    threshold: 1,
    comparison: 'GreaterThanOrEqualToThreshold',
    treatMissingData: 'notBreaching',
    description: 'DynamoDB throttled at least one read of the status index.',
  },
  indexWriteThrottles: {
    namespace: 'AWS/DynamoDB',
    metricName: 'WriteThrottleEvents',
    statistic: 'Sum',
    periodSeconds: 60,
    evaluationPeriods: 1,
    threshold: 1,
    comparison: 'GreaterThanOrEqualToThreshold',
    treatMissingData: 'notBreaching',
    description: 'DynamoDB throttled at least one write to the status index.',
  },
  serviceCpu: {
    namespace: 'AWS/ECS',
    metricName: 'CPUUtilization',
    statistic: 'Average',
    periodSeconds: 300,
    evaluationPeriods: 2,
    threshold: 80,
    comparison: 'GreaterThanThreshold',
    treatMissingData: 'missing',
    description: 'Web service CPU was above 80 % for 10 minutes.',
  },
  serviceMemory: {
    namespace: 'AWS/ECS',
    metricName: 'MemoryUtilization',
    statistic: 'Average',
    periodSeconds: 300,
    evaluationPeriods: 2,
    threshold: 80,
    comparison: 'GreaterThanThreshold',
    treatMissingData: 'missing',
    description: 'Web service memory was above 80 % for 10 minutes.',
  },
  functionLogErrors: {
    metricNameSuffix: 'Errors',
    errorLevels: ['ERROR', 'CRITICAL', 'FATAL'],
    runReports: ['platform.initReport', 'platform.report'],
    statistic: 'Sum',
    periodSeconds: 60,
    evaluationPeriods: 1,
    threshold: 1,
    comparison: 'GreaterThanOrEqualToThreshold',
    treatMissingData: 'notBreaching',
    description: 'The function logged at least one error, or an init or invocation of it failed.',
  },
  /** Invocations that failed in Lambda's eyes (uncaught error, timeout, crash): they may log nothing. */
  functionErrors: {
    namespace: 'AWS/Lambda',
    metricName: 'Errors',
    statistic: 'Sum',
    periodSeconds: 60,
    evaluationPeriods: 1,
    threshold: 1,
    comparison: 'GreaterThanOrEqualToThreshold',
    treatMissingData: 'notBreaching',
    description: 'At least one invocation failed (uncaught error, timeout or crash).',
  },
  /** Invocations Lambda refused for lack of concurrency: the API answered them with an error. */
  functionThrottles: {
    namespace: 'AWS/Lambda',
    metricName: 'Throttles',
    statistic: 'Sum',
    periodSeconds: 60,
    evaluationPeriods: 1,
    threshold: 1,
    comparison: 'GreaterThanOrEqualToThreshold',
    treatMissingData: 'notBreaching',
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
} as const satisfies {
  readonly apiServerErrors: AlarmDefinition;
  readonly apiLatency: AlarmDefinition;
  readonly tableReadCapacity: RateAlarmDefinition;
  readonly tableWriteCapacity: RateAlarmDefinition;
  readonly tableReadThrottles: AlarmDefinition;
  readonly tableWriteThrottles: AlarmDefinition;
  readonly indexReadThrottles: AlarmDefinition;
  readonly indexWriteThrottles: AlarmDefinition;
  readonly serviceCpu: AlarmDefinition;
  readonly serviceMemory: AlarmDefinition;
  readonly functionLogErrors: LogErrorAlarmDefinition;
  readonly functionErrors: AlarmDefinition;
  readonly functionThrottles: AlarmDefinition;
  readonly functionDuration: WidgetDefinition;
  readonly albRequests: WidgetDefinition;
};
