import { ROUTES } from '@tasktracker/api/routes';
import { TABLE_SCHEMA } from '@tasktracker/api/table-schema';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { type AlarmDefinition, MONITORING } from '../src/config/monitoring.js';
import { devAssembly, type TemplateJson } from './support/assembly.js';

let template: Template;
let json: TemplateJson;
beforeAll(async () => {
  const assembly = await devAssembly();
  template = assembly.template('Monitoring');
  json = assembly.json('Monitoring');
}, 120_000);

/** The alarm topic's logical id: every alarm must notify it. */
const topicRef = () => ({ Ref: Object.keys(template.findResources('AWS::SNS::Topic'))[0] });

/** The alarms whose properties match, as JSON. */
const alarmsWhere = (properties: Record<string, unknown>) =>
  Object.values(template.findResources('AWS::CloudWatch::Alarm', { Properties: properties })).map(
    (resource) => resource.Properties as Record<string, unknown>,
  );

const ALARMS: ReadonlyArray<readonly [string, AlarmDefinition, readonly string[]]> = [
  ['API 5XX errors', MONITORING.apiServerErrors, ['ApiName', 'Stage']],
  ['API latency', MONITORING.apiLatency, ['ApiName', 'Stage']],
  ['table read capacity', MONITORING.tableReadCapacity, ['TableName']],
  ['table write capacity', MONITORING.tableWriteCapacity, ['TableName']],
  ['table read throttles', MONITORING.tableReadThrottles, ['TableName']],
  ['table write throttles', MONITORING.tableWriteThrottles, ['TableName']],
  ['status index read throttles', MONITORING.indexReadThrottles, ['GlobalSecondaryIndexName', 'TableName']],
  ['status index write throttles', MONITORING.indexWriteThrottles, ['GlobalSecondaryIndexName', 'TableName']],
  ['service CPU', MONITORING.serviceCpu, ['ClusterName', 'ServiceName']],
  ['service memory', MONITORING.serviceMemory, ['ClusterName', 'ServiceName']],
];

describe('monitoring thresholds (ARCHITECTURE.md)', () => {
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
    expect(MONITORING.tableReadCapacity.threshold).toBe(100);
    expect(MONITORING.tableWriteCapacity.threshold).toBe(100);
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
    'counts %s error log lines with a metric filter and alarms on any',
    (routeId) => {
      const definition = MONITORING.functionLogErrors;
      const metricName = `${routeId}${definition.metricNameSuffix}`;
      template.hasResourceProperties('AWS::Logs::MetricFilter', {
        FilterPattern: definition.terms.map((term) => `?"${term}"`).join(' '),
        LogGroupName: { 'Fn::ImportValue': Match.stringLikeRegexp(`${routeId}Logs`) },
        MetricTransformations: [
          {
            MetricNamespace: definition.namespace,
            MetricName: metricName,
            MetricValue: '1',
            DefaultValue: 0,
          },
        ],
      });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: definition.namespace,
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

  it('subscribes no e-mail when the stage sets none', () => {
    template.resourceCountIs('AWS::SNS::Subscription', 0);
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
