/**
 * How function logs read on the local cloud's console: one line per log event, prefixed with the
 * function's name, filtered by the `--log-level` the developer chose (what the log group receives
 * is the template's `LoggingConfig`, not this). Lambda's own bookkeeping (START, END, REPORT and
 * their JSON records) and the functions' metrics (CloudWatch EMF records: still delivered to the
 * log group, but no reading for a person at the default level) show at `debug`; a failed report or
 * init shows at `warn`.
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
  const record = parseObject(event.message);
  const metrics = record === undefined ? undefined : emfMetrics(record);
  // Lambda's records of a run that went well, and metrics, are bookkeeping: debug.
  const bookkeeping = (event.source === 'platform' && event.level === 'INFO') || metrics !== undefined;
  const rank = bookkeeping ? 0 : EVENT_RANK[event.level];
  if (rank < PRINT_RANK[printLevel]) return undefined;
  const text = metrics ?? (record === undefined ? event.message : readable(event.level, record));
  return `[${displayName(logicalId)}] ${text}`;
}

/**
 * An EMF record as `metrics <namespace> {name: value}`, or undefined when `record` is not one
 * (EMF: an `_aws` object with `CloudWatchMetrics`, each naming its metrics).
 */
function emfMetrics(record: Record<string, unknown>): string | undefined {
  const aws = record._aws;
  if (typeof aws !== 'object' || aws === null) return undefined;
  const directives = (aws as { CloudWatchMetrics?: unknown }).CloudWatchMetrics;
  if (!Array.isArray(directives)) return undefined;
  const values = new Map<string, unknown>();
  const namespaces = new Set<string>();
  for (const directive of directives as Array<{ Namespace?: unknown; Metrics?: unknown }>) {
    if (typeof directive?.Namespace === 'string') namespaces.add(directive.Namespace);
    if (!Array.isArray(directive?.Metrics)) continue;
    for (const metric of directive.Metrics as Array<{ Name?: unknown }>)
      if (typeof metric?.Name === 'string' && Object.hasOwn(record, metric.Name))
        values.set(metric.Name, record[metric.Name]);
  }
  return `metrics ${[...namespaces].join(',')} ${JSON.stringify(Object.fromEntries(values))}`;
}

/** A JSON line as `LEVEL message {other fields}`. */
function readable(level: LogLevel, record: Record<string, unknown>): string {
  if (typeof record.type === 'string' && record.type.startsWith('platform.'))
    return `${record.type} ${JSON.stringify(record.record ?? {})}`;
  const rest = Object.fromEntries(
    Object.entries(record).filter(([key]) => !REPEATED_FIELDS.has(key) && !key.startsWith('function_')),
  );
  const message = typeof record.message === 'string' ? record.message : JSON.stringify(record.message ?? '');
  const extra = Object.keys(rest).length === 0 ? '' : ` ${JSON.stringify(rest)}`;
  return `${level} ${message}${extra}`;
}

/** What changed between two configurations of a function, for the reload's one line. */
export function differences(before: FunctionConfig, after: FunctionConfig): string {
  const keys = (Object.keys(after) as Array<keyof FunctionConfig>).filter(
    (key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]),
  );
  return keys.map((key) => (key === 'codeDir' ? 'code' : key)).join(', ');
}
