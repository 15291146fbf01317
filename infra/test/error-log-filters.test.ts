/**
 * The functions' error metric: the SYNTHESIZED metric filters run through the local cloud's own
 * filter-pattern evaluator over what the functions really write: Powertools JSON at every level,
 * and the Node.js runtime's and Lambda's own records in the JSON log format.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { ROUTES } from '@tasktracker/api/routes';
import { compileFilterPattern, type LogEventMatcher } from '@tasktracker/local/filter-pattern';
import fc from 'fast-check';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { API_SERVICE_NAME } from '../src/api-functions.js';
import { MONITORING } from '../src/config/monitoring.js';
import { STAGES } from '../src/config/stages.js';
import { type DevAssembly, devAssembly } from './support/assembly.js';

interface MetricFilterProps {
  readonly FilterPattern: string;
  readonly MetricTransformations: ReadonlyArray<{
    readonly MetricName: string;
    readonly MetricValue: string;
  }>;
}

let assembly: DevAssembly;
/** Each route's error metric, as the filters feeding it: compiled pattern and value. */
const errorMetrics = new Map<string, Array<{ matches: LogEventMatcher; value: number }>>();
beforeAll(async () => {
  assembly = await devAssembly();
  const filters = Object.values(assembly.json('Monitoring').Resources)
    .filter((resource) => resource.Type === 'AWS::Logs::MetricFilter')
    .map((resource) => resource.Properties as unknown as MetricFilterProps);
  for (const route of ROUTES) {
    const metricName = `${route.id}${MONITORING.functionLogErrors.metricNameSuffix}`;
    const feeding = filters.flatMap((filter) =>
      filter.MetricTransformations.filter((t) => t.MetricName === metricName).map((t) => ({
        matches: compileFilterPattern(filter.FilterPattern),
        value: Number(t.MetricValue),
      })),
    );
    errorMetrics.set(route.id, feeding);
  }
}, 120_000);

afterEach(() => {
  vi.restoreAllMocks();
});

/** How much one log event adds to each route's error metric (one number if all routes agree). */
function counted(event: string): number[] {
  const perRoute = ROUTES.map((route) =>
    (errorMetrics.get(route.id) ?? []).reduce(
      (sum, filter) => sum + (filter.matches(event) ? filter.value : 0),
      0,
    ),
  );
  return [...new Set(perRoute)];
}

type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'critical';

