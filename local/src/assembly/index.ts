/**
 * Reads the cloud assembly of one stage: every stack's template, its file assets (Lambda code
 * directories) and exports. The local cloud depends on this, never on infra internals.
 */
import { existsSync, readFileSync, rmdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { LocalCloudError } from '../errors.js';

/** One resource of a template, as CloudFormation declares it. */
export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Metadata?: Record<string, unknown>;
  readonly Condition?: string;
}

export interface Template {
  readonly Resources?: Record<string, TemplateResource>;
  readonly Outputs?: Record<string, { Value: unknown; Export?: { Name: unknown } }>;
  readonly Parameters?: Record<string, { Type: string; Default?: unknown }>;
  readonly Conditions?: Record<string, unknown>;
  readonly Mappings?: Record<string, Record<string, Record<string, unknown>>>;
}

export interface StackTemplate {
  /** The deployed stack name, e.g. `TaskTracker-dev-Api`. */
  readonly stackName: string;
  readonly region: string;
  readonly template: Template;
  /** Absolute directories of the stack's file assets, keyed by asset hash and by S3 object key. */
  readonly fileAssets: ReadonlyMap<string, string>;
}

export interface LocalAssembly {
  /** The stage's construct id, e.g. `TaskTracker-dev`. */
  readonly stageName: string;
  /** The stage's assembly folder (under the app's `cdk.out`). */
  readonly directory: string;
  readonly region: string;
  readonly stacks: readonly StackTemplate[];
}

/** A resource together with the stack that declares it. */
export interface AssemblyResource {
  readonly stack: StackTemplate;
  readonly logicalId: string;
  readonly type: string;
  readonly properties: Record<string, unknown>;
  readonly metadata: Record<string, unknown>;
}

/** The region CloudFormation would deploy an environment-agnostic stack to, locally. */
export const DEFAULT_REGION = 'us-east-1';

/** Every resource of every stack of the assembly, in template order. */
export function resourcesOf(assembly: LocalAssembly, type?: string): AssemblyResource[] {
  return assembly.stacks.flatMap((stack) =>
    Object.entries(stack.template.Resources ?? {})
      .filter(([, resource]) => type === undefined || resource.Type === type)
      .map(([logicalId, resource]) => ({
        stack,
        logicalId,
        type: resource.Type,
        properties: resource.Properties ?? {},
        metadata: resource.Metadata ?? {},
      })),
  );
}

/**
 * Finds the nested assembly of `stage` (`dev` matches `TaskTracker-dev`, or any stage whose
 * construct id ends in `-dev`) in a synthesized app and reads its stacks.
 */
export function readStageAssembly(cloudAssembly: CloudAssembly, stage: string): LocalAssembly {
  const nested = cloudAssembly.nestedAssemblies;
  const artifact =
    nested.find((a) => a.displayName === stage || a.displayName === `TaskTracker-${stage}`) ??
    nested.find((a) => a.displayName.endsWith(`-${stage}`));
  if (!artifact) {
    const known = nested.map((a) => a.displayName).join(', ') || 'none';
    throw new LocalCloudError(
      `The CDK app has no stage "${stage}" (stages: ${known}); choose one with --stage <name>.`,
    );
  }
  const assembly = artifact.nestedAssembly;
  // Stacks outside the stage (a shared image repository) may export values the stage imports.
  const stackArtifacts = [...assembly.stacks, ...cloudAssembly.stacks];
  const stacks = stackArtifacts.map((stack): StackTemplate => {
    const region = stack.environment.region.startsWith('unknown-')
      ? DEFAULT_REGION
      : stack.environment.region;
    return {
      stackName: stack.stackName,
      region,
      template: stack.template as Template,
      fileAssets: readFileAssets(dirname(stack.templateFullPath), stack.id),
    };
  });
  return {
    stageName: artifact.displayName,
    directory: assembly.directory,
    region: stacks[0]?.region ?? DEFAULT_REGION,
    stacks,
  };
}

/** Reads `<stack>.assets.json`: asset hash / object key → absolute source folder. */
function readFileAssets(directory: string, artifactId: string): Map<string, string> {
  const assets = new Map<string, string>();
  const manifestFile = join(directory, `${artifactId}.assets.json`);
  if (!existsSync(manifestFile)) return assets;
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as {
    files?: Record<
      string,
      { source: { path?: string }; destinations: Record<string, { objectKey: string }> }
    >;
  };
  for (const [hash, file] of Object.entries(manifest.files ?? {})) {
    if (file.source.path === undefined) continue;
    const path = resolve(directory, file.source.path);
    assets.set(hash, path);
    for (const destination of Object.values(file.destinations)) assets.set(destination.objectKey, path);
  }
  return assets;
}

/** The shape of infra's `buildApp`, checked at run time: the local cloud only needs the app. */
interface InfraEntry {
  buildApp(options: { outdir?: string; stages?: string[]; pipeline?: boolean; validation?: boolean }): {
    app: { synth(): CloudAssembly };
  };
}

/** The repository root (the folder holding `local/`). */
export const REPO_ROOT = resolve(dirname(new URL(import.meta.url).pathname), '../../..');

/**
 * Synthesizes the task tracker's CDK app in process (no CLI round trip) into `outdir` and reads
 * the assembly of `stage`. Lambda bundling happens here, exactly as for a deploy.
 */
export async function synthesizeStage(stage: string, outdir: string): Promise<LocalAssembly> {
  const entryFile = join(REPO_ROOT, 'infra/src/app.ts');
  if (!existsSync(entryFile))
    throw new LocalCloudError(`The CDK app is missing: ${entryFile} does not exist.`);
  const entry = (await import(pathToFileURL(entryFile).href)) as Partial<InfraEntry>;
  if (typeof entry.buildApp !== 'function')
    throw new LocalCloudError(`${entryFile} does not export buildApp().`);
  let built: ReturnType<InfraEntry['buildApp']>;
  try {
    built = entry.buildApp({ outdir, stages: [stage], pipeline: false, validation: false });
  } catch (err) {
    // The stage config refuses a name it does not know: the user's mistake, not a crash.
    const message = (err as Error).message.split('\n')[0] ?? '';
    if (/unknown stage/i.test(message)) {
      // The App created the (still empty) outdir; remove it, and only if empty.
      try {
        rmdirSync(outdir);
      } catch {
        // Not empty or already gone: leave it.
      }
      throw new LocalCloudError(`${message}; choose one with --stage <name>.`);
    }
    throw err;
  }
  return readStageAssembly(built.app.synth(), stage);
}
