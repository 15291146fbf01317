/**
 * ECS: runs the web container's entrypoint (the final stage of its Dockerfile) as a plain Node
 * process with the task definition's environment, resolved to the local endpoints, on an internal
 * port the load balancer forwards to. The task's processes are sampled as CloudWatch's
 * `CPUUtilization`/`MemoryUtilization` of its service, against the task definition's size, and
 * stress processes can be injected into the task as faults.
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { type AssemblyResource, REPO_ROOT, resourcesOf } from '../../assembly/index.js';
import { LocalCloudError } from '../../errors.js';
import type { PhysicalIds } from '../../intrinsics/physical-ids.js';
import { freePort } from '../../ports.js';
import type { DevServer } from '../../profile.js';
import {
  type LocalService,
  type ReloadPlan,
  type ServiceContext,
  type ServiceDescription,
  UNCHANGED,
} from '../../service.js';
import type { MetricSink } from '../cloudwatch/metrics.js';
import { CAN_SAMPLE_TASKS, TaskSampler, type TaskUsage } from './task-usage.js';

/** Stops the container when the local cloud's process dies without stopping it (see the file). */
const PARENT_WATCH = new URL('./parent-watch.mjs', import.meta.url).href;
/** The stress process faults inject into a task. */
const STRESS = fileURLToPath(new URL('./stress.mjs', import.meta.url));

export interface LocalEcsOptions {
  readonly ids: PhysicalIds;
  readonly metrics: MetricSink;
  /**
   * How often the task is sampled, in ms: ECS publishes one datapoint a minute, so a run whose
   * alarm periods are scaled samples at the same scale. @default 60000
   */
  readonly sampleEveryMs?: number;
  /** The task definition metadata key whose `{ dockerfile, containerName }` names the Dockerfile. */
  readonly metadataKey: string;
  /** Applied to every resolved environment value (rewrites the deployed API URL to the local one). */
  readonly rewrite: (value: string) => string;
  /** Variables added on top of the task definition's (local overrides, said so in the summary). */
  readonly overrides: () => Record<string, string>;
  readonly log: (line: string) => void;
  /** How the web build is made when it is missing or stale. @default `npm run build -w web` */
  readonly buildCommand?: readonly string[];
  /**
   * While the local cloud watches: the app's dev server runs in the container's place, with the
   * container's environment, so the browser gets hot updates. @default the container
   */
  readonly devServer?: DevServer;
}

export interface ContainerCommand {
  readonly workdir: string;
  readonly argv: readonly string[];
  /** The image's `ENV` values (final stage); the task definition's environment overrides them. */
  readonly env: Readonly<Record<string, string>>;
}

/** The final stage's `WORKDIR` and `ENTRYPOINT` + `CMD` (exec or shell form). */
export function parseDockerfile(text: string): ContainerCommand {
  const lines = text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim());
  const lastFrom = lines.map((line) => /^FROM\s/i.test(line)).lastIndexOf(true);
  let workdir = '/';
  let entrypoint: string[] = [];
  let cmd: string[] = [];
  const env: Record<string, string> = {};
  for (const line of lines.slice(Math.max(0, lastFrom))) {
    const [, instruction = '', rest = ''] = /^(\w+)\s+(.*)$/.exec(line) ?? [];
    const upper = instruction.toUpperCase();
    if (upper === 'WORKDIR') workdir = rest.startsWith('/') ? rest : join(workdir, rest);
    if (upper === 'ENTRYPOINT') entrypoint = commandForm(rest);
    if (upper === 'CMD') cmd = commandForm(rest);
    if (upper === 'ENV') Object.assign(env, envForm(rest));
  }
  return { workdir, argv: [...entrypoint, ...cmd], env };
}

