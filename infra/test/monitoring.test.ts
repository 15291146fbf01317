import { ROUTES } from '@tasktracker/api/routes';
import { TABLE_SCHEMA } from '@tasktracker/api/table-schema';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { type AlarmDefinition, customMetricsNamespace, MONITORING } from '../src/config/monitoring.js';
import { getStageConfig, STAGE_NAMES } from '../src/config/stages.js';
import { STAGE_OUTPUT_KEYS } from '../src/smoke.js';
import { devStack } from './support/assembly.js';

const { assembly, template, json } = await devStack('Monitoring');

/** The alarm topic's logical id: every alarm must notify it. */
const topicRef = () => ({ Ref: Object.keys(template.findResources('AWS::SNS::Topic'))[0] });

interface MetricStat {
  readonly Id: string;
  readonly Expression?: string;
  readonly ReturnData?: boolean;
  readonly MetricStat?: {
    readonly Metric: {
      readonly Namespace: string;
      readonly MetricName: string;
      readonly Dimensions: ReadonlyArray<{ readonly Name: string; readonly Value: unknown }>;
    };
    readonly Period: number;
    readonly Stat: string;
  };
}

/** Where a resource names a metric namespace. */
interface NamespacedProps {
  readonly MetricTransformations?: ReadonlyArray<{ readonly MetricNamespace: string }>;
  readonly Namespace?: string;
  readonly Metrics?: readonly MetricStat[];
  readonly Environment?: { readonly Variables: Readonly<Record<string, string>> };
}

/** The alarms whose properties match, as JSON. */
const alarmsWhere = (properties: Record<string, unknown>) =>
  Object.values(template.findResources('AWS::CloudWatch::Alarm', { Properties: properties })).map(
    (resource) => resource.Properties as Record<string, unknown>,
  );

const ALARMS: ReadonlyArray<readonly [string, AlarmDefinition, readonly string[]]> = [
  ['API 5XX errors', MONITORING.apiServerErrors, ['ApiName', 'Stage']],
  ['API latency', MONITORING.apiLatency, ['ApiName', 'Stage']],
  ['table read throttles', MONITORING.tableReadThrottles, ['TableName']],
  ['table write throttles', MONITORING.tableWriteThrottles, ['TableName']],
  ['status index read throttles', MONITORING.indexReadThrottles, ['GlobalSecondaryIndexName', 'TableName']],
  ['status index write throttles', MONITORING.indexWriteThrottles, ['GlobalSecondaryIndexName', 'TableName']],
  ['service CPU', MONITORING.serviceCpu, ['ClusterName', 'ServiceName']],
  ['service memory', MONITORING.serviceMemory, ['ClusterName', 'ServiceName']],
];

describe('monitoring thresholds (docs/monitoring.md)', () => {
  it('match the spec table', () => {
    expect(MONITORING.apiServerErrors).toMatchObject({
      threshold: 1,
      comparison: 'GreaterThanOrEqualToThreshold',
    });
    expect(MONITORING.apiLatency).toMatchObject({
      statistic: 'Average',
      threshold: 2000,
      comparison: 'GreaterThanThreshold',
    });
    for (const capacity of [MONITORING.tableReadCapacity, MONITORING.tableWriteCapacity]) {
      expect(capacity).toMatchObject({
        statistic: 'Sum',
        threshold: 100,
        comparison: 'GreaterThanThreshold',
      });
    }
    for (const throttles of [
      MONITORING.tableReadThrottles,
      MONITORING.tableWriteThrottles,
      MONITORING.indexReadThrottles,
      MONITORING.indexWriteThrottles,
    ]) {
      expect(throttles).toMatchObject({ threshold: 1, comparison: 'GreaterThanOrEqualToThreshold' });
    }
    for (const ecs of [MONITORING.serviceCpu, MONITORING.serviceMemory]) {
      expect(ecs).toMatchObject({ threshold: 80, comparison: 'GreaterThanThreshold' });
      expect(ecs.periodSeconds * ecs.evaluationPeriods).toBe(600);
    }
  });
});

