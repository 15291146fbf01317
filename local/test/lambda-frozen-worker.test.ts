/**
 * A Lambda environment frozen before its init finished — a hung import, a stopped process — times
 * its invocation out once Lambda's init limit has passed, and is replaced: found by the
 * hostile-client suite, where it held the request until API Gateway's 29 s integration timeout
 * (504) and kept the environment's slot for good.
 */
import { describe, expect, it } from 'vitest';
import { INIT_LIMIT_MS } from '../src/services/lambda/index.js';
import { lambdaService } from '../src/services/lambda/module.js';
import { useFixtureCloud } from './support/fixture-cloud.js';
import { alive } from './support/processes.js';

const fixture = useFixtureCloud('frozen');

describe('a Lambda environment frozen during its init', () => {
  it("fails the invocation with 502 at Lambda's init limit, not the gateway's 29 s, and is replaced", async () => {
    // Arrange: the function has not run yet, so the request starts a new environment.
    const lambda = fixture.cloud.service(lambdaService);
    const fn = lambda?.configs().find((config) => config.logicalId.startsWith('Fn'));
    if (!lambda || !fn) throw new Error('The fixture has no function Fn.');
    const sentAt = Date.now();
    const pending = fetch(new URL('public', fixture.cloud.url('apigateway')));
    let pid: number | undefined;
    while (pid === undefined) {
      pid = lambda.busyProcessIds(fn.name)[0];
      if (pid === undefined) await new Promise((resolve) => setTimeout(resolve, 2));
    }
    try {
      // Act
      process.kill(pid, 'SIGSTOP');
      const frozen = await pending;
      const answeredAfterMs = Date.now() - sentAt;
      const next = await fetch(new URL('public', fixture.cloud.url('apigateway')));
      // Assert
      expect(frozen.status).toBe(502);
      expect(answeredAfterMs).toBeGreaterThanOrEqual(Math.max(INIT_LIMIT_MS, fn.timeoutMs));
      expect(answeredAfterMs).toBeLessThan(Math.max(INIT_LIMIT_MS, fn.timeoutMs) + 5_000);
      expect(alive(pid)).toBe(false);
      expect(next.status).toBe(200);
    } finally {
      if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
  }, 30_000);
});
