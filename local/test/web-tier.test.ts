/**
 * Integration: the task tracker's web tier as the local cloud runs it — the load balancer on the
 * web port in front of the web container on an internal port, and the container's task sampled as
 * the ECS service's CPU and memory utilization, under the dimensions the template's alarms use.
 * Time runs 100× faster (alarmPeriodScale 0.01): one sample per 0.6 s stands for one a minute.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { faultsService } from '../src/faults.js';
import type { LocalCloud } from '../src/index.js';
import { albService } from '../src/services/alb/module.js';
import { cloudwatchService } from '../src/services/cloudwatch/module.js';
import { ecsService } from '../src/services/ecs/module.js';
import { startTestCloud } from './support/cloud.js';

let cloud: LocalCloud;

beforeAll(async () => {
  cloud = await startTestCloud({ alarmPeriodScale: 0.01 });
}, 90_000);

afterAll(async () => {
  await cloud?.stop();
});

function alarm(suffix: string) {
  const found = cloud
    .service(cloudwatchService)
    ?.alarmStates()
    .find((a) => a.alarmName.endsWith(`-${suffix}`));
  if (!found) throw new Error(`no alarm ${suffix}`);
  return found;
}

/** The newest values recorded for the metric an alarm reads. */
function latest(alarmSuffix: string, count: number): number[] {
  const [metric] = alarm(alarmSuffix).metrics;
  if (!metric) return [];
  const points =
    cloud
      .service(cloudwatchService)
      ?.metrics.metrics()
      .find(
        (m) =>
          m.id.namespace === metric.namespace &&
          m.id.metricName === metric.metricName &&
          JSON.stringify(Object.entries(m.id.dimensions).sort()) ===
            JSON.stringify(Object.entries(metric.dimensions).sort()),
      )?.points ?? [];
  return points.slice(-count).map((p) => p.value);
}

describe('the load balancer in front of the web container', () => {
  it('serves the web app on the web port and forwards to the container on another port', async () => {
    // Act
    const health = await fetch(new URL('/healthz', cloud.url('alb')));

    // Assert
    expect(health.status).toBe(200);
    const [target] = cloud.service(albService)?.targetHealth() ?? [];
    expect(target?.state).toBe('healthy');
    expect(target?.url).toBe(cloud.service(ecsService)?.containerUrl);
    expect(target?.url).not.toBe(cloud.url('alb'));
  });
});

describe('the web task’s utilization', () => {
  it('is recorded under the ClusterName and ServiceName the template’s CPU and memory alarms use', {
    timeout: 15_000,
  }, async () => {
    await expect.poll(() => latest('ServiceCpu', 1).length, { timeout: 10_000 }).toBe(1);

    expect(alarm('ServiceCpu').notEvaluated).toBeUndefined();
    expect(latest('ServiceMemory', 1)[0]).toBeGreaterThan(0);
    expect(latest('ServiceMemory', 1)[0]).toBeLessThan(80);
  });

  it('rises above 80 % of the task’s CPU units while a CPU stress process runs in the task', {
    timeout: 20_000,
  }, async () => {
    // Arrange
    const faults = cloud.service(faultsService)?.registry;
    const service = cloud.service(ecsService)?.serviceInfos()[0]?.serviceName ?? '';

    // Act
    const fault = await faults?.inject({ kind: 'ecs-cpu-stress', target: service });
    try {
      // Assert: three samples in a row above 80 %.
      await expect
        .poll(() => latest('ServiceCpu', 3).filter((v) => v > 80).length, { timeout: 10_000, interval: 200 })
        .toBe(3);
    } finally {
      await faults?.clear(fault?.id);
    }
  });

  it('rises above 80 % of the task’s memory while a memory stress process holds it, and falls when cleared', {
    timeout: 30_000,
  }, async () => {
    const faults = cloud.service(faultsService)?.registry;
    const service = cloud.service(ecsService)?.serviceInfos()[0]?.serviceName ?? '';

    const fault = await faults?.inject({
      kind: 'ecs-memory-stress',
      target: service,
      parameters: { percent: 90 },
    });
    await expect
      .poll(() => latest('ServiceMemory', 1)[0] ?? 0, { timeout: 5000, interval: 200 })
      .toBeGreaterThan(80);
    await faults?.clear(fault?.id);

    await expect
      .poll(() => latest('ServiceMemory', 1)[0] ?? 100, { timeout: 5000, interval: 200 })
      .toBeLessThan(50);
  });
});
