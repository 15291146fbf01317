/**
 * Lambda: runs each `AWS::Lambda::Function`'s code asset (the same bundle that deploys) in warm
 * child processes with the template's resolved environment, Lambda's standard variables and the
 * function's timeout. A crash or timeout ends that process only; the next invocation gets a fresh one.
 * Logs reach the function's log group as Lambda delivers them (`log-stream.ts`), and the faults
 * the registry holds for a function make its invocations fail or wait.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { type AssemblyResource, resourcesOf } from '../../assembly/index.js';
import { LocalCloudError } from '../../errors.js';
import type { PhysicalIds } from '../../intrinsics/physical-ids.js';
import type { LocalService, ServiceDescription } from '../../service.js';
import type { MetricSink } from '../cloudwatch/metrics.js';
import {
  FunctionLogStream,
  type LogEvent,
  type LoggingSettings,
  type LogSink,
  levelOf,
  type ReportStatus,
} from './log-stream.js';

/** How an invocation ended, as the caller (the gateway) needs to tell them apart. */
export type InvokeOutcome =
  | { readonly kind: 'result'; readonly payload: unknown; readonly durationMs: number }
  | {
      readonly kind: 'error';
      readonly errorType: string;
      readonly errorMessage: string;
      readonly durationMs: number;
    }
  | { readonly kind: 'timeout'; readonly durationMs: number }
  | { readonly kind: 'crash'; readonly errorMessage: string; readonly durationMs: number }
  /** Refused before running: every environment its reserved concurrency allows is busy (Lambda's 429). */
  | { readonly kind: 'throttled'; readonly durationMs: 0 };

/** What an active fault does to one invocation: a delay before the handler, or an error in its place. */
export interface InvocationFault {
  readonly delayMs?: number;
  readonly error?: string;
}

export interface LocalLambdaOptions {
  readonly ids: PhysicalIds;
  /**
   * Variables every function gets on top of the template's: the local endpoints
   * (`AWS_ENDPOINT_URL_<SERVICE>`) and the app profile's. Read when a worker starts.
   */
  readonly environment: () => Record<string, string>;
  readonly metrics: MetricSink;
  readonly log: (line: string) => void;
  /**
   * Warm processes per function at most when the template reserves no concurrency; further
   * invocations wait for one (the account's concurrency is not the limit locally, the machine is).
   * @default twice the machine's cores, 2 to 16
   */
  readonly maxConcurrency?: number;
  /**
   * What the function's execution role means locally: the credentials its code signs with (so
   * its calls are evaluated as that role) and whether its logs reach CloudWatch Logs. Asked once
   * per function, when it first starts. @default `local` credentials, logs delivered
   */
  readonly executionRole?: (fn: FunctionConfig) => ExecutionRole | undefined;
  /** The faults active for a function (by name), asked on each invocation. @default none */
  readonly faults?: (functionName: string) => InvocationFault | undefined;
}

/** A function's execution role as the local cloud applies it. */
export interface ExecutionRole {
  readonly credentials: {
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    readonly sessionToken: string;
  };
  /** False when the role may not write to the function's log group: AWS drops the logs. */
  readonly logsDelivered: boolean;
}

const RUNTIME = fileURLToPath(new URL('./runtime.mjs', import.meta.url));
/** Warm environments per function without reserved concurrency: I/O-bound handlers wait on the store. */
const DEFAULT_CONCURRENCY = Math.min(16, Math.max(2, 2 * availableParallelism()));

/**
 * How long an environment's init may take: Lambda limits the init phase to 10 s, then retries it
 * within the invocation's own timeout.
 */
export const INIT_LIMIT_MS = 10_000;

/** Log events the `logs` view keeps, newest last. */
const RECENT_LOG_EVENTS = 500;

export interface FunctionConfig {
  readonly logicalId: string;
  readonly name: string;
  readonly arn: string;
  readonly codeDir: string;
  readonly handler: string;
  readonly timeoutMs: number;
  readonly memoryMb: number;
  readonly environment: Record<string, string>;
  /** `LoggingConfig`: format, levels and the log group (`/aws/lambda/<name>` without one). */
  readonly logging: LoggingSettings;
  /** The execution role's ARN (`Role`), if the template gives one. */
  readonly roleArn: string | undefined;
  /** `ReservedConcurrentExecutions`: at most this many at once, and the rest throttled. */
  readonly reservedConcurrency: number | undefined;
}

