/**
 * The local cloud: reads a stage's cloud assembly (synthesizing the app in process, or from an
 * already synthesized folder) and stands up every service of the registry that has something to
 * run, in dependency order. Tests, e2e and bench start it here; `npm start` is its CLI.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  type LocalAssembly,
  REPO_ROOT,
  readAssemblyDirectory,
  readStageAssembly,
  resourcesOf,
} from './assembly/index.js';
import { LocalCloudError, listenError } from './errors.js';
import { acquireDataLock, type DataLock, processExists } from './lock.js';
import { checkPortsFree } from './ports.js';
import { type AppProfile, loadProfile, type RunningCloud } from './profile.js';
import { isCoreType, observedMetrics, physicalIdsOf, SERVICE_MODULES, startOrder } from './registry.js';
import type {
  LocalCloudSettings,
  LocalService,
  ServiceContext,
  ServiceDescription,
  ServiceModule,
} from './service.js';

export { LocalCloudError } from './errors.js';
export type { AppProfile } from './profile.js';
export { EMPTY_PROFILE } from './profile.js';
export { portSpecs } from './registry.js';
export type { LocalService, ServiceDescription, ServiceModule } from './service.js';
export { cloudwatchService } from './services/cloudwatch/module.js';
export { type CognitoService, cognitoService } from './services/cognito/module.js';

/** Where `npm start` keeps data (and the synthesized app) unless `--data-dir` says otherwise. */
export const DEFAULT_DATA_DIR = join(REPO_ROOT, '.local-cloud');

/** The repository's own app profile: the task tracker's CDK app. */
export const DEFAULT_PROFILE_FILE = join(REPO_ROOT, 'infra/local-cloud.profile.ts');

export interface LocalCloudOptions extends LocalCloudSettings {
  /** The stage to run. @default 'dev' */
  readonly stage?: string;
  /** Where data persists between runs. @default `<repo>/.local-cloud` */
  readonly dataDir?: string;
  /** Keep everything in memory: a throwaway run. */
  readonly inMemory?: boolean;
  /** Ports by name (`api`, `web`, `cognito`, …, see `portSpecs()`); 0 = an ephemeral port. */
  readonly ports?: Readonly<Record<string, number>>;
  readonly log?: (line: string) => void;
  /** An already-read assembly instead of synthesizing the app (tests). */
  readonly assembly?: LocalAssembly;
  /** A cloud assembly folder (`cdk.out`) to run instead of synthesizing the app. */
  readonly assemblyDir?: string;
  /** The app's local profile. @default the repository's `infra/local-cloud.profile.ts` */
  readonly profile?: AppProfile;
}

export interface LocalCloud {
  /** The stage's assembly as the local cloud runs it. */
  readonly assembly: LocalAssembly;
  /** The endpoint of a running service (`apigateway`, `cognito`, `ecs`, …); throws if it does not run. */
  url(serviceId: string): string;
  /** Every running service that has an address, in start order. */
  endpoints(): ReadonlyArray<{ readonly id: string; readonly name: string; readonly url: string }>;
  /** A running service, typed by its module; undefined when it does not run. */
  service<T extends LocalService>(module: ServiceModule<T>): T | undefined;
  describe(): readonly ServiceDescription[];
  /** Resources no running service stands up (listed, never silently dropped). */
  notEmulated(): ReadonlyArray<{ logicalId: string; type: string }>;
  /** Start-up time in milliseconds, synth included. */
  readonly startupMs: number;
  stop(): Promise<void>;
}

interface Running {
  readonly module: ServiceModule<LocalService>;
  readonly service: LocalService;
}

