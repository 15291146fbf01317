/**
 * Lambda: runs each `AWS::Lambda::Function`'s code asset (the same bundle that deploys) in warm
 * child processes with the template's resolved environment, Lambda's standard variables and the
 * function's timeout. A crash or timeout ends that process only; the next invocation gets a fresh one.
 * Logs reach the function's log group as Lambda delivers them (`log-stream.ts`), and the faults
 * the registry holds for a function make its invocations fail or wait.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { type AssemblyResource, resourcesOf } from '../../assembly/index.js';
import { LocalCloudError } from '../../errors.js';
import type { PhysicalIds } from '../../intrinsics/physical-ids.js';
import type {
  FunctionLogLevel,
  LocalService,
  ReloadPlan,
  ServiceContext,
  ServiceDescription,
} from '../../service.js';
import type { MetricSink } from '../cloudwatch/metrics.js';
import { consoleLine, differences, displayName } from './console-lines.js';
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
  /**
   * The folder of a function's live bundle while the local cloud watches its code; it wins over
   * the code asset. @default the asset
   */
  readonly liveCode?: (resource: AssemblyResource) => string | undefined;
  /** The lowest level of function log lines printed through `log`. @default 'info' */
  readonly printLevel?: FunctionLogLevel;
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
  readonly stackName: string;
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
  /** `Runtime` as the template says (`nodejs24.x`); locally the machine's Node runs it. */
  readonly runtime: string | undefined;
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
  /** The configuration it runs (an invocation on it finishes with it, even after a reload). */
  config!: FunctionConfig;
  stream!: FunctionLogStream;
  /** The function's generation it was started for: an older one ends once it is idle. */
  generation = 0;
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

/** One invocation in the environment running it: its event, its id and when it started. */
interface Invocation {
  readonly worker: Worker;
  readonly event: unknown;
  readonly requestId: string;
  readonly started: number;
}

/**
 * One function: its warm processes, its queue of waiting invocations and its log stream. A new
 * configuration (new code, environment, …) starts a new generation: invocations from then on get
 * environments of the new one, and the old ones end as soon as they finish what they are running.
 */
class LocalFunction {
  private readonly workers = new Set<Worker>();
  private readonly waiting: Array<(worker: Worker) => void> = [];
  private stopped = false;
  /** Removed from the assembly: it serves the invocations it already has, then ends. */
  private retired = false;
  private role: ExecutionRole | undefined;
  private generation = 0;

  constructor(
    public config: FunctionConfig,
    private readonly options: LocalLambdaOptions,
    private stream: FunctionLogStream,
  ) {}

  /**
   * Runs `config` from now on. Idle environments of the old one end at once, busy ones once their
   * invocation is answered; one environment of the new one starts now, so the next invocation
   * does not wait for its init.
   */
  replace(config: FunctionConfig, stream: FunctionLogStream): void {
    if (config.roleArn !== this.config.roleArn) this.role = undefined;
    this.config = config;
    this.stream = stream;
    this.generation += 1;
    const wasWarm = this.workers.size > 0;
    for (const worker of [...this.workers]) if (!worker.busy) this.end(worker);
    if (wasWarm && !this.stopped) this.offer(this.spawn());
  }

  /** Removed from the assembly: ends every idle environment now and every busy one when it is done. */
  retire(): void {
    this.retired = true;
    for (const worker of [...this.workers]) if (!worker.busy) this.end(worker);
  }