/** What the runtime sends back: an answer, with how much it had logged by then. */
interface RuntimeMessage {
  readonly type: 'ready' | 'result' | 'error';
  readonly requestId?: string;
  readonly result?: unknown;
  readonly errorType?: string;
  readonly errorMessage?: string;
  readonly init?: {
    status: 'success' | 'error';
    durationMs: number;
    errorType?: string;
    errorMessage?: string;
  };
  readonly logBytes: number;
  readonly memoryMb: number;
}

/** One execution environment: a runtime process, its init and the log bytes received from it. */
class Worker {
  readonly ready: Promise<RuntimeMessage['init']>;
  busy = false;
  /** Set when its init failed: the environment is discarded after the invocation that met it. */
  failedInit = false;
  /** Init duration, reported with the environment's first invocation. */
  pendingInitMs: number | undefined;
  memoryMb = 0;
  requestId: string | undefined;
  private received = 0;
  private readonly drains: Array<{ bytes: number; resolve: () => void }> = [];
  private closed = false;

  constructor(
    readonly child: ChildProcess,
    onLine: (line: string, worker: Worker) => void,
  ) {
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      // Lines first, then the byte count: a drained count means its lines were delivered.
      createInterface({ input: stream }).on('line', (line) => onLine(line, this));
      stream.on('data', (chunk: Buffer) => {
        this.received += chunk.length;
        this.settleDrains();
      });
    }
    child.once('close', () => {
      this.closed = true;
      this.settleDrains();
    });
    this.ready = new Promise((resolve, reject) => {
      child.once('message', (message: RuntimeMessage) => {
        this.memoryMb = message.memoryMb;
        this.drained(message.logBytes).then(() => resolve(message.init));
      });
      child.once('exit', () => reject(new Error('exited')));
    });
    this.ready.catch(() => undefined);
  }

  /** Resolves once `bytes` of the runtime's output have been read (or it is gone). */
  drained(bytes: number): Promise<void> {
    if (this.closed || this.received >= bytes) return Promise.resolve();
    return new Promise((resolve) => this.drains.push({ bytes, resolve }));
  }

  private settleDrains(): void {
    for (const drain of [...this.drains]) {
      if (!this.closed && this.received < drain.bytes) continue;
      this.drains.splice(this.drains.indexOf(drain), 1);
      drain.resolve();
    }
  }
}

/** One function: its warm processes, its queue of waiting invocations and its log stream. */
class LocalFunction {
  private readonly workers = new Set<Worker>();
  private readonly waiting: Array<(worker: Worker) => void> = [];
  private stopped = false;
  private role: ExecutionRole | undefined;

  constructor(
    readonly config: FunctionConfig,
    private readonly options: LocalLambdaOptions,
    private readonly stream: FunctionLogStream,
  ) {}

  async invoke(event: unknown): Promise<InvokeOutcome> {
    if (this.atReservedConcurrency()) {
      this.options.metrics.record('AWS/Lambda', 'Throttles', { FunctionName: this.config.name }, 1);
      return { kind: 'throttled', durationMs: 0 };
    }
    const worker = await this.acquire();
    const started = Date.now();
    const requestId = randomUUID();
    const outcome = await this.run(worker, event, requestId, started);
    this.record(outcome);
    // A handler's error leaves the environment warm; a failed init, a timeout or an exit ends it.
    if (outcome.kind === 'result' || (outcome.kind === 'error' && !worker.failedInit)) this.release(worker);
    else this.discard(worker);
    return outcome;
  }

  /** Process ids of the environments running an invocation now. */
  busyProcessIds(): number[] {
    return [...this.workers].flatMap((worker) => (worker.busy && worker.child.pid ? [worker.child.pid] : []));
  }

  stop(): void {
    this.stopped = true;
    for (const worker of this.workers) worker.child.kill('SIGKILL');
    this.workers.clear();
  }