/** The line the API's Powertools logger writes for one call (its real output). */
function powertoolsLine(level: Level, message: string, extra: Record<string, unknown> = {}): string {
  const written: string[] = [];
  const capture = (chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  const logger = new Logger({ serviceName: API_SERVICE_NAME, logLevel: 'TRACE' });
  logger.appendKeys({ requestId: REQUEST_ID, route: 'GetTask' });
  logger[level](message, extra);
  vi.restoreAllMocks();
  const line = written.join('').trim();
  expect(line.split('\n')).toHaveLength(1);
  return line;
}

const REQUEST_ID = '8f5e2d6a-3c1b-4e0f-9a7d-2b6c4e8f0a1d';
const TIME = '2026-11-24T12:00:00.000Z';
const STACK = ['TypeError: Cannot read properties of undefined', '    at handler (/var/task/index.mjs:1:2)'];

/**
 * The Node.js runtime in Lambda's JSON log format (aws-lambda-nodejs-runtime-interface-client,
 * LogPatch.js): console.* writes `{timestamp, level, requestId, message}`; an uncaught exception,
 * a rejected handler and an init failure are logged with console.error(error), whose message is
 * `{errorType, errorMessage, stackTrace}`. No request id exists yet during init.
 */
const RUNTIME = {
  consoleInfo: (message: string) =>
    JSON.stringify({ timestamp: TIME, level: 'INFO', requestId: REQUEST_ID, message }),
  uncaught: JSON.stringify({
    timestamp: TIME,
    level: 'ERROR',
    requestId: REQUEST_ID,
    message: {
      errorType: 'TypeError',
      errorMessage: 'Cannot read properties of undefined',
      stackTrace: STACK,
    },
  }),
  initError: JSON.stringify({
    timestamp: TIME,
    level: 'ERROR',
    message: {
      errorType: 'Runtime.ImportModuleError',
      errorMessage: "Error: Cannot find module 'index'",
      stackTrace: ["Runtime.ImportModuleError: Error: Cannot find module 'index'"],
    },
  }),
};

/**
 * Lambda's own system log records in the JSON format (Telemetry API event schema). A report whose
 * status is not `success` is a WARN record, delivered at every system log level.
 */
const report = (status: string, errorType?: string) =>
  JSON.stringify({
    time: TIME,
    type: 'platform.report',
    record: {
      requestId: REQUEST_ID,
      metrics: { durationMs: 10000, billedDurationMs: 10000, memorySizeMB: 512, maxMemoryUsedMB: 98 },
      status,
      ...(errorType ? { errorType } : {}),
    },
  });
const initReport = (status: string, errorType?: string) =>
  JSON.stringify({
    time: TIME,
    type: 'platform.initReport',
    record: {
      initializationType: 'on-demand',
      phase: 'init',
      status,
      ...(errorType ? { errorType } : {}),
      metrics: { durationMs: 180.5 },
    },
  });
const PLATFORM_START = JSON.stringify({
  time: TIME,
  type: 'platform.start',
  record: { requestId: REQUEST_ID, version: '$LATEST' },
});

describe('functions log in JSON so the runtime’s failures have fields', () => {
  it('sets the JSON log format, the stage log level and the INFO system level on every function', () => {
    // Arrange
    const functions = Object.values(assembly.json('Api').Resources).filter(
      (resource) => resource.Type === 'AWS::Lambda::Function',
    );

    // Act
    const configs = functions.map((fn) => fn.Properties?.LoggingConfig);

    // Assert
    expect(configs).toHaveLength(ROUTES.length);
    for (const config of configs) {
      expect(config).toMatchObject({
        LogFormat: 'JSON',
        ApplicationLogLevel: STAGES.dev?.logLevel,
        SystemLogLevel: 'INFO',
      });
    }
  });
});

describe('error log metric, through the local cloud’s filter evaluator', () => {
  it('is fed by the synthesized filters of every route', () => {
    for (const route of ROUTES) expect(errorMetrics.get(route.id)?.length).toBeGreaterThan(0);
  });

  it.each([
    ['TRACE', 0, 'trace'],
    ['DEBUG', 0, 'debug'],
    ['INFO', 0, 'info'],
    ['WARN', 0, 'warn'],
    ['ERROR', 1, 'error'],
    ['CRITICAL', 1, 'critical'],
  ] as const)('counts a Powertools %s line as %i', (_, expected, level) => {
    // Arrange
    const line = powertoolsLine(level, 'something happened', { statusCode: 500 });

    // Act + Assert
    expect(counted(line)).toEqual([expected]);
  });

  it.each([
    ['an uncaught exception (runtime ERROR record)', 1, RUNTIME.uncaught],
    ['an init error (runtime ERROR record without request id)', 1, RUNTIME.initError],
    ['the failed init’s report', 1, initReport('error', 'Runtime.ImportModuleError')],
    ['a timeout (report with status timeout)', 1, report('timeout')],
    ['a crash (report with status error)', 1, report('error', 'Runtime.ExitError')],
    ['running out of memory', 1, report('error', 'Runtime.OutOfMemory')],
    ['a successful invocation’s report', 0, report('success')],
    ['a successful init’s report', 0, initReport('success')],
    ['an invocation start', 0, PLATFORM_START],
  ])('counts %s as %i', (_, expected, line) => {
    expect(counted(line)).toEqual([expected]);
  });

  it.each([
    [
      '"Task error not found" in a refusal',
      () => powertoolsLine('info', 'request refused', { reason: 'Task error not found' }),
    ],
    ['"Task timed out" as a message', () => powertoolsLine('warn', 'Task timed out after 10.00 seconds')],
    [
      'a forged record inside a message',
      () =>
        powertoolsLine('info', '{"level":"ERROR","type":"platform.report","record":{"status":"timeout"}}'),
    ],
    ['"ERROR" through console.log', () => RUNTIME.consoleInfo('GET /tasks/ERROR: Error: error')],
    ['"Task timed out" through console.log', () => RUNTIME.consoleInfo('Task timed out after 3.00 seconds')],
  ])('does not count caller text: %s', (_, line) => {
    expect(counted(line())).toEqual([0]);
  });

  it('cannot be moved by any text a caller gets logged below ERROR', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<Level>('trace', 'debug', 'info', 'warn'),
        fc.string(),
        fc.string(),
        (level, message, reason) => {
          // Arrange
          const line = powertoolsLine(level, message, { reason });

          // Act + Assert
          expect(counted(line)).toEqual([0]);
        },
      ),
      { numRuns: 200 },
    );
  });
});
