/**
 * ECS: runs the web container's entrypoint (the final stage of its Dockerfile) as a plain Node
 * process with the task definition's environment, resolved to the local endpoints.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { type AssemblyResource, REPO_ROOT, resourcesOf } from '../../assembly/index.js';
import { LocalCloudError } from '../../errors.js';
import type { PhysicalIds } from '../../intrinsics/physical-ids.js';
import { ensurePortFree, freePort } from '../../ports.js';
import type { LocalService, ServiceDescription } from '../../service.js';

/** Stops the container when the local cloud's process dies without stopping it (see the file). */
const PARENT_WATCH = new URL('./parent-watch.mjs', import.meta.url).href;

export interface LocalEcsOptions {
  readonly ids: PhysicalIds;
  /** 0 picks a free port. */
  readonly port: number;
  /** The task definition metadata key whose `{ dockerfile, containerName }` names the Dockerfile. */
  readonly metadataKey: string;
  /** Applied to every resolved environment value (rewrites the deployed API URL to the local one). */
  readonly rewrite: (value: string) => string;
  /** Variables added on top of the task definition's (local overrides, said so in the summary). */
  readonly overrides: () => Record<string, string>;
  readonly log: (line: string) => void;
  /** How the web build is made when it is missing or stale. @default `npm run build -w web` */
  readonly buildCommand?: readonly string[];
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
}

export class LocalEcs implements LocalService {
  private child: ChildProcess | undefined;
  private readonly containers: WebContainer[];
  private listeningUrl: string | undefined;

  constructor(private readonly options: LocalEcsOptions) {
    this.containers = resourcesOf(options.ids.source, 'AWS::ECS::TaskDefinition').flatMap((td) =>
      this.containerOf(td),
    );
  }

  get endpoint(): string | undefined {
    return this.listeningUrl;
  }

  /** Whether the assembly has a task definition whose container the local cloud can run. */
  get hasContainer(): boolean {
    return this.containers.length > 0;
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

  async start(): Promise<void> {
    const container = this.containers[0];
    if (!container) return;
    const port = this.options.port === 0 ? await freePort() : this.options.port;
    await ensurePortFree('The web container', port, '--web-port');
    const appDir = dirname(container.dockerfile);
    const command = parseDockerfile(readFileSync(container.dockerfile, 'utf8'));
    await buildIfStale(container.dockerfile, this.options);
    const [program = 'node', ...args] = command.argv;
    const isNode = program === 'node';
    const child = spawn(
      isNode ? process.execPath : program,
      isNode ? ['--import', PARENT_WATCH, ...args] : args,
      {
        cwd: appDir,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...command.env, ...this.environment(port) },
        stdio: ['ignore', 'pipe', 'pipe', ...(isNode ? (['ipc'] as const) : [])],
      },
    );
    // The channel only tells the container when this process is gone; it must not keep it alive.
    child.channel?.unref();
    this.child = child;
    for (const stream of [child.stdout, child.stderr]) {
      if (stream)
        createInterface({ input: stream }).on('line', (line) =>
          this.options.log(`[${container.containerName}] ${line}`),
        );
    }
    const url = `http://127.0.0.1:${port}`;
    await waitForHealth(url, child);
    this.listeningUrl = url;
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }

  describe(): ServiceDescription {
    return {
      name: 'ECS',
      resources: this.containers.map((container) => ({
        logicalId: container.taskDefinition.logicalId,
        type: 'AWS::ECS::TaskDefinition',
        ...(this.listeningUrl === undefined ? {} : { url: this.listeningUrl }),
        detail: `container ${container.containerName} as a local process (${Object.keys(this.options.overrides()).join(', ') || 'no'} local overrides)`,
      })),
    };
  }

  private containerOf(taskDefinition: AssemblyResource): WebContainer[] {
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
      this.options.ids.resolveValue(
        taskDefinition,
        definitions[index]?.[name],
        `ContainerDefinitions[${index}].${name}`,
      );
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
      },
    ];
  }
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

async function waitForHealth(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 15_000;
  let exited = false;
  child.once('exit', () => (exited = true));
  while (Date.now() < deadline) {
    if (exited)
      throw new LocalCloudError(
        `The web container exited before it became healthy (see the [web] lines above).`,
      );
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new LocalCloudError(`The web container did not answer ${url}/healthz within 15 s.`);
}
