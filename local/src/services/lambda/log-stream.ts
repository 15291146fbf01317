/**
 * A function's log stream as Lambda delivers it to CloudWatch Logs: the application's lines (from
 * the runtime's console or written straight to stdout, as Powertools does) filtered by the
 * function's `LoggingConfig`, and Lambda's own platform records — `START`/`END`/`REPORT` text in
 * the Text format, `platform.*` JSON records in the JSON format. Every delivered event goes to the
 * log group's metric filters and to the recent-log buffer the console shows.
 */

/** Lambda's log levels, least severe first (application levels; system levels use DEBUG–WARN). */
export const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A function's `LoggingConfig`, with Lambda's defaults applied. */
export interface LoggingSettings {
  readonly format: 'JSON' | 'Text';
  /** Lowest application level delivered (JSON format only). @default INFO */
  readonly applicationLevel: LogLevel;
  /** Lowest system level delivered (JSON format only). @default INFO */
  readonly systemLevel: LogLevel;
  readonly logGroupName: string;
}

/** One delivered log event, as the console's `logs` view lists it. */
export interface LogEvent {
  readonly time: string;
  readonly functionName: string;
  readonly level: LogLevel;
  /** `application` (the function's own lines) or `platform` (Lambda's records). */
  readonly source: 'application' | 'platform';
  readonly requestId?: string;
  /** The event exactly as it lands in the log group. */
  readonly message: string;
}

/** How an invocation ended, as `platform.report` states it. */
export type ReportStatus = 'success' | 'error' | 'timeout' | 'failure';

export interface InvocationReport {
  readonly requestId: string;
  readonly status: ReportStatus;
  readonly errorType?: string;
  readonly durationMs: number;
  readonly memorySizeMB: number;
  readonly maxMemoryUsedMB: number;
  /** Set on the first invocation of an environment. */
  readonly initDurationMs?: number;
  /** The function's timeout, for the Text format's "Task timed out after …" line. */
  readonly timeoutMs: number;
}

export interface InitReport {
  readonly status: 'success' | 'error';
  readonly errorType?: string;
  readonly durationMs: number;
}

/** Where delivered events go: the log group (metric filters) and the local log. */
export interface LogSink {
  deliver(logGroupName: string, event: LogEvent): void;
}

const rank = (level: LogLevel) => LOG_LEVELS.indexOf(level);

/** `"warn"` → `WARN`; anything Lambda does not recognise (Powertools' CRITICAL too) → undefined. */
export function levelOf(value: unknown): LogLevel | undefined {
  if (typeof value !== 'string') return undefined;
  const upper = value.toUpperCase();
  return (LOG_LEVELS as readonly string[]).includes(upper) ? (upper as LogLevel) : undefined;
}

export class FunctionLogStream {
  constructor(
    private readonly functionName: string,
    private readonly settings: LoggingSettings,
    private readonly sink: LogSink,
  ) {}

  /**
   * One line the function wrote. In the JSON format Lambda reads its `level` field to filter it
   * (a missing or unknown level counts as INFO, as Lambda documents); the Text format is not filtered.
   */
  application(line: string, requestId: string | undefined): void {
    const level = this.lineLevel(line);
    if (this.settings.format === 'JSON' && rank(level) < rank(this.settings.applicationLevel)) return;
    this.emit('application', level, line, requestId);
  }

  initStart(): void {
    if (this.settings.format === 'Text') {
      this.emit('platform', 'INFO', 'INIT_START Runtime Version: nodejs:20.local');
      return;
    }
    this.record('INFO', 'platform.initStart', {
      initializationType: 'on-demand',
      phase: 'init',
      functionName: this.functionName,
      functionVersion: '$LATEST',
    });
  }

  /** The end of an init; in the Text format only a failed one shows (as the runtime's own error line). */
  initReport(report: InitReport): void {
    if (this.settings.format === 'Text') return;
    this.record(report.status === 'success' ? 'INFO' : 'WARN', 'platform.initReport', {
      initializationType: 'on-demand',
      phase: 'init',
      status: report.status,
      ...(report.errorType === undefined ? {} : { errorType: report.errorType }),
      metrics: { durationMs: round(report.durationMs) },
    });
  }

  start(requestId: string): void {
    if (this.settings.format === 'Text') {
      this.emit('platform', 'INFO', `START RequestId: ${requestId} Version: $LATEST`, requestId);
      return;
    }
    this.record('INFO', 'platform.start', { requestId, version: '$LATEST' }, requestId);
  }

  /** The end of an invocation: a report whose status is not `success` is a WARN record. */
  report(report: InvocationReport): void {
    const { requestId } = report;
    const billed = Math.max(1, Math.ceil(report.durationMs));
    if (this.settings.format === 'Text') {
      if (report.status === 'timeout')
        this.emit(
          'platform',
          'ERROR',
          `${new Date().toISOString()} ${requestId} Task timed out after ${(report.timeoutMs / 1000).toFixed(2)} seconds`,
          requestId,
        );
      this.emit('platform', 'INFO', `END RequestId: ${requestId}`, requestId);
      const parts = [
        `REPORT RequestId: ${requestId}`,
        `Duration: ${report.durationMs.toFixed(2)} ms`,
        `Billed Duration: ${billed} ms`,
        `Memory Size: ${report.memorySizeMB} MB`,
        `Max Memory Used: ${report.maxMemoryUsedMB} MB`,
        ...(report.initDurationMs === undefined
          ? []
          : [`Init Duration: ${report.initDurationMs.toFixed(2)} ms`]),
        ...(report.status === 'success' ? [] : [`Status: ${report.status}`]),
        ...(report.errorType === undefined ? [] : [`Error Type: ${report.errorType}`]),
      ];
      this.emit('platform', report.status === 'success' ? 'INFO' : 'WARN', parts.join('\t'), requestId);
      return;
    }
    this.record(
      report.status === 'success' ? 'INFO' : 'WARN',
      'platform.report',
      {
        requestId,
        metrics: {
          durationMs: round(report.durationMs),
          billedDurationMs: billed,
          memorySizeMB: report.memorySizeMB,
          maxMemoryUsedMB: report.maxMemoryUsedMB,
          ...(report.initDurationMs === undefined ? {} : { initDurationMs: round(report.initDurationMs) }),
        },
        status: report.status,
        ...(report.errorType === undefined ? {} : { errorType: report.errorType }),
      },
      requestId,
    );
  }

  private record(level: LogLevel, type: string, record: Record<string, unknown>, requestId?: string): void {
    if (rank(level) < rank(this.settings.systemLevel)) return;
    this.emit('platform', level, JSON.stringify({ time: new Date().toISOString(), type, record }), requestId);
  }

  private emit(source: LogEvent['source'], level: LogLevel, message: string, requestId?: string): void {
    this.sink.deliver(this.settings.logGroupName, {
      time: new Date().toISOString(),
      functionName: this.functionName,
      level,
      source,
      ...(requestId === undefined ? {} : { requestId }),
      message,
    });
  }

  /** The level of an application line: its JSON `level`, or the runtime's Text `\tLEVEL\t` column. */
  private lineLevel(line: string): LogLevel {
    if (this.settings.format === 'JSON') {
      const parsed = parseObject(line);
      return levelOf(parsed?.level) ?? 'INFO';
    }
    return levelOf(/^\S+\t\S+\t([A-Z]+)\t/.exec(line)?.[1]) ?? 'INFO';
  }
}

/** A line that is a JSON object, parsed; anything else undefined. */
export function parseObject(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
