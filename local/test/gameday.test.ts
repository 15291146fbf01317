/**
 * The game day's quick variant (what `npm test` runs): every scenario that needs no sustained
 * throughput follows its alarm from the injected fault to the mailbox and back to OK, and no
 * metric is written by anything but a service.
 */
import { getStageConfig } from '@tasktracker/infra/src/config/stages.js';
import { describe, expect, it } from 'vitest';
import { foreignMetricWriters, formatReport, passed, runGameDay, SCENARIOS } from '../src/gameday/index.js';
import { MetricStore } from '../src/services/cloudwatch/metrics.js';

describe('the game day, quick', () => {
  it('fires, notifies and recovers every quick scenario’s alarm from real faults, writing no metric itself', async () => {
    // Act
    const report = await runGameDay({ quick: true, clock: 0.02, loadClock: 0.15 });

    // Assert
    expect(report.results.map((r) => r.scenario)).toEqual(
      SCENARIOS.filter((s) => s.pace === 'fast').map((s) => s.name),
    );
    expect(passed(report), formatReport(report)).toBe(true);
    expect(report.results.every((r) => r.notified)).toBe(true);
    // The address the stage's config subscribes, whichever one a user committed.
    expect(getStageConfig(report.stage).alarmSubscriptions?.emails).toContain(report.subscriber);
  }, 180_000);
});

describe('the metric writer audit', () => {
  it('names a metric writer created outside the services, as a harness writing metrics would be', () => {
    // Arrange
    const store = new MetricStore();
    store.sinkFor('lambda');

    // Act
    const foreign = foreignMetricWriters(store);

    // Assert
    expect(foreign).toEqual([{ source: 'lambda', createdBy: 'local/test/gameday.test.ts' }]);
  });
});