describe('monitoring stack: alarms', () => {
  it.each(ALARMS)('alarms on %s as the definition says, notifying the topic', (_, definition, dimensions) => {
    const alarms = template.findResources('AWS::CloudWatch::Alarm', {
      Properties: { Namespace: definition.namespace, MetricName: definition.metricName },
    });
    const dimensionNames = (resource: { Properties?: { Dimensions?: Array<{ Name: string }> } }) =>
      (resource.Properties?.Dimensions ?? []).map((d) => d.Name).sort();
    // Table and index throttles share a metric name: the dimensions tell them apart.
    const alarm = Object.values(alarms).filter(
      (resource) => dimensionNames(resource).join() === [...dimensions].sort().join(),
    );
    expect(alarm).toHaveLength(1);
    expect(alarm[0]?.Properties).toMatchObject({
      Statistic: definition.statistic,
      Period: definition.periodSeconds,
      EvaluationPeriods: definition.evaluationPeriods,
      Threshold: definition.threshold,
      ComparisonOperator: definition.comparison,
      TreatMissingData: definition.treatMissingData,
      AlarmActions: [topicRef()],
    });
    const names = ((alarm[0]?.Properties.Dimensions ?? []) as Array<{ Name: string }>).map((d) => d.Name);
    expect(names.sort()).toEqual([...dimensions].sort());
  });

  it.each(ROUTES.map((route) => [route.id]))(
    'counts %s error log events with a metric filter in the stage namespace and alarms on any',
    (routeId) => {
      const definition = MONITORING.functionLogErrors;
      const metricName = `${routeId}${definition.metricNameSuffix}`;
      const namespace = customMetricsNamespace('dev');
      template.hasResourceProperties('AWS::Logs::MetricFilter', {
        LogGroupName: {
          'Fn::GetStackOutput': Match.objectLike({ OutputName: Match.stringLikeRegexp(`${routeId}Logs`) }),
        },
        MetricTransformations: [
          { MetricNamespace: namespace, MetricName: metricName, MetricValue: '1', DefaultValue: 0 },
        ],
      });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: namespace,
        MetricName: metricName,
        Statistic: definition.statistic,
        Period: definition.periodSeconds,
        Threshold: definition.threshold,
        EvaluationPeriods: definition.evaluationPeriods,
        ComparisonOperator: definition.comparison,
        TreatMissingData: definition.treatMissingData,
        AlarmActions: [topicRef()],
      });
    },
  );

  it('watches the status index for throttles too, and every alarm notifies the topic', () => {
    const indexAlarms = template.findResources('AWS::CloudWatch::Alarm', {
      Properties: {
        Namespace: 'AWS/DynamoDB',
        Dimensions: Match.arrayWith([
          { Name: 'GlobalSecondaryIndexName', Value: TABLE_SCHEMA.statusIndex.name },
        ]),
      },
    });
    expect(
      Object.values(indexAlarms)
        .map((a) => a.Properties.MetricName)
        .sort(),
    ).toEqual(['ReadThrottleEvents', 'WriteThrottleEvents']);
    for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm'))) {
      expect(alarm.Properties.AlarmActions).toEqual([topicRef()]);
    }
  });
});