export async function startLocalCloud(options: LocalCloudOptions = {}): Promise<LocalCloud> {
  const started = Date.now();
  const log = options.log ?? ((line: string) => console.log(line));
  const stage = options.stage ?? 'dev';
  const dataDir = options.inMemory ? undefined : (options.dataDir ?? DEFAULT_DATA_DIR);
  if (dataDir !== undefined && existsSync(dataDir) && !statSync(dataDir).isDirectory())
    throw new LocalCloudError(
      `The data folder ${dataDir} is a file; choose a folder with --data-dir <path>.`,
    );
  // Every mistake that needs no synth is reported before it: the stage, ports, the data folder.
  const profile = options.profile ?? (await loadProfile(DEFAULT_PROFILE_FILE));
  const synthesizing = !options.assembly && !options.assemblyDir;
  if (synthesizing && profile.stages && !profile.stages.includes(stage))
    throw new LocalCloudError(
      `unknown stage "${stage}" (valid stages: ${profile.stages.join(', ')}); choose one with --stage <name>.`,
    );
  const ports = new Map(
    SERVICE_MODULES.flatMap((m) =>
      m.port ? [[m.port.name, options.ports?.[m.port.name] ?? m.port.default]] : [],
    ),
  );
  await checkPortsFree(SERVICE_MODULES, ports);
  const lock: DataLock | undefined = dataDir === undefined ? undefined : acquireDataLock(dataDir);
  const running: Running[] = [];
  let outdir: string | undefined;
  const cleanup = async () => {
    for (const { service } of [...running].reverse()) await service.stop();
    running.length = 0;
    if (options.inMemory && outdir) rmSync(outdir, { recursive: true, force: true });
    lock?.release();
  };
  try {
    let assembly = options.assembly;
    if (!assembly && options.assemblyDir) assembly = readAssemblyDirectory(options.assemblyDir, stage);
    if (!assembly) {
      outdir = synthOutdir(stage, options.inMemory === true);
      assembly = await synthesize(profile, stage, outdir);
    }
    const ids = physicalIdsOf(assembly);
    const observed = observedMetrics();
    const runningCloud: RunningCloud = {
      endpoint: (id) => running.find((r) => r.module.id === id)?.service.endpoint,
    };
    const notEmulated = () => {
      const owned = new Set(running.flatMap((r) => r.module.resourceTypes));
      return resourcesOf(assembly)
        .filter((r) => !owned.has(r.type) && !isCoreType(r.type))
        .map((r) => ({ logicalId: r.logicalId, type: r.type }));
    };
    const contextOf = (module: ServiceModule<LocalService>): ServiceContext => ({
      assembly,
      ids,
      log,
      dataDir,
      port: module.port ? (ports.get(module.port.name) ?? 0) : 0,
      profile,
      settings: options,
      get: <T extends LocalService>(dependency: ServiceModule<T>) => {
        if (!module.dependsOn?.includes(dependency))
          throw new Error(`${module.id} uses ${dependency.id} without declaring it in dependsOn.`);
        return running.find((r) => r.module === dependency)?.service as T | undefined;
      },
      endpointEnvironment: () =>
        Object.fromEntries(
          running.flatMap(({ module: m, service }) =>
            m.endpointEnv && service.endpoint
              ? [[`AWS_ENDPOINT_URL_${m.endpointEnv}`, service.endpoint]]
              : [],
          ),
        ),
      profileEnvironment: (kind) =>
        (kind === 'function' ? profile.functionEnvironment : profile.containerEnvironment)?.(runningCloud) ??
        {},
      localOrigins: () =>
        running.flatMap(({ service }) => (service.endpoint ? [new URL(service.endpoint).origin] : [])),
      localViews: () => {
        const views = new Map<string, () => unknown>();
        for (const { service } of running)
          for (const [name, view] of service.localViews?.() ?? []) views.set(name, view);
        return views;
      },
      observedMetrics: () => observed,
      describeCloud: () => ({
        services: running.map((r) => r.service.describe()),
        notEmulated: notEmulated(),
      }),
    });

    for (const module of startOrder()) {
      const service = module.create(contextOf(module));
      if (!service) continue;
      await service.start().catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'EADDRINUSE' && module.port)
          throw listenError(module.name, ports.get(module.port.name) ?? 0, `--${module.port.name}-port`, err);
        throw err;
      });
      running.push({ module, service });
    }

    const startupMs = Date.now() - started;
    const runningAssembly = assembly;
    return {
      assembly: runningAssembly,
      url: (id) => {
        const endpoint = runningCloud.endpoint(id);
        if (endpoint === undefined)
          throw new LocalCloudError(
            `The local cloud runs no ${id} service (nothing in the assembly needs one).`,
          );
        return endpoint;
      },
      endpoints: () =>
        running.flatMap(({ module, service }) =>
          service.endpoint ? [{ id: module.id, name: module.name, url: service.endpoint }] : [],
        ),
      service: <T extends LocalService>(module: ServiceModule<T>) =>
        running.find((r) => r.module === module)?.service as T | undefined,
      describe: () => running.map((r) => r.service.describe()),
      notEmulated,
      startupMs,
      stop: cleanup,
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/**
 * Where the app is synthesized: Lambda assets import the SDK from the repo's node_modules (as
 * Lambda's runtime provides it), so cdk.out stays inside the repo; a throwaway run gets its own
 * folder, removed at stop.
 */
function synthOutdir(stage: string, inMemory: boolean): string {
  const root = join(REPO_ROOT, '.local-cloud');
  mkdirSync(root, { recursive: true });
  if (!inMemory) return join(root, `cdk.out-${stage}`);
  removeOrphanedOutdirs(root);
  return mkdtempSync(join(root, `tmp-${process.pid}-`));
}

async function synthesize(profile: AppProfile, stage: string, outdir: string): Promise<LocalAssembly> {
  if (!profile.synthesize)
    throw new LocalCloudError(
      'The app profile cannot synthesize the app; pass an already synthesized one with --assembly <cdk.out>.',
    );
  return readStageAssembly(await profile.synthesize({ stage, outdir }), stage);
}

/** Removes the throwaway cdk.out folders of in-memory runs whose process is gone (killed hard). */
function removeOrphanedOutdirs(root: string): void {
  for (const name of readdirSync(root)) {
    const pid = Number(/^tmp-(\d+)-/.exec(name)?.[1]);
    if (pid && !processExists(pid)) rmSync(join(root, name), { recursive: true, force: true });
  }
}
