/**
 * Integration: the local Lambda writes a JSON-format function's log group as Lambda does — the
 * runtime's console lines as JSON with the request id, application lines filtered by level, and
 * the platform records whose status the template's error filters select — so a timeout, a crash
 * and a failed init move the error metric, and a caller's text never does.
 */
import { describe, expect, it } from 'vitest';
import { faultsService } from '../src/faults.js';
import { metricKey } from '../src/services/cloudwatch/metrics.js';
import { cloudwatchService } from '../src/services/cloudwatch/module.js';
import type { LogEvent } from '../src/services/lambda/log-stream.js';
import { lambdaService } from '../src/services/lambda/module.js';
import { useFixtureCloud } from './support/fixture-cloud.js';

const fixture = useFixtureCloud('logs');

const call = (path: string) => fetch(new URL(path, fixture.cloud.url('apigateway')));

function lambda() {
  const service = fixture.cloud.service(lambdaService);
  if (!service) throw new Error('no local Lambda');
  return service;
}

function functionName(logicalIdPrefix: string): string {
  const config = lambda()
    .configs()
    .find((c) => c.logicalId.startsWith(logicalIdPrefix));
  if (!config) throw new Error(`no function ${logicalIdPrefix}`);
  return config.name;
}

/** The events of the JSON function delivered for one request id, parsed. */
function eventsOf(requestId: string): Array<Record<string, unknown>> {
  return lambda()
    .logEvents(functionName('JsonFn'))
    .filter((e) => e.requestId === requestId)
    .map((e) => JSON.parse(e.message) as Record<string, unknown>);
}

/** Calls the JSON function and returns the request id its platform.start record carries. */
async function invokeJson(mode: string): Promise<{ status: number; requestId: string }> {
  const before = lambda().logEvents(functionName('JsonFn')).length;
  const response = await call(`json/${mode}`);
  await response.arrayBuffer();
  const start = lambda()
    .logEvents(functionName('JsonFn'))
    .slice(before)
    .find((e: LogEvent) => e.message.includes('"platform.start"'));
  return { status: response.status, requestId: start?.requestId ?? '' };
}

function errorCount(): number {
  const metrics = fixture.cloud.service(cloudwatchService)?.metrics;
  return (
    metrics?.datapoints(metricKey('Fixture', 'JsonErrors', {}), 0, Number.POSITIVE_INFINITY) ?? []
  ).reduce((a, b) => a + b, 0);
}

describe('a function in the JSON log format', () => {
  it('wraps console lines as {timestamp, level, requestId, message} and passes only WARN and above', async () => {
    // Act
    const { status, requestId } = await invokeJson('log-levels');

    // Assert
    expect(status).toBe(200);
    const application = eventsOf(requestId).filter((e) => e.type === undefined);
    expect(application.map((e) => [e.level, e.message])).toEqual([
      ['WARN', "a warn line { path: '/json/log-levels' }"],
      ['ERROR', 'an error line'],
      ['WARN', 'powertools warn'],
    ]);
    expect(application[0]).toMatchObject({ requestId, timestamp: expect.stringMatching(/Z$/) });
  });

  it('frames each invocation with platform.start and a platform.report of status success', async () => {
    const { requestId } = await invokeJson('echo');

    const platform = eventsOf(requestId).filter((e) => e.type !== undefined);

    expect(platform.map((e) => e.type)).toEqual(['platform.start', 'platform.report']);
    expect(platform[1]?.record).toMatchObject({
      requestId,
      status: 'success',
      metrics: { durationMs: expect.any(Number), memorySizeMB: 128, maxMemoryUsedMB: expect.any(Number) },
    });
  });

  it.each([
    ['a timeout', 'slow', { status: 'timeout' }],
    ['a handler error', 'crash', { status: 'error', errorType: 'Error' }],
    ['an exit', 'exit', { status: 'error', errorType: 'Runtime.ExitError' }],
    ['an uncaught exception', 'uncaught', { status: 'error', errorType: 'Runtime.ExitError' }],
  ])('reports %s in platform.report and counts it as an error', async (_, mode, record) => {
    // Arrange
    const before = errorCount();

    // Act
    const { status, requestId } = await invokeJson(mode);

    // Assert
    expect(status).toBe(502);
    const report = eventsOf(requestId).find((e) => e.type === 'platform.report');
    expect(report?.record).toMatchObject(record);
    expect(errorCount()).toBeGreaterThan(before);
  });

  it("logs a handler's error as the runtime does: an ERROR record whose message holds the error", async () => {
    const { requestId } = await invokeJson('crash');

    const logged = eventsOf(requestId).find((e) => e.level === 'ERROR');

    expect(logged).toMatchObject({
      requestId,
      message: { errorType: 'Error', errorMessage: 'fixture crash', stackTrace: expect.any(Array) },
    });
  });

  it('does not count text a caller gets logged, however it reads', async () => {
    // Arrange
    const before = errorCount();

    // Act
    const { status, requestId } = await invokeJson('caller-text');

    // Assert
    expect(status).toBe(200);
    expect(eventsOf(requestId).filter((e) => e.type === undefined)).toHaveLength(2);
    expect(errorCount()).toBe(before);
  });
});

describe('a function whose init fails', () => {
  it('logs the runtime error and failed init report, fails the invocation, and counts it', async () => {
    // Arrange
    const before = errorCount();
    const name = functionName('BrokenFn');

    // Act
    const response = await call('broken');

    // Assert
    expect(response.status).toBe(502);
    const events = lambda()
      .logEvents(name)
      .map((e) => JSON.parse(e.message) as Record<string, unknown>);
    expect(events.find((e) => e.level === 'ERROR')).toMatchObject({
      message: { errorType: 'Runtime.ImportModuleError' },
    });
    expect(events.find((e) => e.level === 'ERROR')).not.toHaveProperty('requestId');
    expect(events.find((e) => e.type === 'platform.initReport')?.record).toMatchObject({
      status: 'error',
      errorType: 'Runtime.ImportModuleError',
    });
    expect(events.find((e) => e.type === 'platform.report')?.record).toMatchObject({
      status: 'error',
      errorType: 'Runtime.ImportModuleError',
    });
    expect(errorCount()).toBeGreaterThanOrEqual(before + 3);
  });
});

describe('Lambda faults', () => {
  it('makes every invocation of the function fail while lambda-error is active, and recovers when cleared', async () => {
    // Arrange
    const faults = fixture.cloud.service(faultsService)?.registry;
    const fault = await faults?.inject({ kind: 'lambda-error', target: functionName('JsonFn') });

    // Act
    const during = await invokeJson('echo');
    await faults?.clear(fault?.id);
    const after = await invokeJson('echo');

    // Assert
    expect(during.status).toBe(502);
    expect(eventsOf(during.requestId).find((e) => e.level === 'ERROR')).toMatchObject({
      message: { errorType: 'InjectedFault' },
    });
    expect(after.status).toBe(200);
  });

  it('adds the injected latency to the invocation, inside its timeout', async () => {
    const faults = fixture.cloud.service(faultsService)?.registry;
    const fault = await faults?.inject({
      kind: 'lambda-latency',
      target: functionName('JsonFn'),
      parameters: { delayMs: 300 },
    });

    const { requestId } = await invokeJson('echo');
    await faults?.clear(fault?.id);

    const report = eventsOf(requestId).find((e) => e.type === 'platform.report')?.record as {
      metrics: { durationMs: number };
    };
    expect(report.metrics.durationMs).toBeGreaterThanOrEqual(300);
  });
});
