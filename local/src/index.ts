/**
 * The local cloud: reads a stage's cloud assembly (synthesizing the app in process, or from an
 * already synthesized folder) and stands up every service of the registry that has something to
 * run, in dependency order. While it runs, `reload` applies a new assembly of the app in place,
 * through the same registry; with `watch` it does so on every save (see watch/). Tests, e2e and
 * bench start it here; `npm start` is its CLI.
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
import { UnresolvableError } from './intrinsics/index.js';
import type { PhysicalIds } from './intrinsics/physical-ids.js';
import { acquireDataLock, type DataLock, DEFAULT_DATA_DIR, processExists } from './lock.js';
import { checkPortsFree } from './ports.js';
import { type AppProfile, DEFAULT_HANDLER_METADATA_KEY, loadProfile, type RunningCloud } from './profile.js';
import { isCoreType, observedMetrics, physicalIdsOf, SERVICE_MODULES, startOrder } from './registry.js';
import {
  type LocalCloudSettings,
  type LocalService,
  type ReloadOutcome,
  type ReloadPlan,
  ReloadRefused,
  type ServiceContext,
  type ServiceDescription,
  type ServiceModule,
} from './service.js';
import { BundleError, HandlerBundles } from './watch/handlers.js';
import { LiveReload } from './watch/index.js';

export { LocalCloudError } from './errors.js';
export { DEFAULT_DATA_DIR } from './lock.js';
export type { AppProfile } from './profile.js';
export { EMPTY_PROFILE } from './profile.js';
export { portSpecs } from './registry.js';
export type { LocalService, ReloadOutcome, ServiceDescription, ServiceModule } from './service.js';
export { cloudwatchService } from './services/cloudwatch/module.js';
export { type CognitoService, cognitoService } from './services/cognito/module.js';
export type { LocalSns } from './services/sns/index.js';
export { snsService } from './services/sns/module.js';

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
  /** The app's local profile. @default the module `profileFile` exports */
  readonly profile?: AppProfile;
  /**
   * The profile module, loaded after the ports and the data folder are checked (loading the app
   * takes seconds; a conflict is told at once). The infrastructure's live reload synthesizes it.
   * @default `<repo>/infra/local-cloud.profile.ts`
   */
  readonly profileFile?: string;
  /** Runs once the data folder is locked, before any service reads it (the CLI's `--reset`). */
  readonly onLocked?: (dataDir: string) => Promise<void>;
}

export interface LocalCloud {
  /** The stage's assembly as the local cloud runs it now. */
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
  /**
   * Runs a new assembly of the same app in place: every service plans its part first, and only
   * when all can does anything change. Data, unchanged functions' warm processes and issued
   * tokens are kept; a change a service cannot make in place is refused with the reason.
   */
  reload(assembly: LocalAssembly): Promise<ReloadOutcome>;
  /** What live reload watches, when it does. */
  readonly watching: string | undefined;
  stop(): Promise<void>;
}

interface Running {
  readonly module: ServiceModule<LocalService>;
  readonly service: LocalService;
}

