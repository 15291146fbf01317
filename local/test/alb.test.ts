/**
 * The local Application Load Balancer, from a template's load balancer, listener and target group,
 * in front of plain HTTP targets: forwarding, the target group's health check, and the metrics ALB
 * publishes under its `LoadBalancer` dimension.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { TemplateResource } from '../src/assembly/index.js';
import { physicalIdsOf } from '../src/registry.js';
import { LocalLoadBalancer, statusMatcher, type Target } from '../src/services/alb/index.js';
import { MetricStore, metricKey } from '../src/services/cloudwatch/metrics.js';
import { firstStack, stackAssembly } from './support/assembly.js';

const RESOURCES: Record<string, TemplateResource> = {
  Lb: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Type: 'application' } },
  Http: {
    Type: 'AWS::ElasticLoadBalancingV2::Listener',
    Properties: {
      LoadBalancerArn: { Ref: 'Lb' },
      Port: 80,
      Protocol: 'HTTP',
      DefaultActions: [{ Type: 'forward', TargetGroupArn: { Ref: 'Group' } }],
    },
  },
  Group: {
    Type: 'AWS::ElasticLoadBalancingV2::TargetGroup',
    Properties: {
      Port: 8080,
      Protocol: 'HTTP',
      HealthCheckPath: '/healthz',
      HealthCheckIntervalSeconds: 5,
      UnhealthyThresholdCount: 2,
      Matcher: { HttpCode: '200' },
    },
  },
};

const assembly = stackAssembly('Web', RESOURCES);

const running: Array<{ stop(): Promise<void> } | Server> = [];

afterEach(async () => {
  for (const item of running.splice(0))
    await ('stop' in item ? item.stop() : new Promise((resolve) => item.close(resolve)));
});

/** A target whose /healthz and / answer the given statuses (changeable while it runs). */
async function target(status: { health: number; page: number }): Promise<Target> {
  const server = createServer((req, res) => {
    res.writeHead(req.url === '/healthz' ? status.health : status.page, {
      'x-seen-forwarded-for': String(req.headers['x-forwarded-for']),
    });
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  running.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function balancer(targets: Target[]) {
  const ids = physicalIdsOf(assembly);
  const store = new MetricStore();
  const alb = new LocalLoadBalancer({
    ids,
    port: 0,
    targets: () => targets,
    metrics: store.sinkFor('alb'),
    log: () => {},
  });
  await alb.start();
  running.push(alb);
  const fullName = ids.context(firstStack(assembly)).getAtt('Lb', 'LoadBalancerFullName');
  const sum = (metricName: string) =>
    store
      .datapoints(
        metricKey('AWS/ApplicationELB', metricName, { LoadBalancer: fullName ?? '' }),
        0,
        Date.now() + 1,
      )
      .reduce((a, b) => a + b, 0);
  return { alb, url: alb.endpoint ?? '', sum, fullName };
}

describe('the local load balancer', () => {
  it('forwards to a healthy target and counts the request under its LoadBalancerFullName', async () => {
    // Arrange
    const { url, sum, fullName } = await balancer([await target({ health: 200, page: 200 })]);

    // Act
    const response = await fetch(`${url}/tasks`);

    // Assert
    expect(response.status).toBe(200);
    expect(response.headers.get('x-seen-forwarded-for')).toBe('127.0.0.1');
    expect(fullName).toMatch(/^app\/[A-Za-z0-9-]{1,32}\/[0-9a-f]{16}$/);
    expect(sum('RequestCount')).toBe(1);
    expect(sum('HTTPCode_Target_2XX_Count')).toBe(1);
    expect(sum('TargetResponseTime')).toBeGreaterThan(0);
  });

  it("counts a target's 5XX answers as HTTPCode_Target_5XX_Count", async () => {
    const { url, sum } = await balancer([await target({ health: 200, page: 500 })]);

    await (await fetch(`${url}/`)).text();

    expect(sum('HTTPCode_Target_5XX_Count')).toBe(1);
    expect(sum('HTTPCode_ELB_5XX_Count')).toBe(0);
  });

  it('answers 503 itself when no target is registered, as an ELB 5XX', async () => {
    const { url, sum } = await balancer([]);

    const response = await fetch(`${url}/`);

    expect(response.status).toBe(503);
    expect(sum('HTTPCode_ELB_5XX_Count')).toBe(1);
  });

  it('answers 502 when the target does not answer', async () => {
    const { url, sum } = await balancer([{ url: 'http://127.0.0.1:1' }]);

    expect((await fetch(`${url}/`)).status).toBe(502);
    expect(sum('HTTPCode_ELB_5XX_Count')).toBe(1);
  });

  it('marks a target that fails its first health check on the template path unhealthy', async () => {
    const { alb } = await balancer([await target({ health: 503, page: 200 })]);

    expect(alb.targetHealth()).toEqual([
      expect.objectContaining({ state: 'unhealthy', reason: 'Health checks failed with these codes: [503]' }),
    ]);
  });
});

describe('ALB status matchers', () => {
  it.each([
    ['200', 200, true],
    ['200', 201, false],
    ['200,202', 202, true],
    ['200-299', 250, true],
    ['200-299', 300, false],
  ])('%s matches %i: %s', (spec, status, expected) => {
    expect(statusMatcher(spec)(status)).toBe(expected);
  });
});
