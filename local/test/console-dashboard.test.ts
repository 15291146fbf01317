/** The console's dashboard: the template's DashboardBody resolved locally, and its widgets' series. */
import { describe, expect, it } from 'vitest';
import type { Template } from '../src/assembly/index.js';
import { physicalIdsOf } from '../src/registry.js';
import { localDashboards } from '../src/services/console/dashboard.js';
import {
  type MetricsView,
  periodValues,
  plotLines,
  readMetricRows,
  statistic,
} from '../src/services/console/series.js';
import { assemblyOf as assemblyFrom } from './support/assembly.js';

const assemblyOf = (stacks: Record<string, Template>) => assemblyFrom(stacks, { stageName: 'App-dev' });

/** A body as CDK writes it: JSON text joined around intrinsics. */
function body(...parts: unknown[]): unknown {
  return { 'Fn::Join': ['', parts] };
}

describe('localDashboards', () => {
  it("resolves the body's intrinsics across stacks, alarm ARNs included, and parses its widgets", () => {
    // Arrange
    const assembly = assemblyOf({
      'App-dev-Data': {
        Resources: { Table1: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 'tasks' } } },
        Outputs: { Name: { Value: { Ref: 'Table1' }, Export: { Name: 'App-dev-Data:Name' } } },
      },
      'App-dev-Monitoring': {
        Resources: {
          Alarm1: { Type: 'AWS::CloudWatch::Alarm', Properties: { AlarmName: 'tasks-throttled' } },
          Board: {
            Type: 'AWS::CloudWatch::Dashboard',
            Properties: {
              DashboardName: 'board',
              DashboardBody: body(
                '{"start":"-PT1H","widgets":[{"type":"alarm","properties":{"alarms":["',
                { 'Fn::GetAtt': ['Alarm1', 'Arn'] },
                '"]}},{"type":"metric","properties":{"region":"',
                { Ref: 'AWS::Region' },
                '","metrics":[["AWS/DynamoDB","ConsumedReadCapacityUnits","TableName","',
                { 'Fn::ImportValue': 'App-dev-Data:Name' },
                '"]]}}]}',
              ),
            },
          },
        },
      },
    });

    // Act
    const [dashboard] = localDashboards(physicalIdsOf(assembly));

    // Assert
    expect(dashboard?.name).toBe('board');
    expect(dashboard?.start).toBe('-PT1H');
    expect(dashboard?.widgets.map((w) => w.properties)).toEqual([
      { alarms: ['arn:aws:cloudwatch:eu-west-1:000000000000:alarm:tasks-throttled'] },
      { region: 'eu-west-1', metrics: [['AWS/DynamoDB', 'ConsumedReadCapacityUnits', 'TableName', 'tasks']] },
    ]);
    expect(dashboard?.widgets.map((w) => w.notEmulated)).toEqual([[], []]);
  });

  it('marks a widget that refers to a resource the local cloud does not run, instead of failing', () => {
    // Arrange: a queue no local service owns.
    const assembly = assemblyOf({
      'App-dev-Web': {
        Resources: {
          Queue1: { Type: 'AWS::SQS::Queue' },
          Board: {
            Type: 'AWS::CloudWatch::Dashboard',
            Properties: {
              DashboardBody: body(
                '{"widgets":[{"type":"metric","properties":{"metrics":[["AWS/SQS","NumberOfMessagesSent","QueueName","',
                { 'Fn::GetAtt': ['Queue1', 'QueueName'] },
                '"]]}}]}',
              ),
            },
          },
        },
      },
    });

    // Act
    const [dashboard] = localDashboards(physicalIdsOf(assembly));

    // Assert
    expect(dashboard?.error).toBeUndefined();
    expect(dashboard?.widgets[0]?.notEmulated).toEqual(['Queue1.QueueName (AWS::SQS::Queue)']);
  });

  it("reports a body that is not JSON as the dashboard's error", () => {
    // Arrange
    const assembly = assemblyOf({
      'App-dev-Monitoring': {
        Resources: {
          Board: { Type: 'AWS::CloudWatch::Dashboard', Properties: { DashboardBody: '{"widgets":' } },
        },
      },
    });

    // Act
    const [dashboard] = localDashboards(physicalIdsOf(assembly));

    // Assert
    expect(dashboard?.widgets).toEqual([]);
    expect(dashboard?.error).toMatch(/JSON/);
  });
});