/** The assembly the services run, with its physical ids. */
interface CloudState {
  readonly assembly: LocalAssembly;
  readonly ids: PhysicalIds;
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
  // Every conflict with another copy is told before anything slow: the data folder, then ports.
  const lock: DataLock | undefined = dataDir === undefined ? undefined : acquireDataLock(dataDir);
  const running: Running[] = [];
  let outdir: string | undefined;
  let bundles: HandlerBundles | undefined;
  let live: LiveReload | undefined;
  const cleanup = async () => {
    await live?.stop();
    for (const { service } of [...running].reverse()) await service.stop();
    running.length = 0;
    await bundles?.dispose();
    if (options.inMemory && outdir) rmSync(outdir, { recursive: true, force: true });
    lock?.release();
  };
  try {
    const ports = new Map(
      SERVICE_MODULES.flatMap((m) =>
        m.port ? [[m.port.name, options.ports?.[m.port.name] ?? m.port.default]] : [],
      ),
    );
    await checkPortsFree(SERVICE_MODULES, ports);
    if (dataDir !== undefined) await options.onLocked?.(dataDir);
    const profile = options.profile ?? (await loadProfile(options.profileFile ?? DEFAULT_PROFILE_FILE));
    const synthesizing = !options.assembly && !options.assemblyDir;
    if (synthesizing && profile.stages && !profile.stages.includes(stage))
      throw new LocalCloudError(
        `unknown stage "${stage}" (valid stages: ${profile.stages.join(', ')}); choose one with --stage <name>.`,
      );
    const watch = options.watch === true;
    let assembly = options.assembly;
    if (!assembly && options.assemblyDir) assembly = readAssemblyDirectory(options.assemblyDir, stage);
    if (!assembly) {
      outdir = synthOutdir(stage, options.inMemory === true);
      assembly = await synthesize(profile, stage, outdir, watch);
    }
    if (watch) {
      bundles = new HandlerBundles(
        mkdtempSync(join(localRoot(), `tmp-${process.pid}-bundles-`)),
        profile.handlerMetadataKey ?? DEFAULT_HANDLER_METADATA_KEY,
        log,
      );
      await bundles.sync(assembly).catch((err: unknown) => {
        throw err instanceof BundleError
          ? new LocalCloudError(`A function does not build:\n${err.message}`)
          : err;
      });
    }
    let state: CloudState = { assembly, ids: physicalIdsOf(assembly) };
    const observed = observedMetrics();
    const runningCloud: RunningCloud = {
      endpoint: (id) => running.find((r) => r.module.id === id)?.service.endpoint,
    };
    const notEmulated = () => {
      const owned = new Set(running.flatMap((r) => r.module.resourceTypes));
      return resourcesOf(state.assembly)
        .filter((r) => !owned.has(r.type) && !isCoreType(r.type))
        .map((r) => ({ logicalId: r.logicalId, type: r.type }));
    };
    /** The context of a service: `view` is the assembly it reads (the running one, or a reload's). */
    const contextOf = (
      module: ServiceModule<LocalService>,
      view: () => CloudState,
      lookup: (dependency: ServiceModule<LocalService>) => LocalService | undefined,
    ): ServiceContext => ({
      get assembly() {
        return view().assembly;
      },
      get ids() {
        return view().ids;
      },
      log,
      dataDir,
      port: module.port ? (ports.get(module.port.name) ?? 0) : 0,
      profile,
      settings: options,
      get: <T extends LocalService>(dependency: ServiceModule<T>) => {
        if (!module.dependsOn?.includes(dependency))
          throw new Error(`${module.id} uses ${dependency.id} without declaring it in dependsOn.`);
        return lookup(dependency) as T | undefined;
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
      liveCode: (resource) => bundles?.codeDirOf(resource),
    });
    const runningService = (module: ServiceModule<LocalService>) =>
      running.find((r) => r.module === module)?.service;

    for (const module of startOrder()) {
      const service = module.create(contextOf(module, () => state, runningService));
      if (!service) continue;
      await service.start().catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'EADDRINUSE' && module.port)
          throw listenError(module.name, ports.get(module.port.name) ?? 0, `--${module.port.name}-port`, err);
        throw err;
      });
      running.push({ module, service });
    }

    const reload = async (next: LocalAssembly): Promise<ReloadOutcome> => {
      // The same assembly again (rebuilt code) keeps its ids: Cognito's assigned ones are in them.
      const nextState: CloudState =
        next === state.assembly ? state : { assembly: next, ids: physicalIdsOf(next) };
      const planned = new Map<ServiceModule<LocalService>, LocalService>();
      const plans: ReloadPlan[] = [];
      try {
        for (const module of startOrder()) {
          const lookup = (dependency: ServiceModule<LocalService>) =>
            planned.get(dependency) ?? runningService(dependency);
          const ctx = contextOf(module, () => nextState, lookup);
          const current = runningService(module);
          if (current) {
            planned.set(module, current);
            if (current.reload) plans.push(await current.reload(ctx));
            else refuseChanged(module, state, nextState);
            continue;
          }
          const created = module.create(ctx);
          if (!created) continue;
          planned.set(module, created);
          plans.push({
            changes: [`+ ${module.name}`],
            apply: async () => {
              await created.start();
              running.push({ module, service: created });
            },
          });
        }
      } catch (err) {
        for (const plan of plans) plan.discard?.();
        if (
          err instanceof ReloadRefused ||
          err instanceof LocalCloudError ||
          err instanceof UnresolvableError
        )
          return { applied: false, reason: err.message };
        throw err;
      }
      state = nextState;
      for (const plan of plans) await plan.apply();
      return { applied: true, changes: plans.flatMap((plan) => plan.changes) };
    };

    if (watch && bundles) {
      // Re-synthesizing needs the profile as a module (a fresh process imports it again).
      const profileFile = options.profileFile ?? (options.profile ? undefined : DEFAULT_PROFILE_FILE);
      const synth =
        synthesizing && outdir && profileFile
          ? { profileFile, stage, outdirs: [join(outdir, 'reload-a'), join(outdir, 'reload-b')] as const }
          : undefined;
      live = await LiveReload.start({
        bundles,
        assembly: () => state.assembly,
        reload,
        log,
        ...(synth && { synth }),
      });
    }

    const startupMs = Date.now() - started;
    return {
      get assembly() {
        return state.assembly;
      },
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
      service: <T extends LocalService>(module: ServiceModule<T>) => runningService(module) as T | undefined,
      describe: () => running.map((r) => r.service.describe()),
      notEmulated,
      startupMs,
      reload,
      watching: live?.describe(),
      stop: cleanup,
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/**
 * A service without `reload` keeps running through a reload only if none of its resources
 * changed (resolved, so a changed reference counts); otherwise the reload is refused.
 */
function refuseChanged(module: ServiceModule<LocalService>, before: CloudState, after: CloudState): void {
  const old = resolvedResources(module, before);
  const now = resolvedResources(module, after);
  for (const key of new Set([...old.keys(), ...now.keys()])) {
    const was = old.get(key);
    const is = now.get(key);
    if (was === undefined || is === undefined) {
      throw new ReloadRefused(
        `the new assembly ${was === undefined ? 'adds' : 'removes'} ${key}, which the local ${module.name} cannot do while it runs; restart the local cloud to apply it.`,
      );
    }
    const changed = [...new Set([...was.keys(), ...is.keys()])].filter(
      (name) => was.get(name) !== is.get(name),
    );
    if (changed.length > 0)
      throw new ReloadRefused(
        `${key} changed (${changed.join(', ')}), which the local ${module.name} cannot apply while it runs; restart the local cloud to apply it.`,
      );
  }
}

/** A module's resources by `<stack>/<logicalId>`: type and each property, resolved where it can be. */
function resolvedResources(
  module: ServiceModule<LocalService>,
  state: CloudState,
): Map<string, Map<string, string>> {
  const types = new Set(module.resourceTypes);
  return new Map(
    resourcesOf(state.assembly)
      .filter((resource) => types.has(resource.type))
      .map((resource) => {
        const properties = new Map([['Type', resource.type]]);
        for (const name of Object.keys(resource.properties)) {
          let value: unknown;
          try {
            value = state.ids.resolve(resource, name);
          } catch {
            value = resource.properties[name];
          }
          properties.set(name, JSON.stringify(value));
        }
        return [`${resource.stack.stackName}/${resource.logicalId}`, properties];
      }),
  );
}

/** The repository's `.local-cloud` folder: synthesized apps and live bundles stay inside the repo. */
function localRoot(): string {
  const root = join(REPO_ROOT, '.local-cloud');
  mkdirSync(root, { recursive: true });
  removeOrphanedOutdirs(root);
  return root;
}

/**
 * Where the app is synthesized: Lambda assets import the SDK from the repo's node_modules (as
 * Lambda's runtime provides it), so cdk.out stays inside the repo; a throwaway run gets its own
 * folder, removed at stop.
 */
function synthOutdir(stage: string, inMemory: boolean): string {
  const root = localRoot();
  if (!inMemory) return join(root, `cdk.out-${stage}`);
  return mkdtempSync(join(root, `tmp-${process.pid}-`));
}

async function synthesize(
  profile: AppProfile,
  stage: string,
  outdir: string,
  watch: boolean,
): Promise<LocalAssembly> {
  if (!profile.synthesize)
    throw new LocalCloudError(
      'The app profile cannot synthesize the app; pass an already synthesized one with --assembly <cdk.out>.',
    );
  // While watching, the local cloud bundles the functions itself (and rebuilds them on change).
  return readStageAssembly(await profile.synthesize({ stage, outdir, skipFunctionBundling: watch }), stage);
}

/** Removes the throwaway folders of runs whose process is gone (killed hard). */
function removeOrphanedOutdirs(root: string): void {
  for (const name of readdirSync(root)) {
    const pid = Number(/^tmp-(\d+)-/.exec(name)?.[1]);
    if (pid && !processExists(pid)) rmSync(join(root, name), { recursive: true, force: true });
  }
}
