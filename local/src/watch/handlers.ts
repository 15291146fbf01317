/**
 * Live bundles of the functions whose template metadata names their handler entry and bundling
 * (what a `NodejsFunction` was given): one incremental esbuild context per function, rebuilt when
 * one of the files it bundled changes, with the deployed bundling settings. Each build is written
 * to a new folder, so environments that are still running keep the code they loaded.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import * as esbuild from 'esbuild';
import { type AssemblyResource, type LocalAssembly, REPO_ROOT, resourcesOf } from '../assembly/index.js';

/** What a function's handler metadata holds. */
interface HandlerMetadata {
  /** The handler's source, relative to the repository root. */
  readonly entry: string;
  /** The bundling options as a `NodejsFunction` takes them (`externalModules`, `banner`, …). */
  readonly bundling: Readonly<Record<string, unknown>>;
}

/** A build that failed: esbuild's messages, formatted as esbuild prints them. */
export class BundleError extends Error {
  override readonly name = 'BundleError';
}

/**
 * `NodejsFunction`'s bundling options the local build applies; the rest either do not change the
 * code (`logLevel`, `metafile`) or are Docker and install steps a local rebuild cannot repeat.
 */
const APPLIED = new Set([
  'format',
  'target',
  'minify',
  'mainFields',
  'externalModules',
  'banner',
  'footer',
  'sourceMap',
  'sourceMapMode',
  'sourcesContent',
  'define',
  'loader',
  'keepNames',
  'charset',
  'tsconfig',
  'logLevel',
  'metafile',
]);

/** One function's incremental build. */
class FunctionBundle {
  private generation = 0;
  private folder: string | undefined;
  private files = new Set<string>();

  private constructor(
    readonly settings: string,
    private readonly context: esbuild.BuildContext<{ write: false; metafile: true }>,
    private readonly root: string,
    private readonly outfile: string,
  ) {}