describe('readMetricRows', () => {
  it("reads CloudWatch's row form: dimensions in pairs, '.' repeating the row above, options last", () => {
    // Arrange
    const rows = [
      ['AWS/Lambda', 'Duration', 'FunctionName', 'a', { stat: 'p99', period: 60 }],
      ['.', '.', '.', 'b', { label: 'B', visible: false }],
      [{ expression: 'm1 + m2', label: 'both', id: 'e1' }],
    ];

    // Act
    const specs = readMetricRows(rows, { stat: 'Sum' });

    // Assert
    expect(specs).toEqual([
      {
        namespace: 'AWS/Lambda',
        metricName: 'Duration',
        dimensions: { FunctionName: 'a' },
        stat: 'p99',
        period: 60,
        label: 'Duration',
        visible: true,
      },
      {
        namespace: 'AWS/Lambda',
        metricName: 'Duration',
        dimensions: { FunctionName: 'b' },
        stat: 'Sum',
        period: 300,
        label: 'B',
        visible: false,
      },
      { expression: 'm1 + m2', label: 'both', id: 'e1', visible: true },
    ]);
  });
});

describe('periodValues', () => {
  const minute = 60_000;
  const view: MetricsView = {
    periodScale: 1,
    bucketMs: minute,
    series: [
      {
        namespace: 'AWS/Lambda',
        metricName: 'Errors',
        dimensions: { FunctionName: 'a' },
        buckets: [
          { t: 0, sum: 2, count: 2, min: 1, max: 1 },
          { t: minute, sum: 3, count: 1, min: 3, max: 3 },
          { t: 3 * minute, sum: 4, count: 4, min: 1, max: 1 },
        ],
      },
    ],
  };
  const spec = {
    namespace: 'AWS/Lambda',
    metricName: 'Errors',
    dimensions: { FunctionName: 'a' },
    stat: 'Sum',
    period: 120,
    label: 'Errors',
    visible: true,
  };

  it('sums buckets into the widget period and leaves a gap where a period has no data', () => {
    // Act
    const { times, values } = periodValues(view, spec, 0, 6 * minute);

    // Assert
    expect(times).toEqual([0, 2 * minute, 4 * minute]);
    expect(values).toEqual([5, 4, null]);
  });

  it('draws nothing for a metric with other dimensions (CloudWatch matches the exact set)', () => {
    // Act
    const { values } = periodValues(view, { ...spec, dimensions: {} }, 0, 2 * minute);

    // Assert
    expect(values).toEqual([null]);
  });

  it('averages over datapoints, not over buckets', () => {
    // Act
    const average = statistic('Average', view.series[0]?.buckets.slice(0, 2) ?? []);

    // Assert
    expect(average).toBeCloseTo(5 / 3);
  });
});

describe('plotLines', () => {
  const minute = 60_000;
  const units = (dimensions: Record<string, string>, sums: number[]) => ({
    namespace: 'AWS/DynamoDB',
    metricName: 'ConsumedReadCapacityUnits',
    dimensions,
    buckets: sums.map((sum, i) => ({ t: i * minute, sum, count: 1, min: sum, max: sum })),
  });
  const view: MetricsView = {
    periodScale: 1,
    bucketMs: minute,
    series: [
      units({ TableName: 't' }, [120, 60]),
      units({ TableName: 't', GlobalSecondaryIndexName: 'i' }, [60]),
    ],
  };
  const input = (id: string, dimensions: Record<string, string>) => ({
    namespace: 'AWS/DynamoDB',
    metricName: 'ConsumedReadCapacityUnits',
    dimensions,
    stat: 'Sum',
    period: 60,
    label: id,
    id,
    visible: false,
  });

  it("draws an alarm's metric math over its hidden inputs, per period, as the local alarms evaluate it", () => {
    // Arrange: units per second of the table and its index, as the template's capacity alarm reads them.
    const specs = [
      input('table', { TableName: 't' }),
      input('index', { TableName: 't', GlobalSecondaryIndexName: 'i' }),
      {
        expression: '(FILL(table, 0) + FILL(index, 0)) / PERIOD(table)',
        label: 'per second',
        id: 'e1',
        visible: true,
      },
    ];

    // Act
    const lines = plotLines(view, specs, 0, 2 * minute);

    // Assert
    expect(lines.map((l) => [l.label, l.stat, l.values])).toEqual([['per second', 'expression', [3, 1]]]);
  });

  it('says why an expression the evaluator refuses cannot be drawn', () => {
    // Act
    const [line] = plotLines(
      view,
      [input('table', { TableName: 't' }), { expression: 'SEARCH(x)', label: 's', visible: true }],
      0,
      minute,
    );

    // Assert
    expect(line?.values).toEqual([null]);
    expect(line?.error).toMatch(/metric math/);
  });
});
