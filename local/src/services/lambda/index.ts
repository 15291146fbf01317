/**
 * Lambda: runs each `AWS::Lambda::Function`'s code asset (the same bundle that deploys) in warm
 * child processes with the template's resolved environment, Lambda's standard variables and the
 * function's timeout. A crash or timeout ends that process only; the next invocation gets a fresh one.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { type AssemblyResource, resourcesOf } from '../../assembly/index.js';
import { LocalCloudError } from '../../errors.js';
import type { PhysicalIds } from '../../intrinsics/physical-ids.js';
import type { LocalService, ServiceDescription } from '../../service.js';
import type { MetricSink } from '../cloudwatch/metrics.js';

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
  | { readonly kind: 'crash'; readonly errorMessage: string; readonly durationMs: number };

export interface LocalLambdaOptions {
  readonly ids: PhysicalIds;
  /**
   * Variables every function gets on top of the template's: the local endpoints
   * (`AWS_ENDPOINT_URL_<SERVICE>`) and the app profile's. Read when a worker starts.
   */
  readonly environment: () => Record<string, string>;
  readonly metrics: MetricSink;
  readonly log: (line: string) => void;
  /** Warm processes per function at most; further invocations queue. @default 2 */
  readonly maxConcurrency?: number;
  /**
   * What the function's execution role means locally: the credentials its code signs with (so
   * its calls are evaluated as that role) and whether its logs reach CloudWatch Logs. Asked once
   * per function, when it first starts. @default `local` credentials, logs delivered
   */
  readonly executionRole?: (fn: FunctionConfig) => ExecutionRole | undefined;
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

export interface FunctionConfig {
  readonly logicalId: string;
  readonly name: string;
  readonly arn: string;
  readonly codeDir: string;
  readonly handler: string;
  readonly timeoutMs: number;
  readonly memoryMb: number;
  readonly environment: Record<string, string>;
  /** Where the function's logs go: `LoggingConfig.LogGroup`, else `/aws/lambda/<name>`. */
  readonly logGroupName: string;
  /** The execution role's ARN (`Role`), if the template gives one. */
  readonly roleArn: string | undefined;
}

interface Worker {
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
  busy: boolean;
}

/** One function: its warm processes and its queue of waiting invocations. */
class LocalFunction {
  private readonly workers = new Set<Worker>();
  private readonly waiting: Array<(worker: Worker) => void> = [];
  private stopped = false;
  private role: ExecutionRole | undefined;

  constructor(
    readonly config: FunctionConfig,
    private readonly options: LocalLambdaOptions,
  ) {}

  async invoke(event: unknown): Promise<InvokeOutcome> {
    const worker = await this.acquire();
    const started = Date.now();
    const outcome = await this.run(worker, event, started);
    this.record(outcome);
    if (outcome.kind === 'timeout' || outcome.kind === 'crash') this.discard(worker);
    else this.release(worker);
    return outcome;
  }

  stop(): void {
    this.stopped = true;
    for (const worker of this.workers) worker.child.kill('SIGKILL');
    this.workers.clear();
  }

  private run(worker: Worker, event: unknown, started: number): Promise<InvokeOutcome> {
    const requestId = randomUUID();
    const durationMs = () => Date.now() - started;
    return new Promise<InvokeOutcome>((resolve) => {
      const finish = (outcome: InvokeOutcome) => {
        clearTimeout(timer);
        worker.child.off('message', onMessage);
        worker.child.off('exit', onExit);
        resolve(outcome);
      };
      const onMessage = (message: {
        type: string;
        requestId?: string;
        result?: unknown;
        errorType?: string;
        errorMessage?: string;
      }) => {
        if (message.requestId !== requestId) return;
        if (message.type === 'result')
          finish({ kind: 'result', payload: message.result, durationMs: durationMs() });
        else
          finish({
            kind: 'error',
            errorType: message.errorType ?? 'Error',
            errorMessage: message.errorMessage ?? '',
            durationMs: durationMs(),
          });
      };
      const onExit = (code: number | null, signal: string | null) =>
        finish({
          kind: 'crash',
          errorMessage: `Runtime exited with ${signal ?? `exit code ${code}`}`,
          durationMs: durationMs(),
        });
      const timer = setTimeout(() => {
        this.logLine(
          `${new Date().toISOString()} ${requestId} Task timed out after ${(this.config.timeoutMs / 1000).toFixed(2)} seconds`,
        );
        finish({ kind: 'timeout', durationMs: durationMs() });
      }, this.config.timeoutMs);
      worker.child.on('message', onMessage);
      worker.child.once('exit', onExit);
      const startFailed = () =>
        finish({ kind: 'crash', errorMessage: 'Runtime failed to start', durationMs: durationMs() });
      worker.ready.then(() => {
        const message = {
          type: 'invoke',
          requestId,
          event,
          functionArn: this.config.arn,
          deadline: started + this.config.timeoutMs,
        };
        if (!worker.child.connected) startFailed();
        else worker.child.send(message, (err) => err && startFailed());
      }, startFailed);
    });
  }

