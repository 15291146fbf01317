/**
 * The synthesized cloud assembly, as the bench needs it: which bundled asset belongs to
 * which route's function. Read from the templates (`Metadata['aws:asset:path']`), the
 * same source the local cloud reads.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROUTES } from '@tasktracker/api/routes';
import { REPO_ROOT } from './run-command.js';

/** Lambda's memory when a function does not set one. */
const LAMBDA_DEFAULT_MEMORY_MB = 128;

/** One route's deployed function. */
export interface FunctionAsset {
  readonly routeId: string;
  readonly logicalId: string;
  /** Absolute path of the asset folder. */
  readonly dir: string;
  /** Absolute path of the module the handler string points to. */
  readonly entry: string;
  /** Export name from the handler string (`index.handler` → `handler`). */
  readonly exportName: string;
  /** Environment variables whose values are plain strings in the template. */
  readonly environment: Readonly<Record<string, string>>;
  /** `MemorySize` in MB (Lambda's default, 128, when the template leaves it out). */
  readonly memoryMb: number;
}

interface TemplateResource {
  readonly Type?: string;
  readonly Properties?: {
    readonly Handler?: string;
    readonly MemorySize?: unknown;
    readonly Code?: { readonly S3Key?: unknown };
    readonly Environment?: { readonly Variables?: Record<string, unknown> };
  };
  readonly Metadata?: Record<string, unknown>;
}

/** What the bench needs of infra's `buildApp`, checked when loaded (as the local cloud does). */
interface InfraEntry {
  buildApp(options: { outdir: string; stages: string[]; pipeline: boolean; validation: boolean }): {
    app: { synth(): unknown };
  };
}

/** Synthesizes the dev stage (no pipeline, no validation) into `outdir`, in this process. */
export async function synthesizeDev(outdir: string): Promise<void> {
  const entryFile = join(REPO_ROOT, 'infra/src/app.ts');
  if (!existsSync(entryFile)) throw new Error(`the CDK app is missing: ${entryFile}`);
  // Loaded by path and on demand: only the measurements that read assets need the CDK app.
  const entry = (await import(pathToFileURL(entryFile).href)) as Partial<InfraEntry>;
  if (typeof entry.buildApp !== 'function') throw new Error(`${entryFile} does not export buildApp()`);
  entry.buildApp({ outdir, stages: ['dev'], pipeline: false, validation: false }).app.synth();
}

function templateFiles(outdir: string): string[] {
  const dirs = [
    outdir,
    ...readdirSync(outdir)
      .filter((d) => d.startsWith('assembly-'))
      .map((d) => join(outdir, d)),
  ];
  return dirs.flatMap((dir) =>
    statSync(dir).isDirectory()
      ? readdirSync(dir)
          .filter((f) => f.endsWith('.template.json'))
          .map((f) => join(dir, f))
      : [],
  );
}

/** The route a function's logical id belongs to: the longest route id it contains. */
export function routeIdOf(logicalId: string, routeIds: readonly string[]): string | undefined {
  return [...routeIds].sort((a, b) => b.length - a.length).find((id) => logicalId.includes(id));
}

interface AssetManifest {
  readonly files?: Record<
    string,
    {
      readonly source: { readonly path?: string };
      readonly destinations: Record<string, { readonly objectKey: string }>;
    }
  >;
}

/** Asset folders by the S3 object key they deploy to, from a stack's `<stack>.assets.json`. */
function assetDirsByObjectKey(templateFile: string): Map<string, string> {
  const dirs = new Map<string, string>();
  const manifestFile = templateFile.replace(/\.template\.json$/, '.assets.json');
  if (!existsSync(manifestFile)) return dirs;
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as AssetManifest;
  for (const file of Object.values(manifest.files ?? {})) {
    if (file.source.path === undefined) continue;
    const dir = join(manifestFile, '..', file.source.path);
    for (const destination of Object.values(file.destinations)) dirs.set(destination.objectKey, dir);
  }
  return dirs;
}

/**
 * The asset folder of a function: `Metadata['aws:asset:path']` when the CLI synthesized it,
 * else the asset manifest entry its `Code.S3Key` deploys to (an in-process synth).
 */
function assetDirOf(
  templateFile: string,
  resource: TemplateResource,
  byKey: Map<string, string>,
): string | undefined {
  const assetPath = resource.Metadata?.['aws:asset:path'];
  if (typeof assetPath === 'string') return join(templateFile, '..', assetPath);
  const key = resource.Properties?.Code?.S3Key;
  return typeof key === 'string' ? byKey.get(key) : undefined;
}

/** Every route function in the assembly at `outdir`, in ROUTES order. */
export function functionAssets(outdir: string): FunctionAsset[] {
  const found = new Map<string, FunctionAsset>();
  const routeIds = ROUTES.map((r) => r.id);
  for (const file of templateFiles(outdir)) {
    const template = JSON.parse(readFileSync(file, 'utf8')) as {
      Resources?: Record<string, TemplateResource>;
    };
    const byKey = assetDirsByObjectKey(file);
    for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
      if (resource.Type !== 'AWS::Lambda::Function') continue;
      const routeId = routeIdOf(logicalId, routeIds);
      if (routeId === undefined || found.has(routeId)) continue;
      const dir = assetDirOf(file, resource, byKey);
      if (dir === undefined) continue;
      const [moduleName = 'index', exportName = 'handler'] = (
        resource.Properties?.Handler ?? 'index.handler'
      ).split('.');
      const entry = ['.mjs', '.js', '.cjs']
        .map((ext) => join(dir, moduleName + ext))
        .find((f) => existsSync(f));
      if (entry === undefined) continue;
      const variables = resource.Properties?.Environment?.Variables ?? {};
      const environment = Object.fromEntries(
        Object.entries(variables).filter((e): e is [string, string] => typeof e[1] === 'string'),
      );
      const memory = resource.Properties?.MemorySize;
      const memoryMb = typeof memory === 'number' ? memory : LAMBDA_DEFAULT_MEMORY_MB;
      found.set(routeId, { routeId, logicalId, dir, entry, exportName, environment, memoryMb });
    }
  }
  return routeIds.flatMap((id) => {
    const asset = found.get(id);
    return asset ? [asset] : [];
  });
}