  private async run(
    worker: Worker,
    event: unknown,
    requestId: string,
    started: number,
  ): Promise<InvokeOutcome> {
    const durationMs = () => Date.now() - started;
    let init: RuntimeMessage['init'] | 'timeout';
    let timer: NodeJS.Timeout | undefined;
    try {
      // An init that never ends (a hung import, a frozen environment) times the invocation out.
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), Math.max(INIT_LIMIT_MS, this.config.timeoutMs));
      });
      init = await Promise.race([worker.ready, timeout]);
    } catch {
      init = undefined;
    } finally {
      clearTimeout(timer);
    }
    this.stream.start(requestId);
    if (init === 'timeout') {
      this.report(worker, requestId, durationMs(), 'timeout', undefined);
      return { kind: 'timeout', durationMs: durationMs() };
    }
    if (init?.status !== 'success') {
      worker.failedInit = true;
      const errorType = init?.errorType ?? 'Runtime.ExitError';
      const errorMessage = init?.errorMessage ?? 'The runtime exited during init.';
      this.report(worker, requestId, durationMs(), 'error', errorType);
      return { kind: 'error', errorType, errorMessage, durationMs: durationMs() };
    }
    const outcome = await this.exchange(worker, event, requestId, started);
    const status = outcome.kind === 'result' ? 'success' : outcome.kind === 'timeout' ? 'timeout' : 'error';
    const errorType =
      outcome.kind === 'error'
        ? outcome.errorType
        : outcome.kind === 'crash'
          ? 'Runtime.ExitError'
          : undefined;
    this.report(worker, requestId, outcome.durationMs, status, errorType);
    return outcome;
  }

  /** Sends the invocation and waits for its answer, the timeout or the runtime's exit. */
  private exchange(
    worker: Worker,
    event: unknown,
    requestId: string,
    started: number,
  ): Promise<InvokeOutcome> {
    const durationMs = () => Date.now() - started;
    const { child } = worker;
    worker.requestId = requestId;
    return new Promise<InvokeOutcome>((resolve) => {
      const finish = (outcome: InvokeOutcome) => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('close', onClose);
        worker.requestId = undefined;
        resolve(outcome);
      };
      const onMessage = (message: RuntimeMessage) => {
        if (message.requestId !== requestId) return;
        const ended = durationMs();
        worker.memoryMb = message.memoryMb;
        // Every line the invocation wrote is delivered before its end is reported.
        void worker.drained(message.logBytes).then(() =>
          finish(
            message.type === 'result'
              ? { kind: 'result', payload: message.result, durationMs: ended }
              : {
                  kind: 'error',
                  errorType: message.errorType ?? 'Error',
                  errorMessage: message.errorMessage ?? '',
                  durationMs: ended,
                },
          ),
        );
      };
      const onClose = (code: number | null, signal: string | null) =>
        finish({
          kind: 'crash',
          errorMessage: `Runtime exited with ${signal ?? `exit code ${code}`}`,
          durationMs: durationMs(),
        });
      const timer = setTimeout(
        () => finish({ kind: 'timeout', durationMs: durationMs() }),
        this.config.timeoutMs,
      );
      child.on('message', onMessage);
      child.once('close', onClose);
      const fault = this.options.faults?.(this.config.name);
      const message = {
        type: 'invoke',
        requestId,
        event,
        functionArn: this.config.arn,
        deadline: started + this.config.timeoutMs,
        ...(fault ? { fault } : {}),
      };
      if (!child.connected) onClose(child.exitCode, child.signalCode);
      else child.send(message, (err) => err && onClose(child.exitCode, child.signalCode));
    });
  }

  private report(
    worker: Worker,
    requestId: string,
    durationMs: number,
    status: ReportStatus,
    errorType: string | undefined,
  ): void {
    this.stream.report({
      requestId,
      status,
      ...(errorType === undefined ? {} : { errorType }),
      durationMs,
      memorySizeMB: this.config.memoryMb,
      maxMemoryUsedMB: worker.memoryMb,
      ...(worker.pendingInitMs === undefined ? {} : { initDurationMs: worker.pendingInitMs }),
      timeoutMs: this.config.timeoutMs,
    });
    worker.pendingInitMs = undefined;
  }

  private record(outcome: InvokeOutcome): void {
    const dims = { FunctionName: this.config.name };
    this.options.metrics.record('AWS/Lambda', 'Invocations', dims, 1);
    this.options.metrics.record('AWS/Lambda', 'Errors', dims, outcome.kind === 'result' ? 0 : 1);
    this.options.metrics.record('AWS/Lambda', 'Duration', dims, outcome.durationMs);
    this.options.metrics.record('AWS/Lambda', 'Throttles', dims, 0);
  }

  /** Whether the function reserves concurrency and every environment it allows is in use. */
  private atReservedConcurrency(): boolean {
    const reserved = this.config.reservedConcurrency;
    if (reserved === undefined) return false;
    const busy = [...this.workers].filter((worker) => worker.busy).length + this.waiting.length;
    return busy >= reserved;
  }

  private get capacity(): number {
    return this.config.reservedConcurrency ?? this.options.maxConcurrency ?? DEFAULT_CONCURRENCY;
  }

  private acquire(): Promise<Worker> {
    const idle = [...this.workers].find((worker) => !worker.busy);
    if (idle) {
      idle.busy = true;
      return Promise.resolve(idle);
    }
    if (this.workers.size < this.capacity) {
      const worker = this.spawn();
      worker.busy = true;
      return Promise.resolve(worker);
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(worker: Worker): void {
    const next = this.waiting.shift();
    if (next) next(worker);
    else worker.busy = false;
  }

  private discard(worker: Worker): void {
    worker.child.kill('SIGKILL');
    this.workers.delete(worker);
    const next = this.waiting.shift();
    if (!next || this.stopped) return;
    const fresh = this.spawn();
    fresh.busy = true;
    next(fresh);
  }

  private spawn(): Worker {
    const { config } = this;
    this.role ??= this.options.executionRole?.(config);
    this.stream.initStart();
    const child = fork(RUNTIME, [], {
      cwd: config.codeDir,
      env: this.environment(),
      execArgv: [],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const worker = new Worker(child, (line, from) => this.stream.application(line, from.requestId));
    worker.ready.then(
      (init) => {
        if (!init) return;
        worker.pendingInitMs = init.durationMs;
        this.stream.initReport({
          status: init.status,
          durationMs: init.durationMs,
          ...(init.errorType === undefined ? {} : { errorType: init.errorType }),
        });
      },
      () => undefined,
    );
    child.once('exit', () => this.workers.delete(worker));
    this.workers.add(worker);
    return worker;
  }

  /** False once the execution role turned out unable to write the function's logs (AWS drops them). */
  get logsDelivered(): boolean {
    return this.role?.logsDelivered !== false;
  }

  private environment(): Record<string, string> {
    const { config } = this;
    const region = this.options.ids.source.region;
    const { logging } = config;
    return {
      PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
      LANG: 'en_US.UTF-8',
      TZ: 'UTC',
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      AWS_ACCESS_KEY_ID: this.role?.credentials.accessKeyId ?? 'local',
      AWS_SECRET_ACCESS_KEY: this.role?.credentials.secretAccessKey ?? 'local',
      AWS_SESSION_TOKEN: this.role?.credentials.sessionToken ?? 'local',
      AWS_LAMBDA_FUNCTION_NAME: config.name,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(config.memoryMb),
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_LOG_GROUP_NAME: logging.logGroupName,
      AWS_LAMBDA_LOG_STREAM_NAME: `local/[$LATEST]${randomUUID().replaceAll('-', '')}`,
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs20.x',
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      LAMBDA_TASK_ROOT: config.codeDir,
      LAMBDA_RUNTIME_DIR: config.codeDir,
      _HANDLER: config.handler,
      // Lambda sets these for the JSON log format: the runtime and Powertools read them.
      ...(logging.format === 'JSON'
        ? { AWS_LAMBDA_LOG_FORMAT: 'JSON', AWS_LAMBDA_LOG_LEVEL: logging.applicationLevel }
        : {}),
      ...config.environment,
      ...this.options.environment(),
    };
  }
}

export class LocalLambda implements LocalService {
  private readonly functions = new Map<string, LocalFunction>();
  private readonly resources: AssemblyResource[];
  private readonly recent: LogEvent[] = [];

  constructor(private readonly options: LocalLambdaOptions) {
    this.resources = resourcesOf(options.ids.source, 'AWS::Lambda::Function');
  }

  async start(): Promise<void> {
    const sink: LogSink = {
      deliver: (logGroupName, event) => {
        const fn = this.byName(event.functionName);
        this.options.log(`[${fn?.config.logicalId ?? event.functionName}] ${event.message}`);
        // A role that may not write the log group loses its logs on AWS: no filter sees them.
        if (fn?.logsDelivered === false) return;
        this.options.metrics.logEvent(logGroupName, event.message);
        this.recent.push(event);
        if (this.recent.length > RECENT_LOG_EVENTS)
          this.recent.splice(0, this.recent.length - RECENT_LOG_EVENTS);
      },
    };
    for (const resource of this.resources) {
      const config = this.configOf(resource);
      const stream = new FunctionLogStream(config.name, config.logging, sink);
      this.functions.set(config.arn, new LocalFunction(config, this.options, stream));
    }
  }

  async stop(): Promise<void> {
    for (const fn of this.functions.values()) fn.stop();
  }

  private byName(name: string): LocalFunction | undefined {
    return [...this.functions.values()].find((f) => f.config.name === name);
  }

  /** Invokes the function with this ARN (or name). */
  invoke(functionArnOrName: string, event: unknown): Promise<InvokeOutcome> {
    const fn = this.functions.get(functionArnOrName) ?? this.byName(functionArnOrName);
    if (!fn) throw new LocalCloudError(`No local function ${functionArnOrName}.`);
    return fn.invoke(event);
  }

  /**
   * Process ids of a function's environments that are running an invocation now: what a test
   * kills or freezes to see the API survive a worker dying mid-request.
   */
  busyProcessIds(functionName: string): number[] {
    return this.byName(functionName)?.busyProcessIds() ?? [];
  }

  /** The function configurations, for the summary and the gateway's timeouts. */
  configs(): FunctionConfig[] {
    return [...this.functions.values()].map((fn) => fn.config);
  }

  /** The log events delivered lately (newest last), of every function or of one. */
  logEvents(functionName?: string): readonly LogEvent[] {
    return functionName === undefined
      ? this.recent
      : this.recent.filter((e) => e.functionName === functionName);
  }

  /** Whether the assembly declares any function. */
  get hasFunctions(): boolean {
    return this.resources.length > 0;
  }

  describe(): ServiceDescription {
    return {
      name: 'Lambda',
      resources: this.configs().map((config) => ({
        logicalId: config.logicalId,
        type: 'AWS::Lambda::Function',
        detail: `${config.name}, ${config.handler}, timeout ${config.timeoutMs / 1000}s, ${config.logging.format} logs${config.logging.format === 'JSON' ? ` (application ${config.logging.applicationLevel}, system ${config.logging.systemLevel})` : ''}`,
      })),
    };
  }

  /** `logs`: each function's recent log events with their level, as its log group received them. */
  localViews(): ReadonlyMap<string, () => unknown> {
    return new Map([
      [
        'logs',
        () => ({
          functions: this.configs().map((config) => ({
            logicalId: config.logicalId,
            name: config.name,
            logGroupName: config.logging.logGroupName,
            format: config.logging.format,
          })),
          events: this.recent,
        }),
      ],
    ]);
  }

  private configOf(resource: AssemblyResource): FunctionConfig {
    const ids = this.options.ids;
    const name = ids.ref(resource.stack, resource.logicalId) ?? resource.logicalId;
    const variables =
      (ids.resolve(resource, 'Environment') as { Variables?: Record<string, unknown> } | undefined)
        ?.Variables ?? {};
    const environment = Object.fromEntries(
      Object.entries(variables).map(([key, value]) => [key, String(value)]),
    );
    const role = ids.resolve(resource, 'Role');
    const reserved = ids.resolve(resource, 'ReservedConcurrentExecutions');
    return {
      logicalId: resource.logicalId,
      name,
      arn: ids.context(resource.stack).getAtt(resource.logicalId, 'Arn') ?? name,
      codeDir: this.codeDirOf(resource, name),
      handler: String(ids.resolve(resource, 'Handler') ?? 'index.handler'),
      timeoutMs: Number(ids.resolve(resource, 'Timeout') ?? 3) * 1000,
      memoryMb: Number(ids.resolve(resource, 'MemorySize') ?? 128),
      environment,
      logging: loggingOf(ids.resolve(resource, 'LoggingConfig'), name),
      roleArn: typeof role === 'string' ? role : undefined,
      reservedConcurrency: reserved === undefined ? undefined : Number(reserved),
    };
  }
  /** The asset folder of `Code.S3Key`, or inline `Code.ZipFile` written to a temp folder. */
  private codeDirOf(resource: AssemblyResource, name: string): string {
    const code = (this.options.ids.resolve(resource, 'Code') ?? {}) as { S3Key?: string; ZipFile?: string };
    if (typeof code.ZipFile === 'string') {
      const dir = join(tmpdir(), 'local-cloud-inline', name);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'index.js'), code.ZipFile);
      return dir;
    }
    const dir = code.S3Key === undefined ? undefined : resource.stack.fileAssets.get(code.S3Key);
    if (dir === undefined) {
      throw new LocalCloudError(
        `${resource.stack.stackName}/${resource.logicalId}: its code asset (${code.S3Key ?? 'no S3Key'}) is not in the cloud assembly.`,
      );
    }
    return dir;
  }
}

/** `LoggingConfig` with Lambda's defaults: Text, or JSON at INFO/INFO; `/aws/lambda/<name>`. */
function loggingOf(raw: unknown, functionName: string): LoggingSettings {
  const config = (raw ?? {}) as {
    LogFormat?: unknown;
    ApplicationLogLevel?: unknown;
    SystemLogLevel?: unknown;
    LogGroup?: unknown;
  };
  return {
    format: config.LogFormat === 'JSON' ? 'JSON' : 'Text',
    applicationLevel: levelOf(config.ApplicationLogLevel) ?? 'INFO',
    systemLevel: levelOf(config.SystemLogLevel) ?? 'INFO',
    logGroupName: typeof config.LogGroup === 'string' ? config.LogGroup : `/aws/lambda/${functionName}`,
  };
}