/** `ENV A=1 B="two words"` or the legacy `ENV A value`. */
function envForm(text: string): Record<string, string> {
  if (!/^[\w.-]+=/.test(text)) {
    const [name = '', ...value] = text.split(/\s+/);
    return { [name]: value.join(' ') };
  }
  const pairs = [...text.matchAll(/([\w.-]+)=("(?:[^"\\]|\\.)*"|\S*)/g)];
  return Object.fromEntries(
    pairs.map(([, name = '', value = '']) => [name, value.startsWith('"') ? value.slice(1, -1) : value]),
  );
}

function commandForm(text: string): string[] {
  if (text.startsWith('[')) return (JSON.parse(text) as unknown[]).map(String);
  return ['/bin/sh', '-c', text];
}

interface WebContainer {
  readonly taskDefinition: AssemblyResource;
  readonly containerName: string;
  readonly dockerfile: string;
  readonly environment: Record<string, string>;
  readonly containerPort: number;
  /** The task definition's `Cpu` units and `Memory` (MiB). */
  readonly cpuUnits: number;
  readonly memoryMiB: number;
}

/** An `AWS::ECS::Service` running the container's task definition. */
export interface EcsServiceInfo {
  readonly logicalId: string;
  readonly clusterName: string;
  readonly serviceName: string;
  /** Target groups the service registers its tasks with (`LoadBalancers`). */
  readonly loadBalancers: ReadonlyArray<{
    targetGroupArn: string;
    containerName: string;
    containerPort: number;
  }>;
}

/** A target a load balancer forwards to: the container's address inside the local cloud. */
export interface EcsTarget {
  readonly url: string;
  readonly containerName: string;
}

export class LocalEcs implements LocalService {
  private child: ChildProcess | undefined;
  private containers: WebContainer[];
  private services: EcsServiceInfo[];
  private listeningUrl: string | undefined;
  private readonly stress = new Map<string, ChildProcess>();
  private sampler: TaskSampler | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastUsage: TaskUsage | undefined;

  constructor(private options: LocalEcsOptions) {
    [this.containers, this.services] = this.read(options.ids);
  }

  private read(ids: PhysicalIds): [WebContainer[], EcsServiceInfo[]] {
    const containers = resourcesOf(ids.source, 'AWS::ECS::TaskDefinition').flatMap((td) =>
      this.containerOf(td, ids),
    );
    const container = containers[0];
    const services = container
      ? resourcesOf(ids.source, 'AWS::ECS::Service').flatMap((service) =>
          this.serviceOf(service, container.taskDefinition, ids),
        )
      : [];
    return [containers, services];
  }

  /**
   * Infra live reload: a task whose container definition or service changed is replaced by a new
   * one (the old one gets SIGTERM and drains, as in a deployment); otherwise the task keeps running.
   */
  reload(ctx: ServiceContext): ReloadPlan {
    const [containers, services] = this.read(ctx.ids);
    const shape = (c: WebContainer[], s: EcsServiceInfo[]) =>
      JSON.stringify([c.map(({ taskDefinition, ...rest }) => [taskDefinition.logicalId, rest]), s]);
    if (shape(containers, services) === shape(this.containers, this.services)) return UNCHANGED;
    return {
      changes: [`ECS: a new task of ${containers[0]?.containerName ?? 'the service'}`],
      apply: async () => {
        await this.stop();
        this.options = { ...this.options, ids: ctx.ids };
        this.containers = containers;
        this.services = services;
        await this.start();
      },
    };
  }

  /** The container's own address (internal: clients go through the load balancer). */
  get containerUrl(): string | undefined {
    return this.listeningUrl;
  }

  /** Whether the assembly has a task definition whose container the local cloud can run. */
  get hasContainer(): boolean {
    return this.containers.length > 0;
  }

  /** The ECS services that run the container (what CPU and memory are reported for). */
  serviceInfos(): readonly EcsServiceInfo[] {
    return this.services;
  }

  /** The running container, if a service registers it with this target group. */
  targetsOf(targetGroupArn: string): EcsTarget[] {
    const url = this.listeningUrl;
    if (url === undefined) return [];
    return this.services.flatMap((service) =>
      service.loadBalancers
        .filter((lb) => lb.targetGroupArn === targetGroupArn)
        .map((lb) => ({ url, containerName: lb.containerName })),
    );
  }

  /** The container's resolved environment (with overrides), for the summary and tests. */
  environment(port: number): Record<string, string> | undefined {
    const container = this.containers[0];
    if (!container) return undefined;
    return {
      ...container.environment,
      ...this.options.overrides(),
      PORT: String(port),
      HOST: '127.0.0.1',
    };
  }

  /** The task's latest reading, for the console and tests. */
  usage(): TaskUsage | undefined {
    return this.lastUsage;
  }

  async start(): Promise<void> {
    const container = this.containers[0];
    if (!container) return;
    const port = await freePort();
    const child = this.options.devServer
      ? this.spawnDevServer(this.options.devServer, port)
      : await this.spawnContainer(container, port);
    this.child = child;
    for (const stream of [child.stdout, child.stderr]) {
      if (stream)
        createInterface({ input: stream }).on('line', (line) =>
          this.options.log(`[${container.containerName}] ${line}`),
        );
    }
    const url = `http://127.0.0.1:${port}`;
    await waitForHealth(
      url,
      child,
      this.options.devServer ? (this.options.devServer.readyPath ?? '/') : '/healthz',
    );
    this.listeningUrl = url;
    this.startSampling(container);
  }

  /** The Dockerfile's CMD, from the built app (built first when missing or stale). */
  private async spawnContainer(container: WebContainer, port: number): Promise<ChildProcess> {
    const command = parseDockerfile(readFileSync(container.dockerfile, 'utf8'));
    await buildIfStale(container.dockerfile, this.options);
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', ...command.env, ...this.environment(port) };
    return spawnWatched(command.argv, dirname(container.dockerfile), env);
  }

  /** The app's dev server with the container's environment: it serves what the container would. */
  private spawnDevServer(server: DevServer, port: number): ChildProcess {
    const cwd = join(REPO_ROOT, server.directory);
    // As npm scripts run: the packages' executables first.
    const bins = [join(cwd, 'node_modules', '.bin'), join(REPO_ROOT, 'node_modules', '.bin')];
    const [program = '', ...args] = server.command(port);
    const installed = bins.map((bin) => join(bin, program)).find((file) => existsSync(file));
    const script = installed === undefined ? undefined : realpathSync(installed);
    const argv =
      script !== undefined && /\.[cm]?js$/.test(script) ? ['node', script, ...args] : [program, ...args];
    const PATH = [...bins, process.env.PATH ?? '/usr/bin:/bin'].join(delimiter);
    return spawnWatched(argv, cwd, { PATH, ...this.environment(port) });
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    for (const name of [...this.stress.keys()]) this.stopStress(name);
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }

  /**
   * Starts a stress process in the task: `cpu` keeps `percent` of the task's CPU units busy,
   * `memory` makes the task hold `percent` of its memory. Resolves once the load is in place.
   */
  async startStress(name: string, kind: 'cpu' | 'memory', percent: number): Promise<void> {
    const container = this.containers[0];
    if (!container || !this.child) throw new Error('The web container is not running.');
    const amount =
      kind === 'cpu'
        ? ((percent / 100) * container.cpuUnits) / 1024
        : Math.max(0, (percent / 100) * container.memoryMiB - this.taskMemoryMiB() - STRESS_BASELINE_MIB);
    const shares = kind === 'cpu' ? splitIntoShares(amount) : [amount];
    const started = shares.map((share, i) => {
      const stress = fork(STRESS, [kind, String(share)], { stdio: 'ignore', execArgv: [] });
      stress.channel?.unref();
      this.stress.set(`${name}#${i}`, stress);
      return new Promise<void>((resolve, reject) => {
        stress.once('message', () => resolve());
        stress.once('exit', (code) => reject(new Error(`The ${kind} stress process exited (${code}).`)));
      });
    });
    await Promise.all(started);
  }

  stopStress(name: string): void {
    for (const [key, stress] of this.stress)
      if (key === name || key.startsWith(`${name}#`)) {
        stress.kill('SIGKILL');
        this.stress.delete(key);
      }
  }

  describe(): ServiceDescription {
    const runs = this.options.devServer
      ? `the dev server of ${this.options.devServer.directory}/ (hot reload) in place of container`
      : 'container';
    return {
      name: 'ECS',
      resources: [
        ...this.containers.map((container) => ({
          logicalId: container.taskDefinition.logicalId,
          type: 'AWS::ECS::TaskDefinition',
          ...(this.listeningUrl === undefined ? {} : { url: this.listeningUrl }),
          detail: `${runs} ${container.containerName} as a local process, ${container.cpuUnits} CPU units / ${container.memoryMiB} MiB (${Object.keys(this.options.overrides()).join(', ') || 'no'} local overrides)`,
        })),
        ...this.services.map((service) => ({
          logicalId: service.logicalId,
          type: 'AWS::ECS::Service',
          detail: `${service.serviceName} in ${service.clusterName}: one local task${CAN_SAMPLE_TASKS ? ', CPU and memory sampled from /proc' : ''}`,
          ...(CAN_SAMPLE_TASKS
            ? {}
            : { warning: 'no /proc on this machine: CPU and memory are not observed' }),
        })),
      ],
    };
  }

  /** Samples the task once per (scaled) minute and records its service's utilization. */
  private startSampling(container: WebContainer): void {
    if (!CAN_SAMPLE_TASKS || this.services.length === 0) return;
    const sampler = new TaskSampler(
      () => [this.child?.pid ?? -1, ...[...this.stress.values()].map((s) => s.pid ?? -1)],
      container.cpuUnits,
      container.memoryMiB,
    );
    sampler.sample();
    this.sampler = sampler;
    this.timer = setInterval(() => this.recordUsage(), Math.max(100, this.options.sampleEveryMs ?? 60_000));
    this.timer.unref();
  }

  private recordUsage(): void {
    const usage = this.sampler?.sample();
    if (!usage) return;
    this.lastUsage = usage;
    for (const service of this.services) {
      const dimensionSets: Array<Record<string, string>> = [
        { ClusterName: service.clusterName, ServiceName: service.serviceName },
        { ClusterName: service.clusterName },
      ];
      for (const dimensions of dimensionSets) {
        this.options.metrics.record('AWS/ECS', 'CPUUtilization', dimensions, usage.cpuPercent);
        this.options.metrics.record('AWS/ECS', 'MemoryUtilization', dimensions, usage.memoryPercent);
      }
    }
  }

  private taskMemoryMiB(): number {
    return this.sampler?.residentMiB() ?? 0;
  }

  private serviceOf(
    service: AssemblyResource,
    taskDefinition: AssemblyResource,
    ids: PhysicalIds,
  ): EcsServiceInfo[] {
    const taskRef = (service.properties.TaskDefinition as { Ref?: unknown } | undefined)?.Ref;
    if (service.stack !== taskDefinition.stack || taskRef !== taskDefinition.logicalId) return [];
    const serviceName = ids.context(service.stack).getAtt(service.logicalId, 'Name') ?? service.logicalId;
    // `Cluster` is the cluster's name or ARN (`…:cluster/<name>`); without one ECS uses `default`.
    const clusterName =
      String(ids.resolve(service, 'Cluster') ?? 'default')
        .split('/')
        .pop() ?? 'default';
    const raw = (service.properties.LoadBalancers ?? []) as Array<Record<string, unknown>>;
    const loadBalancers = raw.flatMap((lb, i) => {
      const targetGroupArn = ids.resolveValue(
        service,
        lb.TargetGroupArn,
        `LoadBalancers[${i}].TargetGroupArn`,
      );
      return typeof targetGroupArn === 'string'
        ? [
            {
              targetGroupArn,
              containerName: String(lb.ContainerName),
              containerPort: Number(lb.ContainerPort),
            },
          ]
        : [];
    });
    return [{ logicalId: service.logicalId, clusterName, serviceName, loadBalancers }];
  }

  private containerOf(taskDefinition: AssemblyResource, ids: PhysicalIds): WebContainer[] {
    const metadata = Object.hasOwn(taskDefinition.metadata, this.options.metadataKey)
      ? (taskDefinition.metadata[this.options.metadataKey] as { dockerfile?: string; containerName?: string })
      : undefined;
    if (!metadata?.dockerfile) return [];
    // Only what runs locally is resolved: the image URI and log settings name AWS-only resources.
    const raw = taskDefinition.properties.ContainerDefinitions;
    const definitions = (Array.isArray(raw) ? raw : []) as Array<Record<string, unknown>>;
    const index = Math.max(
      0,
      definitions.findIndex((d) => d.Name === metadata.containerName),
    );
    const field = (name: string) =>
      ids.resolveValue(taskDefinition, definitions[index]?.[name], `ContainerDefinitions[${index}].${name}`);
    const variables = (field('Environment') ?? []) as Array<{ Name: string; Value: unknown }>;
    const environment = Object.fromEntries(
      variables.map((e) => [e.Name, this.options.rewrite(String(e.Value))]),
    );
    const portMappings = (field('PortMappings') ?? []) as Array<{ ContainerPort?: number }>;
    return [
      {
        taskDefinition,
        containerName: String(field('Name') ?? metadata.containerName ?? 'web'),
        dockerfile: join(REPO_ROOT, metadata.dockerfile),
        environment,
        containerPort: Number(portMappings[0]?.ContainerPort ?? 8080),
        // Fargate's smallest task when the template gives no size.
        cpuUnits: Number(ids.resolve(taskDefinition, 'Cpu') ?? 256),
        memoryMiB: Number(ids.resolve(taskDefinition, 'Memory') ?? 512),
      },
    ];
  }
}

/** What an idle stress process holds itself (a bare Node.js process), taken off its allocation. */
const STRESS_BASELINE_MIB = 40;

/** The most of a core one stress process asks for (see splitIntoShares). */
const MAX_SHARE = 0.125;

/**
 * `0.3` cores → `[0.125, 0.125, 0.05]`: one share per process. Small shares are what a busy machine's
 * scheduler grants each runnable process, so the task gets its load even when others want the CPU.
 */
function splitIntoShares(cores: number): number[] {
  const shares: number[] = [];
  for (let left = cores; left > 1e-9; left -= MAX_SHARE) shares.push(Math.min(MAX_SHARE, left));
  return shares;
}

/**
 * Builds a container's app when its entrypoint (from the Dockerfile's CMD) is missing or older
 * than its sources. The local cloud calls it before starting the process; test set-ups call it
 * once so parallel test files never run two builds into the same folder.
 */
export async function buildIfStale(
  dockerfile: string,
  options: { readonly log: (line: string) => void; readonly buildCommand?: readonly string[] },
): Promise<void> {
  const appDir = dirname(dockerfile);
  const command = parseDockerfile(readFileSync(dockerfile, 'utf8'));
  const entry = command.argv.find((arg) => /\.(m?js|cjs)$/.test(arg));
  const entryFile = entry === undefined ? undefined : join(appDir, entry);
  if (entryFile === undefined) return;
  const built = existsSync(entryFile) ? statSync(entryFile).mtimeMs : 0;
  const sources = Math.max(...['src', 'server', 'index.html'].map((name) => newestMtime(join(appDir, name))));
  if (built >= sources) return;
  const [program = 'npm', ...args] = options.buildCommand ?? ['npm', 'run', 'build', '-w', 'web'];
  options.log(`[ECS] building the web container's app (${[program, ...args].join(' ')})…`);
  const build = spawn(program, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  for (const stream of [build.stdout, build.stderr])
    stream?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => build.once('exit', resolve));
  if (code !== 0 || !existsSync(entryFile)) {
    throw new LocalCloudError(
      `The web build failed (${[program, ...args].join(' ')}): ${output.trim().split('\n').slice(-3).join(' | ')}`,
    );
  }
}

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

/**
 * Starts a task's process. A Node one preloads the watch that stops it when the local cloud's
 * process is gone (see parent-watch.mjs).
 */
function spawnWatched(argv: readonly string[], cwd: string, env: Record<string, string>): ChildProcess {
  const [program = 'node', ...args] = argv;
  const isNode = program === 'node';
  const child = spawn(
    isNode ? process.execPath : program,
    isNode ? ['--import', PARENT_WATCH, ...args] : args,
    {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe', ...(isNode ? (['ipc'] as const) : [])],
    },
  );
  // The channel only tells the task when this process is gone; it must not keep it alive.
  child.channel?.unref();
  return child;
}

async function waitForHealth(url: string, child: ChildProcess, path: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  let exited = false;
  child.once('exit', () => (exited = true));
  while (Date.now() < deadline) {
    if (exited)
      throw new LocalCloudError(
        `The web container exited before it became healthy (see the [web] lines above).`,
      );
    try {
      const response = await fetch(`${url}${path}`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new LocalCloudError(`The web container did not answer ${url}${path} within 15 s.`);
}
