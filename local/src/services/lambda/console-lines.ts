/**
 * How function logs read on the local cloud's console: one line per log event, prefixed with the
 * function's name, filtered by the `--log-level` the developer chose (what the log group receives
 * is the template's `LoggingConfig`, not this). Lambda's own bookkeeping (START, END, REPORT and
 * their JSON records) shows at `debug`; a failed report or init shows at `warn`.
 */
import type { FunctionLogLevel } from '../../service.js';
import type { FunctionConfig } from './index.js';
import { type LogEvent, type LogLevel, parseObject } from './log-stream.js';

const PRINT_RANK: Readonly<Record<FunctionLogLevel, number>> = {
  debug: 0,
  info: 1,
  warn: 2,
  error: 3,
  off: Number.POSITIVE_INFINITY,
};

const EVENT_RANK: Readonly<Record<LogLevel, number>> = {
  TRACE: 0,
  DEBUG: 0,
  INFO: 1,
  WARN: 2,
  ERROR: 3,
  FATAL: 3,
};

/** Fields every structured line of a function repeats; the console leaves them out. */
const REPEATED_FIELDS = new Set([
  'timestamp',
  'time',
  'level',
  'message',
  'requestId',
  'service',
  'cold_start',
  'xray_trace_id',
  'sampling_rate',
]);

/** `ListTasksFunction764A097B` → `ListTasksFunction`: CDK's hash suffix says nothing to a reader. */
export function displayName(logicalId: string): string {
  return /^(.+?)[0-9A-F]{8}$/.exec(logicalId)?.[1] ?? logicalId;
}

/** The console line for one log event of a function, or undefined below the printed level. */
export function consoleLine(
  logicalId: string,
  event: LogEvent,
  printLevel: FunctionLogLevel,
): string | undefined {
  // Lambda's records of a run that went well are bookkeeping: debug.
  const rank = event.source === 'platform' && event.level === 'INFO' ? 0 : EVENT_RANK[event.level];
  if (rank < PRINT_RANK[printLevel]) return undefined;
  return `[${displayName(logicalId)}] ${readable(event)}`;
}

/** A JSON line as `LEVEL message {other fields}`; any other line as it is. */
function readable(event: LogEvent): string {
  const record = parseObject(event.message);
  if (record === undefined) return event.message;
  if (typeof record.type === 'string' && record.type.startsWith('platform.'))
    return `${record.type} ${JSON.stringify(record.record ?? {})}`;
  const rest = Object.fromEntries(
    Object.entries(record).filter(([key]) => !REPEATED_FIELDS.has(key) && !key.startsWith('function_')),
  );
  const message = typeof record.message === 'string' ? record.message : JSON.stringify(record.message ?? '');
  const extra = Object.keys(rest).length === 0 ? '' : ` ${JSON.stringify(rest)}`;
  return `${event.level} ${message}${extra}`;
}

/** What changed between two configurations of a function, for the reload's one line. */
export function differences(before: FunctionConfig, after: FunctionConfig): string {
  const keys = (Object.keys(after) as Array<keyof FunctionConfig>).filter(
    (key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]),
  );
  return keys.map((key) => (key === 'codeDir' ? 'code' : key)).join(', ');
}
