/** The local metric store keeps the newest datapoints of every series, and drops the oldest in batches. */
import { describe, expect, it } from 'vitest';
import { DATAPOINTS_KEPT, MetricStore, metricKey } from '../src/services/cloudwatch/metrics.js';

describe('the metric store', () => {
  it('keeps at least the newest DATAPOINTS_KEPT datapoints of a series, oldest dropped first', () => {
    // Arrange
    let now = 0;
    const store = new MetricStore([], () => now);
    const sink = store.sinkFor('apigateway');
    const recorded = DATAPOINTS_KEPT * 2 + 123;

    // Act
    for (let i = 0; i < recorded; i++) {
      now = i;
      sink.record('AWS/ApiGateway', 'Count', { ApiName: 'api' }, i);
    }

    // Assert
    const values = store.datapoints(metricKey('AWS/ApiGateway', 'Count', { ApiName: 'api' }), 0, recorded);
    expect(values.length).toBeGreaterThanOrEqual(DATAPOINTS_KEPT);
    expect(values.length).toBeLessThan(DATAPOINTS_KEPT * 1.2);
    expect(values).toEqual(Array.from({ length: values.length }, (_, i) => recorded - values.length + i));
  });
});