  /** Creates the context; nothing is built yet. */
  static async create(
    resource: AssemblyResource,
    metadata: HandlerMetadata,
    root: string,
  ): Promise<FunctionBundle> {
    const handler = String(resource.properties.Handler ?? 'index.handler');
    const moduleName = handler.slice(0, handler.lastIndexOf('.'));
    const options = esbuildOptions(metadata.bundling, resource.properties.Runtime);
    // Every build lands at the same depth as this path, so the source map's relative paths hold.
    const outfile = join(root, 'current', `${moduleName}${options.format === 'esm' ? '.mjs' : '.js'}`);
    const context = await esbuild.context({
      ...options,
      entryPoints: [resolve(REPO_ROOT, metadata.entry)],
      absWorkingDir: REPO_ROOT,
      bundle: true,
      platform: 'node',
      outfile,
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    return new FunctionBundle(JSON.stringify(metadata), context, root, outfile);
  }

  /** The folder of the latest good build, if there is one. */
  get codeDir(): string | undefined {
    return this.folder;
  }

  /** The absolute paths of the files the latest build read (node_modules aside). */
  get inputs(): ReadonlySet<string> {
    return this.files;
  }

  /** Rebuilds; on success the new code is in a new folder, on failure the old one stays. */
  async build(): Promise<void> {
    let result: esbuild.BuildResult<{ write: false; metafile: true }>;
    try {
      result = await this.context.rebuild();
    } catch (err) {
      const errors = (err as { errors?: esbuild.Message[] }).errors;
      if (!errors) throw err;
      throw new BundleError(
        esbuild.formatMessagesSync(errors, { kind: 'error', color: false }).join('').trimEnd(),
      );
    }
    this.files = new Set(
      Object.keys(result.metafile.inputs)
        .filter((input) => !input.includes('node_modules/') && !input.includes(':'))
        .map((input) => resolve(REPO_ROOT, input)),
    );
    this.generation += 1;
    const folder = join(this.root, String(this.generation));
    mkdirSync(folder, { recursive: true });
    for (const file of result.outputFiles)
      writeFileSync(join(folder, relative(dirname(this.outfile), file.path)), file.contents);
    // Two builds back, no environment runs that code any longer.
    rmSync(join(this.root, String(this.generation - 2)), { recursive: true, force: true });
    this.folder = folder;
  }

  dispose(): Promise<void> {
    return this.context.dispose();
  }
}

/** Every function's live bundle, keyed by `<stack>/<logicalId>`. */
export class HandlerBundles {
  private readonly bundles = new Map<string, FunctionBundle>();

  /**
   * @param root where the builds go: inside the repository, so that what the bundles leave
   *   external (the AWS SDK, which Lambda's runtime provides) resolves from its node_modules.
   * @param metadataKey the resource metadata key naming a function's entry and bundling.
   */
  constructor(
    private readonly root: string,
    private readonly metadataKey: string,
    private readonly log: (line: string) => void,
  ) {}

  /**
   * Creates a build for every function of the assembly that has handler metadata (and drops the
   * others), building the new or changed ones. A failed build throws its messages; the functions
   * built before keep their code.
   */
  async sync(assembly: LocalAssembly): Promise<string[]> {
    const wanted = new Map<string, { resource: AssemblyResource; metadata: HandlerMetadata }>();
    for (const resource of resourcesOf(assembly, 'AWS::Lambda::Function')) {
      const metadata = this.metadataOf(resource);
      if (metadata) wanted.set(keyOf(resource), { resource, metadata });
    }
    for (const [key, bundle] of this.bundles)
      if (!wanted.has(key)) {
        this.bundles.delete(key);
        await bundle.dispose();
      }
    const built: string[] = [];
    const builds = [...wanted].flatMap(([key, { resource, metadata }]) => {
      if (this.bundles.get(key)?.settings === JSON.stringify(metadata)) return [];
      built.push(resource.logicalId);
      return [this.replace(key, resource, metadata)];
    });
    await settleAll(builds);
    return built;
  }

  private async replace(key: string, resource: AssemblyResource, metadata: HandlerMetadata): Promise<void> {
    const unapplied = unappliedOptions(metadata.bundling);
    if (unapplied.length > 0)
      this.log(
        `[watch] ${key}: the local build does not apply the bundling options ${unapplied.join(', ')}.`,
      );
    const bundle = await FunctionBundle.create(resource, metadata, join(this.root, key));
    await bundle.build().catch(async (err: unknown) => {
      await bundle.dispose();
      throw err;
    });
    await this.bundles.get(key)?.dispose();
    this.bundles.set(key, bundle);
  }

  /** The folder of a function's latest good build, or undefined when it has no live bundle. */
  codeDirOf(resource: AssemblyResource): string | undefined {
    return this.bundles.get(keyOf(resource))?.codeDir;
  }

  /** Every file some function's bundle read. */
  inputs(): Set<string> {
    return new Set([...this.bundles.values()].flatMap((bundle) => [...bundle.inputs]));
  }

  /**
   * Rebuilds the functions that read one of `files`; returns their keys. A failed build throws
   * its messages once every affected function has been tried; the failed ones keep their code.
   */
  async rebuild(files: ReadonlySet<string>): Promise<string[]> {
    const affected = [...this.bundles].filter(([, bundle]) => [...files].some((f) => bundle.inputs.has(f)));
    await settleAll(affected.map(([, bundle]) => bundle.build()));
    return affected.map(([key]) => key);
  }

  /** Ends every build context and deletes the builds. */
  async dispose(): Promise<void> {
    await Promise.all([...this.bundles.values()].map((bundle) => bundle.dispose()));
    this.bundles.clear();
    rmSync(this.root, { recursive: true, force: true });
  }

  private metadataOf(resource: AssemblyResource): HandlerMetadata | undefined {
    if (!Object.hasOwn(resource.metadata, this.metadataKey)) return undefined;
    const value = resource.metadata[this.metadataKey] as Partial<HandlerMetadata> | undefined;
    if (typeof value?.entry !== 'string') return undefined;
    return { entry: value.entry, bundling: value.bundling ?? {} };
  }
}

function keyOf(resource: AssemblyResource): string {
  return `${resource.stack.stackName}/${resource.logicalId}`;
}

/** Waits for every build; then throws the failures' messages together, if any failed. */
async function settleAll(builds: ReadonlyArray<Promise<void>>): Promise<void> {
  const failures = (await Promise.allSettled(builds)).flatMap((r) =>
    r.status === 'rejected' ? [r.reason] : [],
  );
  if (failures.length === 0) return;
  const bundleErrors = failures.filter((f): f is BundleError => f instanceof BundleError);
  if (bundleErrors.length < failures.length) throw failures.find((f) => !(f instanceof BundleError));
  // Functions that share a file share its error: each message once.
  throw new BundleError([...new Set(bundleErrors.map((e) => e.message))].join('\n'));
}

/**
 * esbuild's options for a `NodejsFunction`'s bundling options, with `NodejsFunction`'s defaults:
 * CommonJS, the function runtime's Node as the target, the AWS SDK external on nodejs18.x and later.
 */
export function esbuildOptions(
  bundling: Readonly<Record<string, unknown>>,
  runtime: unknown,
): esbuild.BuildOptions {
  const node = /^nodejs(\d+)/.exec(String(runtime ?? ''))?.[1];
  const string = (key: string) => (typeof bundling[key] === 'string' ? (bundling[key] as string) : undefined);
  const sourceMap = bundling.sourceMap === true || bundling.sourceMapMode !== undefined;
  const mode = string('sourceMapMode') ?? 'default';
  return {
    format: string('format') === 'esm' ? 'esm' : 'cjs',
    target: string('target') ?? (node ? `node${node}` : 'node20'),
    minify: bundling.minify === true,
    ...(Array.isArray(bundling.mainFields) ? { mainFields: bundling.mainFields.map(String) } : {}),
    external: Array.isArray(bundling.externalModules) ? bundling.externalModules.map(String) : ['@aws-sdk/*'],
    ...(string('banner') ? { banner: { js: string('banner') ?? '' } } : {}),
    ...(string('footer') ? { footer: { js: string('footer') ?? '' } } : {}),
    ...(sourceMap
      ? { sourcemap: mode === 'default' ? 'linked' : (mode as 'external' | 'inline' | 'both') }
      : {}),
    ...(typeof bundling.sourcesContent === 'boolean' ? { sourcesContent: bundling.sourcesContent } : {}),
    ...(isRecord(bundling.define) ? { define: bundling.define as Record<string, string> } : {}),
    ...(isRecord(bundling.loader) ? { loader: bundling.loader as Record<string, esbuild.Loader> } : {}),
    ...(typeof bundling.keepNames === 'boolean' ? { keepNames: bundling.keepNames } : {}),
    ...(string('charset') === 'utf8' ? { charset: 'utf8' as const } : {}),
    ...(string('tsconfig') ? { tsconfig: resolve(REPO_ROOT, string('tsconfig') ?? '') } : {}),
  };
}

/** The options a local build leaves out (they are listed once, so nothing is dropped silently). */
function unappliedOptions(bundling: Readonly<Record<string, unknown>>): string[] {
  return Object.keys(bundling).filter((key) => !APPLIED.has(key));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
