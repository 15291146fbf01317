import { describe, expect, it } from 'vitest';
import type { TemplateResource } from '../src/assembly/index.js';
import { observedMetrics, physicalIdsOf } from '../src/registry.js';
import { LocalCloudWatch } from '../src/services/cloudwatch/index.js';
import { stackAssembly } from './support/assembly.js';

function cloudWatchFor(
  resources: Record<string, TemplateResource>,
  observed: ReadonlyMap<string, ReadonlySet<string>> = observedMetrics(),
): LocalCloudWatch {
  const ids = physicalIdsOf(stackAssembly('Monitoring', resources));
  return new LocalCloudWatch({ ids, observed, log: () => {} });
}

const TOPIC: TemplateResource = { Type: 'AWS::SNS::Topic' };

function alarm(props: Record<string, unknown>): TemplateResource {
  return {
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      Namespace: 'AWS/ApiGateway',
      MetricName: 'Latency',
      Dimensions: [{ Name: 'ApiName', Value: 'Api' }],
      Statistic: 'Average',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 2000,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [{ Ref: 'Topic' }],
      OKActions: [{ Ref: 'Topic' }],
      ...props,
    },
  };
}

describe('local CloudWatch alarms', () => {
  it('compares the statistic of the newest periods with the threshold and notifies the topic on each change', () => {
    const cw = cloudWatchFor({ Topic: TOPIC, Slow: alarm({ AlarmName: 'slow-api' }) });
    cw.metrics.sinkFor('test').record('AWS/ApiGateway', 'Latency', { ApiName: 'Api' }, 100);
    cw.evaluate(Date.now());
    expect(cw.alarmStates()[0]?.state).toBe('OK');
    cw.metrics.sinkFor('test').record('AWS/ApiGateway', 'Latency', { ApiName: 'Api' }, 9000);
    cw.evaluate(Date.now());
    expect(cw.alarmStates()[0]?.state).toBe('ALARM');
    expect(cw.notifications().map((n) => `${n.alarmName}:${n.oldState}->${n.newState}`)).toEqual([
      'slow-api:INSUFFICIENT_DATA->OK',
      'slow-api:OK->ALARM',
    ]);
    expect(cw.notifications()[1]?.topicArn).toMatch(/^arn:aws:sns:eu-west-1:000000000000:/);
  });

  it('only matches datapoints with exactly the alarm’s dimensions', () => {
    const cw = cloudWatchFor({ Topic: TOPIC, Slow: alarm({ AlarmName: 'slow-api' }) });
    cw.metrics.sinkFor('test').record('AWS/ApiGateway', 'Latency', { ApiName: 'Api', Stage: 'v1' }, 9000);
    cw.evaluate(Date.now());
    expect(cw.alarmStates()[0]?.state).toBe('INSUFFICIENT_DATA');
  });

  it('applies TreatMissingData', () => {
    const cw = cloudWatchFor({
      Topic: TOPIC,
      Breaching: alarm({ AlarmName: 'b', TreatMissingData: 'breaching' }),
      NotBreaching: alarm({ AlarmName: 'nb', TreatMissingData: 'notBreaching' }),
      Missing: alarm({ AlarmName: 'm' }),
    });
    cw.evaluate(Date.now());
    expect(cw.alarmStates().map((a) => `${a.alarmName}:${a.state}`)).toEqual([
      'b:ALARM',
      'nb:OK',
      'm:INSUFFICIENT_DATA',
    ]);
  });

  it('lists alarms on metrics it cannot observe as not evaluated', () => {
    const cw = cloudWatchFor({
      Topic: TOPIC,
      Age: alarm({ Namespace: 'AWS/SQS', MetricName: 'ApproximateAgeOfOldestMessage', Dimensions: [] }),
    });
    expect(cw.alarmStates()[0]?.notEvaluated).toBe(
      'AWS/SQS ApproximateAgeOfOldestMessage is not observed by the local cloud',
    );
    expect(cw.describe().resources[0]?.detail).toMatch(/^NOT EVALUATED/);
  });
});

describe('local CloudWatch metric-math alarms', () => {
  const observed = new Map([['AWS/DynamoDB', new Set(['ConsumedWriteCapacityUnits'])]]);
  const capacity = (threshold: number): TemplateResource => ({
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      AlarmName: 'capacity',
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 1,
      Threshold: threshold,
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: 'Topic' }],
      Metrics: [
        { Id: 'expr_1', Expression: '(FILL(table, 0) + FILL(index, 0)) / PERIOD(table)', ReturnData: true },
        ...['table', 'index'].map((id) => ({
          Id: id,
          ReturnData: false,
          MetricStat: {
            Metric: {
              Namespace: 'AWS/DynamoDB',
              MetricName: 'ConsumedWriteCapacityUnits',
              Dimensions: [
                { Name: 'TableName', Value: 'Tasks' },
                ...(id === 'index' ? [{ Name: 'GlobalSecondaryIndexName', Value: 'byStatus' }] : []),
              ],
            },
            Period: 60,
            Stat: 'Sum',
          },
        })),
      ],
    },
  });

  it('evaluates (FILL(table, 0) + FILL(index, 0)) / PERIOD(table) per second of the template period', () => {
    // Arrange: 6,000 units on the table and 60 on the index in one 60 s period: 101 per second.
    const cw = cloudWatchFor({ Topic: TOPIC, Capacity: capacity(100) }, observed);
    const sink = cw.metrics.sinkFor('test');
    sink.record('AWS/DynamoDB', 'ConsumedWriteCapacityUnits', { TableName: 'Tasks' }, 6000);
    sink.record(
      'AWS/DynamoDB',
      'ConsumedWriteCapacityUnits',
      { TableName: 'Tasks', GlobalSecondaryIndexName: 'byStatus' },
      60,
    );

    // Act
    cw.evaluate(Date.now());

    // Assert
    expect(cw.alarmStates()[0]?.state).toBe('ALARM');
    expect(cw.alarmStates()[0]?.notEvaluated).toBeUndefined();
  });

  /** The capacity alarm's state once `units` are written to the table alone (none to the index) in a period. */
  function stateAfterTableWrites(threshold: number, units: number) {
    const cw = cloudWatchFor({ Topic: TOPIC, Capacity: capacity(threshold) }, observed);
    cw.metrics
      .sinkFor('test')
      .record('AWS/DynamoDB', 'ConsumedWriteCapacityUnits', { TableName: 'Tasks' }, units);
    cw.evaluate(Date.now());
    return cw.alarmStates()[0]?.state;
  }

  it('fills a metric without datapoints with 0, so the other one alone can breach', () => {
    expect(stateAfterTableWrites(10, 660)).toBe('ALARM');
  });

  it('stays OK below the threshold per second', () => {
    expect(stateAfterTableWrites(100, 5999)).toBe('OK');
  });

  it('lists an expression it cannot evaluate as not evaluated, naming it', () => {
    const alarm = capacity(1);
    const metrics = ((alarm.Properties?.Metrics ?? []) as Array<Record<string, unknown>>).map((m) =>
      m.Expression ? { ...m, Expression: 'ANOMALY_DETECTION_BAND(table)' } : m,
    );
    const cw = cloudWatchFor({
      Topic: TOPIC,
      Capacity: { ...alarm, Properties: { ...alarm.Properties, Metrics: metrics } },
    });

    expect(cw.alarmStates()[0]?.notEvaluated).toMatch(
      /ANOMALY_DETECTION_BAND\(\) is not evaluated by the local cloud/,
    );
  });
});