describe('monitoring stack: topic and dashboard', () => {
  it('names every alarm so that the topic policy lets CloudWatch publish its state changes', () => {
    // Arrange
    const policy = Object.values(template.findResources('AWS::SNS::TopicPolicy'))[0];
    const statements = policy?.Properties.PolicyDocument.Statement as Array<Record<string, unknown>>;
    const cloudWatch = statements.find(
      (statement) => JSON.stringify(statement.Principal) === '{"Service":"cloudwatch.amazonaws.com"}',
    );
    const condition = cloudWatch?.Condition as { ArnLike?: Record<string, unknown> } | undefined;
    const arnLike = JSON.stringify(condition?.ArnLike?.['aws:SourceArn']);
    const prefix = /:alarm:([^*"]+)\*/.exec(arnLike)?.[1];

    // Act
    const names = alarmsWhere({}).map((alarm) => String(alarm.AlarmName));

    // Assert
    expect(prefix).toBe('TaskTracker-dev-');
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((name) => !name.startsWith(prefix ?? '?'))).toEqual([]);
  });

  it('subscribes exactly the endpoints the stage config names (none while it names none)', () => {
    const { emails = [], httpsEndpoint } = getStageConfig('dev').alarmSubscriptions ?? {};
    template.resourceCountIs('AWS::SNS::Subscription', emails.length + (httpsEndpoint === undefined ? 0 : 1));
  });

  it('outputs the alarm topic’s ARN, where the smoke test finds the subscriptions to check', () => {
    template.hasOutput(STAGE_OUTPUT_KEYS.alarmTopicArn, { Value: topicRef() });
  });

  it('graphs average Duration per function and ALB requests per minute', () => {
    const dashboard = Object.values(json.Resources).find((r) => r.Type === 'AWS::CloudWatch::Dashboard');
    const body = JSON.stringify(dashboard?.Properties?.DashboardBody);
    const duration = MONITORING.functionDuration;
    const durationMetrics = body.match(
      new RegExp(`\\\\"${duration.namespace}\\\\",\\\\"${duration.metricName}\\\\"`, 'g'),
    );
    expect(durationMetrics).toHaveLength(ROUTES.length);
    // CloudWatch renders the default statistic (Average) and period (300 s) implicitly, so the
    // Duration graphs carry no options; the only explicit stat is the ALB's per-minute Sum.
    expect(duration).toMatchObject({ statistic: 'Average', periodSeconds: 300 });
    expect(body.match(/\\"stat\\":/g)).toHaveLength(1);
    const requests = MONITORING.albRequests;
    expect(body).toContain(`\\"${requests.namespace}\\",\\"${requests.metricName}\\"`);
    expect(body).toContain(`\\"period\\":${requests.periodSeconds},\\"stat\\":\\"${requests.statistic}\\"`);
  });
});

describe('monitoring stack: custom metrics are per stage', () => {
  it('gives every stage its own custom namespace', () => {
    const namespaces = STAGE_NAMES.map(customMetricsNamespace);
    expect(new Set(namespaces).size).toBe(STAGE_NAMES.length);
  });

  it('publishes every custom metric of the stage (filters, alarms, Powertools) to its namespace', () => {
    // Arrange
    const resources = [...Object.values(json.Resources), ...Object.values(assembly.json('Api').Resources)];
    const props = (type: string) =>
      resources.filter((r) => r.Type === type).map((r) => (r.Properties ?? {}) as NamespacedProps);

    // Act
    const namespaces = [
      ...props('AWS::Logs::MetricFilter').flatMap((p) =>
        p.MetricTransformations?.map((t) => t.MetricNamespace),
      ),
      ...props('AWS::CloudWatch::Alarm').flatMap((p) => [
        p.Namespace,
        ...(p.Metrics ?? []).map((m) => m.MetricStat?.Metric.Namespace),
      ]),
      ...props('AWS::Lambda::Function').map((p) => p.Environment?.Variables.POWERTOOLS_METRICS_NAMESPACE),
    ];
    const custom = namespaces.filter((namespace) => namespace !== undefined && !namespace.startsWith('AWS/'));

    // Assert
    // Per function: its error filter, the alarm on it and its Powertools namespace.
    expect(custom).toHaveLength(3 * ROUTES.length);
    expect(new Set(custom)).toEqual(new Set([customMetricsNamespace('dev')]));
  });
});

describe('monitoring stack: DynamoDB capacity per second', () => {
  it.each([
    ['read', MONITORING.tableReadCapacity],
    ['write', MONITORING.tableWriteCapacity],
  ] as const)('alarms when table and index together consume > 100 %s units per second', (_, definition) => {
    // Arrange + Act
    const alarms = alarmsWhere({
      Metrics: Match.arrayWith([
        Match.objectLike({
          MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: definition.metricName }) }),
        }),
      ]),
    });

    // Assert
    expect(alarms).toHaveLength(1);
    const alarm = alarms[0] ?? {};
    expect(alarm).toMatchObject({
      Threshold: definition.threshold,
      ComparisonOperator: definition.comparison,
      EvaluationPeriods: definition.evaluationPeriods,
      TreatMissingData: definition.treatMissingData,
      AlarmActions: [topicRef()],
    });
    const metrics = alarm.Metrics as MetricStat[];
    const expression = metrics.find((m) => m.ReturnData !== false);
    const inputs = metrics.filter((m) => m.MetricStat);
    expect(inputs.map((m) => m.MetricStat?.Stat)).toEqual(['Sum', 'Sum']);
    expect(inputs.map((m) => m.MetricStat?.Period)).toEqual([60, 60]);
    expect(
      inputs.map((m) =>
        m.MetricStat?.Metric.Dimensions.map((d) => d.Name)
          .sort()
          .join(),
      ),
    ).toEqual(['TableName', 'GlobalSecondaryIndexName,TableName']);
    expect(JSON.stringify(inputs[1]?.MetricStat?.Metric.Dimensions)).toContain(TABLE_SCHEMA.statusIndex.name);
    const [table, index] = inputs.map((m) => m.Id);
    expect(expression?.Expression).toBe(`(FILL(${table}, 0) + FILL(${index}, 0)) / PERIOD(${table})`);
  });
});

describe('monitoring stack: per-function Lambda alarms', () => {
  it.each(
    ROUTES.flatMap((route) =>
      [MONITORING.functionErrors, MONITORING.functionThrottles].map(
        (definition) => [route.id, definition.metricName, definition] as const,
      ),
    ),
  )('alarms on %s AWS/Lambda %s, notifying the topic', (routeId, _, definition) => {
    // Arrange
    const functionName = Match.objectLike({
      'Fn::GetStackOutput': Match.objectLike({ OutputName: Match.stringLikeRegexp(`${routeId}Function`) }),
    });

    // Act
    const alarms = alarmsWhere({
      Namespace: 'AWS/Lambda',
      MetricName: definition.metricName,
      Dimensions: [{ Name: 'FunctionName', Value: functionName }],
    });

    // Assert
    expect(alarms).toHaveLength(1);
    expect(alarms[0]).toMatchObject({
      Statistic: definition.statistic,
      Period: definition.periodSeconds,
      Threshold: definition.threshold,
      ComparisonOperator: definition.comparison,
      TreatMissingData: definition.treatMissingData,
      AlarmActions: [topicRef()],
    });
  });
});