  private record(outcome: InvokeOutcome): void {
    const dims = { FunctionName: this.config.name };
    this.options.metrics.record('AWS/Lambda', 'Invocations', dims, 1);
    this.options.metrics.record('AWS/Lambda', 'Errors', dims, outcome.kind === 'result' ? 0 : 1);
    this.options.metrics.record('AWS/Lambda', 'Duration', dims, outcome.durationMs);
  }

  private acquire(): Promise<Worker> {
    const idle = [...this.workers].find((worker) => !worker.busy);
    if (idle) {
      idle.busy = true;
      return Promise.resolve(idle);
    }
    if (this.workers.size < (this.options.maxConcurrency ?? 2)) {
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
    const child = fork(RUNTIME, [], {
      cwd: config.codeDir,
      env: this.environment(),
      execArgv: [],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    for (const stream of [child.stdout, child.stderr]) {
      if (stream) createInterface({ input: stream }).on('line', (line) => this.logLine(line));
    }
    const ready = new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', () => reject(new Error('exited')));
    });
    ready.catch(() => undefined);
    const worker: Worker = { child, ready, busy: false };
    child.once('exit', () => this.workers.delete(worker));
    this.workers.add(worker);
    return worker;
  }

  private logLine(line: string): void {
    this.options.log(`[${this.config.logicalId}] ${line}`);
    if (this.role?.logsDelivered !== false) this.options.metrics.logLine(this.config.logGroupName, line);
  }

  private environment(): Record<string, string> {
    const { config } = this;
    const region = this.options.ids.source.region;
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
      AWS_LAMBDA_LOG_GROUP_NAME: config.logGroupName,
      AWS_LAMBDA_LOG_STREAM_NAME: `local/[$LATEST]${randomUUID().replaceAll('-', '')}`,
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs20.x',
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      LAMBDA_TASK_ROOT: config.codeDir,
      LAMBDA_RUNTIME_DIR: config.codeDir,
      _HANDLER: config.handler,
      ...config.environment,
      ...this.options.environment(),
    };
  }
}

export class LocalLambda implements LocalService {
  private readonly functions = new Map<string, LocalFunction>();
  private readonly resources: AssemblyResource[];

  constructor(private readonly options: LocalLambdaOptions) {
    this.resources = resourcesOf(options.ids.source, 'AWS::Lambda::Function');
  }

  async start(): Promise<void> {
    for (const resource of this.resources) {
      const config = this.configOf(resource);
      this.functions.set(config.arn, new LocalFunction(config, this.options));
    }
  }

  async stop(): Promise<void> {
    for (const fn of this.functions.values()) fn.stop();
  }

  /** Invokes the function with this ARN (or name). */
  invoke(functionArnOrName: string, event: unknown): Promise<InvokeOutcome> {
    const fn =
      this.functions.get(functionArnOrName) ??
      [...this.functions.values()].find((f) => f.config.name === functionArnOrName);
    if (!fn) throw new LocalCloudError(`No local function ${functionArnOrName}.`);
    return fn.invoke(event);
  }

  /** The function configurations, for the summary and the gateway's timeouts. */
  configs(): FunctionConfig[] {
    return [...this.functions.values()].map((fn) => fn.config);
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
        detail: `${config.name}, ${config.handler}, timeout ${config.timeoutMs / 1000}s`,
      })),
    };
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
    const logging = ids.resolve(resource, 'LoggingConfig') as { LogGroup?: unknown } | undefined;
    const role = ids.resolve(resource, 'Role');
    return {
      logicalId: resource.logicalId,
      name,
      arn: ids.context(resource.stack).getAtt(resource.logicalId, 'Arn') ?? name,
      codeDir: this.codeDirOf(resource, name),
      handler: String(ids.resolve(resource, 'Handler') ?? 'index.handler'),
      timeoutMs: Number(ids.resolve(resource, 'Timeout') ?? 3) * 1000,
      memoryMb: Number(ids.resolve(resource, 'MemorySize') ?? 128),
      environment,
      logGroupName: typeof logging?.LogGroup === 'string' ? logging.LogGroup : `/aws/lambda/${name}`,
      roleArn: typeof role === 'string' ? role : undefined,
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
