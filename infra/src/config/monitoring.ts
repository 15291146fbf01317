/**
 * The monitoring thresholds of ARCHITECTURE.md, in one typed place. The monitoring stack builds
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

/** Alarm of a log metric filter: every matching log event counts 1 in a custom metric. */
export interface LogErrorAlarmDefinition extends Omit<AlarmDefinition, 'namespace' | 'metricName'> {
  /** Custom metric namespace the filters publish to. */
  readonly namespace: string;
  /** Metric name is `<route id><suffix>`, e.g. `CreateTaskErrors`. */
  readonly metricNameSuffix: string;
  /**
   * Terms of the filter pattern; any one matching counts the event. Filter terms are
   * case-sensitive, so the spelling variants are listed: Powertools writes `"level":"ERROR"`, the
   * Node.js runtime `ERROR` / `Error:` for uncaught exceptions, libraries `error`.
   */
  readonly terms: readonly string[];
}

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
  tableReadCapacity: {
    namespace: 'AWS/DynamoDB',
    metricName: 'ConsumedReadCapacityUnits',
    statistic: 'Sum',
    periodSeconds: 60,
    evaluationPeriods: 1,
    threshold: 100,
    comparison: 'GreaterThanThreshold',
    treatMissingData: 'notBreaching',
    description: 'The table consumed more than 100 read capacity units in a minute.',
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
    description: 'The table consumed more than 100 write capacity units in a minute.',
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
    namespace: 'TaskTracker/Functions',
    metricNameSuffix: 'Errors',
    terms: ['ERROR', 'Error', 'error'],
    statistic: 'Sum',
    periodSeconds: 60,
    evaluationPeriods: 1,
    threshold: 1,
    comparison: 'GreaterThanOrEqualToThreshold',
    treatMissingData: 'notBreaching',
    description: 'The function logged at least one error.',
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
  readonly tableReadCapacity: AlarmDefinition;
  readonly tableWriteCapacity: AlarmDefinition;
  readonly tableReadThrottles: AlarmDefinition;
  readonly tableWriteThrottles: AlarmDefinition;
  readonly indexReadThrottles: AlarmDefinition;
  readonly indexWriteThrottles: AlarmDefinition;
  readonly serviceCpu: AlarmDefinition;
  readonly serviceMemory: AlarmDefinition;
  readonly functionLogErrors: LogErrorAlarmDefinition;
  readonly functionDuration: WidgetDefinition;
  readonly albRequests: WidgetDefinition;
};
