/**
 * Reads the cloud assembly of one stage: every stack's template, its file assets (Lambda code
 * directories) and exports. The local cloud depends on this, never on infra internals.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CloudAssembly, type CloudFormationStackArtifact } from 'aws-cdk-lib/cx-api';
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
  /** The account the stage names (`env.account`); undefined for an environment-agnostic stack. */
  readonly account?: string;
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
      .map(([logicalId, resource]) => assemblyResource(stack, logicalId, resource)),
  );
}

/**
 * The resource of `type` that `resource`'s property `{ Ref: <logicalId> }` names in its own stack
 * (a subscription's topic, a listener's load balancer); undefined when the property is no such Ref.
 */
export function referencedResource(
  resource: AssemblyResource,
  property: string,
  type: string,
): AssemblyResource | undefined {
  const ref = (resource.properties[property] as { Ref?: unknown } | undefined)?.Ref;
  const resources = resource.stack.template.Resources ?? {};
  if (typeof ref !== 'string' || !Object.hasOwn(resources, ref)) return undefined;
  const target = resources[ref];
  return target?.Type === type ? assemblyResource(resource.stack, ref, target) : undefined;
}

function assemblyResource(
  stack: StackTemplate,
  logicalId: string,
  resource: TemplateResource,
): AssemblyResource {
  return {
    stack,
    logicalId,
    type: resource.Type,
    properties: resource.Properties ?? {},
    metadata: resource.Metadata ?? {},
  };
}

/**
 * Reads the stage `stage` of a synthesized app: the nested assembly (a CDK `Stage`) named `stage`
 * or ending in `-<stage>` (`dev` matches `TaskTracker-dev`). An app without stages is one stage:
 * its top-level stacks.
 */
export function readStageAssembly(cloudAssembly: CloudAssembly, stage: string): LocalAssembly {
  const nested = cloudAssembly.nestedAssemblies;
  if (nested.length === 0) {
    if (cloudAssembly.stacks.length === 0)
      throw new LocalCloudError(`The cloud assembly ${cloudAssembly.directory} holds no stacks to run.`);
    return stageOf(cloudAssembly.directory, cloudAssembly.directory, cloudAssembly.stacks);
  }
  const artifact =
    nested.find((a) => a.displayName === stage) ?? nested.find((a) => a.displayName.endsWith(`-${stage}`));
  if (!artifact) {
    const known = nested.map((a) => a.displayName).join(', ');
    throw new LocalCloudError(
      `The cloud assembly has no stage "${stage}" (stages: ${known}); choose one with --stage <name>.`,
    );
  }
  const assembly = artifact.nestedAssembly;
  // Stacks outside the stage (a shared image repository) may export values the stage imports.
  return stageOf(artifact.displayName, assembly.directory, [...assembly.stacks, ...cloudAssembly.stacks]);
}

function stageOf(
  stageName: string,
  directory: string,
  stackArtifacts: readonly CloudFormationStackArtifact[],
): LocalAssembly {
  const stacks = stackArtifacts.map((stack): StackTemplate => {
    const region = stack.environment.region.startsWith('unknown-')
      ? DEFAULT_REGION
      : stack.environment.region;
    const { account } = stack.environment;
    return {
      stackName: stack.stackName,
      region,
      ...(account.startsWith('unknown-') ? {} : { account }),
      template: stack.template as Template,
      fileAssets: readFileAssets(dirname(stack.templateFullPath), stack.id),
    };
  });
  return { stageName, directory, region: stacks[0]?.region ?? DEFAULT_REGION, stacks };
}

/** Whether a manifest file is JSON with a string `version`, as every cloud assembly's is. */
function hasManifestVersion(file: string): boolean {
  try {
    const manifest: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return typeof (manifest as { version?: unknown } | null)?.version === 'string';
  } catch {
    return false;
  }
}

/**
 * Reads an already synthesized cloud assembly folder (what `cdk synth` writes to `cdk.out`) and
 * the stage `stage` in it; a folder that is not an assembly is a one-line error.
 */
export function readAssemblyDirectory(directory: string, stage: string): LocalAssembly {
  const folder = resolve(directory);
  if (!existsSync(folder) || !statSync(folder).isDirectory())
    throw new LocalCloudError(`--assembly ${directory}: no such folder.`);
  if (!existsSync(join(folder, 'manifest.json')))
    throw new LocalCloudError(
      `--assembly ${directory} is not a cloud assembly (it has no manifest.json); pass the folder \`cdk synth\` writes, e.g. cdk.out.`,
    );
  if (!hasManifestVersion(join(folder, 'manifest.json')))
    throw new LocalCloudError(
      `--assembly ${directory} is not a cloud assembly: its manifest.json has no "version" (\`cdk synth\` writes one).`,
    );
  let cloudAssembly: CloudAssembly;
  try {
    cloudAssembly = new CloudAssembly(folder);
  } catch (err) {
    throw new LocalCloudError(
      `--assembly ${directory} cannot be read as a cloud assembly: ${(err as Error).message.split('\n')[0]}`,
    );
  }
  return readStageAssembly(cloudAssembly, stage);
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

/** The repository root (the folder holding `local/`). */
export const REPO_ROOT = resolve(dirname(new URL(import.meta.url).pathname), '../../..');