  async invoke(event: unknown): Promise<InvokeOutcome> {
    if (this.atReservedConcurrency()) {
      this.options.metrics.record('AWS/Lambda', 'Throttles', { FunctionName: this.config.name }, 1);
      return { kind: 'throttled', durationMs: 0 };
    }
    const worker = await this.acquire();
    const started = Date.now();
    const requestId = randomUUID();
    const outcome = await this.run({ worker, event, requestId, started });
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

  private async run(invocation: Invocation): Promise<InvokeOutcome> {
    const { worker, requestId, started } = invocation;
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
    worker.stream.start(requestId);
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
    const outcome = await this.exchange(invocation);
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
  private exchange(invocation: Invocation): Promise<InvokeOutcome> {
    const { worker, event, requestId, started } = invocation;
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
        worker.config.timeoutMs,
      );
      child.on('message', onMessage);
      child.once('close', onClose);
      const fault = this.options.faults?.(worker.config.name);
      const message = {
        type: 'invoke',
        requestId,
        event,
        functionArn: worker.config.arn,
        deadline: started + worker.config.timeoutMs,
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
    worker.stream.report({
      requestId,
      status,
      ...(errorType === undefined ? {} : { errorType }),
      durationMs,
      memorySizeMB: worker.config.memoryMb,
      maxMemoryUsedMB: worker.memoryMb,
      ...(worker.pendingInitMs === undefined ? {} : { initDurationMs: worker.pendingInitMs }),
      timeoutMs: worker.config.timeoutMs,
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

  /** An environment done with its invocation: to the next waiting one, else idle, else its end. */
  private release(worker: Worker): void {
    if (worker.generation !== this.generation) {
      this.discard(worker);
      return;
    }
    const next = this.waiting.shift();
    if (next) next(worker);
    else if (this.retired) this.end(worker);
    else worker.busy = false;
  }

  /** A fresh environment: handed to the next waiting invocation, else kept idle. */
  private offer(worker: Worker): void {
    const next = this.waiting.shift();
    worker.busy = next !== undefined;
    next?.(worker);
  }

  private end(worker: Worker): void {
    worker.child.kill('SIGKILL');
    this.workers.delete(worker);
  }

  private discard(worker: Worker): void {
    this.end(worker);
    if (this.waiting.length === 0 || this.stopped) return;
    this.offer(this.spawn());
  }

  private spawn(): Worker {
    const { config, stream } = this;
    this.role ??= this.options.executionRole?.(config);
    stream.initStart();
    const child = fork(RUNTIME, [], {
      cwd: config.codeDir,
      env: this.environment(),
      execArgv: [],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const worker = new Worker(child, (line, from) => stream.application(line, from.requestId));
    worker.config = config;
    worker.stream = stream;
    worker.generation = this.generation;
    worker.ready.then(
      (init) => {
        if (!init) return;
        worker.pendingInitMs = init.durationMs;
        stream.initReport({
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
      AWS_EXECUTION_ENV: `AWS_Lambda_nodejs${process.versions.node.split('.')[0]}.x`,
      // The SDK's notice that it will leave this Node version behind, once per process: the
      // local cloud says once, at start, which Node runs the functions here.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
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
  private ids: PhysicalIds;
  private resources: AssemblyResource[];
  private readonly recent: LogEvent[] = [];
  private readonly sink: LogSink = {
    deliver: (logGroupName, event) => {
      const fn = this.byName(event.functionName);
      const line = consoleLine(fn?.config.logicalId ?? event.functionName, event, this.printLevel);
      if (line !== undefined) this.options.log(line);
      // A role that may not write the log group loses its logs on AWS: no filter sees them.
      if (fn?.logsDelivered === false) return;
      this.options.metrics.logEvent(logGroupName, event.message);
      this.recent.push(event);
      if (this.recent.length > RECENT_LOG_EVENTS)
        this.recent.splice(0, this.recent.length - RECENT_LOG_EVENTS);
    },
  };

  constructor(private readonly options: LocalLambdaOptions) {
    this.ids = options.ids;
    this.resources = resourcesOf(options.ids.source, 'AWS::Lambda::Function');
  }

  private get printLevel(): FunctionLogLevel {
    return this.options.printLevel ?? 'info';
  }

  async start(): Promise<void> {
    for (const resource of this.resources) this.add(this.configOf(resource));
  }

  async stop(): Promise<void> {
    for (const fn of this.functions.values()) fn.stop();
  }

  /**
   * Infra live reload: functions that appeared start cold, removed ones end once their
   * invocations are answered, and a changed one (environment, timeout, code, role, …) gets new
   * environments while its old ones finish; an unchanged function keeps its warm processes.
   */
  reload(ctx: ServiceContext): ReloadPlan {
    const resources = resourcesOf(ctx.ids.source, 'AWS::Lambda::Function');
    const configs = new Map(
      resources.map((resource) => this.configOf(resource, ctx.ids)).map((c) => [c.arn, c]),
    );
    const added = [...configs.values()].filter((config) => !this.functions.has(config.arn));
    const removed = [...this.functions.values()].filter((fn) => !configs.has(fn.config.arn));
    const changed = [...this.functions.values()].flatMap((fn) => {
      const config = configs.get(fn.config.arn);
      return config && !isDeepStrictEqual(config, fn.config) ? [{ fn, config }] : [];
    });
    const changes = [
      ...added.map((config) => `+ function ${displayName(config.logicalId)}`),
      ...removed.map((fn) => `- function ${displayName(fn.config.logicalId)}`),
      ...changed.map(
        ({ fn, config }) => `function ${displayName(config.logicalId)}: ${differences(fn.config, config)}`,
      ),
    ];
    return {
      changes,
      apply: () => {
        this.ids = ctx.ids;
        this.resources = resources;
        for (const config of added) this.add(config);
        for (const fn of removed) {
          this.functions.delete(fn.config.arn);
          fn.retire();
        }
        for (const { fn, config } of changed) fn.replace(config, this.streamOf(config));
      },
    };
  }

  private add(config: FunctionConfig): void {
    this.functions.set(config.arn, new LocalFunction(config, this.options, this.streamOf(config)));
  }

  private streamOf(config: FunctionConfig): FunctionLogStream {
    return new FunctionLogStream(config.name, config.logging, this.sink);
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
    const runtimes = [...new Set(this.configs().flatMap((config) => config.runtime ?? []))];
    return {
      name: 'Lambda',
      // Said once, here, rather than by every environment at its start.
      ...(runtimes.length === 0
        ? {}
        : {
            status: `functions run on Node ${process.versions.node.split('.')[0]} here; they deploy on ${runtimes.join(', ')}`,
          }),
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

  private configOf(resource: AssemblyResource, ids: PhysicalIds = this.ids): FunctionConfig {
    const name = ids.ref(resource.stack, resource.logicalId) ?? resource.logicalId;
    const variables =
      (ids.resolve(resource, 'Environment') as { Variables?: Record<string, unknown> } | undefined)
        ?.Variables ?? {};
    const environment = Object.fromEntries(
      Object.entries(variables).map(([key, value]) => [key, String(value)]),
    );
    const role = ids.resolve(resource, 'Role');
    const reserved = ids.resolve(resource, 'ReservedConcurrentExecutions');
    const runtime = ids.resolve(resource, 'Runtime');
    return {
      stackName: resource.stack.stackName,
      logicalId: resource.logicalId,
      name,
      arn: ids.context(resource.stack).getAtt(resource.logicalId, 'Arn') ?? name,
      codeDir: this.options.liveCode?.(resource) ?? this.codeDirOf(resource, name, ids),
      handler: String(ids.resolve(resource, 'Handler') ?? 'index.handler'),
      timeoutMs: Number(ids.resolve(resource, 'Timeout') ?? 3) * 1000,
      memoryMb: Number(ids.resolve(resource, 'MemorySize') ?? 128),
      environment,
      logging: loggingOf(ids.resolve(resource, 'LoggingConfig'), name),
      roleArn: typeof role === 'string' ? role : undefined,
      reservedConcurrency: reserved === undefined ? undefined : Number(reserved),
      runtime: typeof runtime === 'string' ? runtime : undefined,
    };
  }
  /**
   * The asset folder of `Code.S3Key`, or inline `Code.ZipFile` written to a temp folder named after
   * its content: a reload being planned (and perhaps refused) never rewrites the code a running
   * function loads, and clouds running a function of the same name never share a file.
   */
  private codeDirOf(resource: AssemblyResource, name: string, ids: PhysicalIds): string {
    const code = (ids.resolve(resource, 'Code') ?? {}) as { S3Key?: string; ZipFile?: string };
    if (typeof code.ZipFile === 'string') {
      const digest = createHash('sha256').update(code.ZipFile).digest('hex').slice(0, 16);
      const dir = join(tmpdir(), 'local-cloud-inline', `${name}-${digest}`);
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
