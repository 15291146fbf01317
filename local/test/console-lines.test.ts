/**
 * How function logs read on the console: each line prefixed with the function's name, filtered by
 * `--log-level`, Lambda's own records of a good run and the functions' metrics only at debug.
 */
import { describe, expect, it } from 'vitest';
import type { FunctionLogLevel } from '../src/service.js';
import { consoleLine, displayName } from '../src/services/lambda/console-lines.js';
import type { LogEvent } from '../src/services/lambda/log-stream.js';

const FUNCTION = 'ListTasksFunction764A097B';

function event(
  level: LogEvent['level'],
  message: string,
  source: LogEvent['source'] = 'application',
): LogEvent {
  return { time: '2026-11-24T12:00:00.000Z', functionName: 'fn', level, source, message };
}

describe('function log lines on the console', () => {
  it('name the function without the hash CDK appends to its logical id', () => {
    expect(displayName(FUNCTION)).toBe('ListTasksFunction');
    expect(displayName('Fn')).toBe('Fn');
  });

  it('read a structured line as its level, message and the fields that say something', () => {
    const line = JSON.stringify({
      level: 'WARN',
      message: 'stale edit',
      timestamp: '2026-11-24T12:00:00.000Z',
      service: 'tasktracker-api',
      function_request_id: 'r-1',
      cold_start: true,
      taskId: 't-1',
    });
    expect(consoleLine(FUNCTION, event('WARN', line), 'info')).toBe(
      '[ListTasksFunction] WARN stale edit {"taskId":"t-1"}',
    );
  });

  it.each([
    ['debug', ['DEBUG', 'INFO', 'WARN', 'ERROR']],
    ['info', ['INFO', 'WARN', 'ERROR']],
    ['warn', ['WARN', 'ERROR']],
    ['error', ['ERROR']],
    ['off', []],
  ] as const)('at --log-level %s print %j', (printLevel: FunctionLogLevel, printed: readonly string[]) => {
    const levels = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
    const shown = levels.filter((level) =>
      consoleLine(FUNCTION, event(level, `a ${level} line`), printLevel),
    );
    expect(shown).toEqual(printed);
  });

  it("show Lambda's records of a good run at debug only, and a failed one at warn", () => {
    const report = JSON.stringify({ time: 't', type: 'platform.report', record: { status: 'success' } });
    const failed = JSON.stringify({ time: 't', type: 'platform.report', record: { status: 'timeout' } });
    expect(consoleLine(FUNCTION, event('INFO', report, 'platform'), 'info')).toBeUndefined();
    expect(consoleLine(FUNCTION, event('INFO', report, 'platform'), 'debug')).toBe(
      '[ListTasksFunction] platform.report {"status":"success"}',
    );
    expect(consoleLine(FUNCTION, event('WARN', failed, 'platform'), 'warn')).toBe(
      '[ListTasksFunction] platform.report {"status":"timeout"}',
    );
  });

  it('show a metrics (EMF) record at debug only, as its namespace and values', () => {
    // As Powertools Metrics writes one at the end of an invocation.
    const emf = JSON.stringify({
      _aws: {
        Timestamp: 1,
        CloudWatchMetrics: [
          {
            Namespace: 'TaskTracker',
            Dimensions: [['service']],
            Metrics: [{ Name: 'TaskCreated', Unit: 'Count' }],
          },
        ],
      },
      service: 'tasktracker-api',
      TaskCreated: 1,
    });
    expect(consoleLine(FUNCTION, event('INFO', emf), 'info')).toBeUndefined();
    expect(consoleLine(FUNCTION, event('INFO', emf), 'debug')).toBe(
      '[ListTasksFunction] metrics TaskTracker {"TaskCreated":1}',
    );
  });
});
