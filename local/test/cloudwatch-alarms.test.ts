import { describe, expect, it } from 'vitest';
import type { LocalAssembly, TemplateResource } from '../src/assembly/index.js';
import { observedMetrics, physicalIdsOf } from '../src/registry.js';
import { LocalCloudWatch } from '../src/services/cloudwatch/index.js';

function cloudWatchFor(resources: Record<string, TemplateResource>): LocalCloudWatch {
  const assembly: LocalAssembly = {
    stageName: 'T-dev',
    directory: '/nowhere',
    region: 'eu-west-1',
    stacks: [
      {
        stackName: 'T-dev-Monitoring',
        region: 'eu-west-1',
        template: { Resources: resources },
        fileAssets: new Map(),
      },
    ],
  };
  return new LocalCloudWatch({ ids: physicalIdsOf(assembly), observed: observedMetrics(), log: () => {} });
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
    cw.metrics.record('AWS/ApiGateway', 'Latency', { ApiName: 'Api' }, 100);
    cw.evaluate(Date.now());
    expect(cw.alarmStates()[0]?.state).toBe('OK');
    cw.metrics.record('AWS/ApiGateway', 'Latency', { ApiName: 'Api' }, 9000);
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
    cw.metrics.record('AWS/ApiGateway', 'Latency', { ApiName: 'Api', Stage: 'v1' }, 9000);
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
      Cpu: alarm({ Namespace: 'AWS/ECS', MetricName: 'CPUUtilization', Dimensions: [] }),
    });
    expect(cw.alarmStates()[0]?.notEvaluated).toBe(
      'AWS/ECS CPUUtilization is not observed by the local cloud',
    );
    expect(cw.describe().resources[0]?.detail).toMatch(/^NOT EVALUATED/);
  });
});
