/**
 * The dev stage's cloud assembly, synthesized once per source revision and shared by every test
 * file: vitest runs files in separate workers, and each synth bundles six functions. The first
 * worker synthesizes into a content-addressed temp folder; the others wait for it and read the
 * templates from disk, as the local cloud does.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../src/app.js';

/** The stacks of a stage, by concern. */
export type Concern = 'Network' | 'Data' | 'Auth' | 'Api' | 'Web' | 'Monitoring';

/** The image tag the test assembly is built with. */
export const TEST_IMAGE_TAG = 'abc1234';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SOURCE_DIRS = ['infra/src', 'api/src', 'web/src/runtime-config.ts'];

function sourceFiles(path: string): string[] {
  const full = join(REPO_ROOT, path);
  if (!statSync(full).isDirectory()) return [path];
  return readdirSync(full)
    .sort()
    .flatMap((entry) => sourceFiles(join(path, entry)));
}

function sourceHash(): string {
  const hash = createHash('sha256');
  for (const file of SOURCE_DIRS.flatMap(sourceFiles))
    hash.update(file).update(readFileSync(join(REPO_ROOT, file)));
  return hash.digest('hex').slice(0, 16);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Synthesizes the dev stage unless another worker did or is doing it; resolves to the assembly folder. */
async function devAssemblyDir(): Promise<string> {
  const root = join(tmpdir(), 'tasktracker-infra-test');
  const dir = join(root, sourceHash());
  const lock = `${dir}.lock`;
  mkdirSync(root, { recursive: true });
  for (;;) {
    if (existsSync(join(dir, 'manifest.json'))) return dir;
    try {
      mkdirSync(lock);
    } catch {
      // Another worker is synthesizing; take over if it died (a synth takes seconds, not minutes).
      const lockedAt = statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now();
      if (Date.now() - lockedAt > 120_000) rmSync(lock, { recursive: true, force: true });
      await sleep(250);
      continue;
    }
    try {
      const staging = `${dir}.${process.pid}`;
      buildApp({ stages: ['dev'], validation: false, imageTag: TEST_IMAGE_TAG, outdir: staging }).app.synth();
      renameSync(staging, dir);
      pruneStaleAssemblies(root, dir);
      return dir;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

/** Removes assemblies of other source revisions built over an hour ago, so temp space does not grow. */
function pruneStaleAssemblies(root: string, keep: string): void {
  for (const entry of readdirSync(root)) {
    const path = join(root, entry);
    const stale = Date.now() - (statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > 3_600_000;
    if (path !== keep && stale && !entry.endsWith('.lock')) rmSync(path, { recursive: true, force: true });
  }
}

interface Manifest {
  readonly artifacts: Record<
    string,
    {
      readonly type: string;
      readonly displayName?: string;
      readonly properties?: { readonly templateFile?: string; readonly file?: string };
    }
  >;
}

/** The dev stage's templates, by concern. */
export interface DevAssembly {
  readonly dir: string;
  template(concern: Concern): Template;
  json(concern: Concern): TemplateJson;
}

/** A template as JSON, for the few checks that look across resources. */
export interface TemplateJson {
  readonly Resources: Record<
    string,
    {
      Type: string;
      Properties?: Record<string, unknown>;
      Metadata?: Record<string, unknown>;
      DeletionPolicy?: string;
    }
  >;
  readonly Outputs?: Record<string, { Value: unknown; Export?: { Name: string } }>;
}

let loaded: Promise<DevAssembly> | undefined;

/** Loads (synthesizing at most once across workers) the dev stage assembly. */
export function devAssembly(): Promise<DevAssembly> {
  loaded ??= devAssemblyDir().then((dir) => {
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
    const nested = Object.values(manifest.artifacts).find((a) => a.type === 'cdk:cloud-assembly');
    const stageDir = join(
      dir,
      nested?.properties?.file?.replace(/\/?manifest\.json$/, '') ?? 'assembly-TaskTracker-dev',
    );
    const stageManifest = JSON.parse(readFileSync(join(stageDir, 'manifest.json'), 'utf8')) as Manifest;
    const jsons = new Map<Concern, TemplateJson>();
    const templates = new Map<Concern, Template>();
    const json = (concern: Concern): TemplateJson => {
      let found = jsons.get(concern);
      if (!found) {
        const stack = Object.values(stageManifest.artifacts).find(
          (a) => a.type === 'aws:cloudformation:stack' && a.displayName === `TaskTracker-dev/${concern}`,
        );
        if (!stack?.properties?.templateFile) throw new Error(`no ${concern} stack in ${stageDir}`);
        found = JSON.parse(
          readFileSync(join(stageDir, stack.properties.templateFile), 'utf8'),
        ) as TemplateJson;
        jsons.set(concern, found);
      }
      return found;
    };
    const template = (concern: Concern): Template => {
      let found = templates.get(concern);
      if (!found) {
        found = Template.fromJSON(json(concern) as unknown as Record<string, unknown>, {
          skipCyclicalDependenciesCheck: true,
        });
        templates.set(concern, found);
      }
      return found;
    };
    return { dir: stageDir, template, json };
  });
  return loaded;
}

/** One stack of the dev assembly, as a test file reads it. */
export interface DevStack {
  /** The whole dev assembly, for checks that look across stacks. */
  readonly assembly: DevAssembly;
  /** The stack's template, for fine-grained assertions. */
  readonly template: Template;
  /** The same template as JSON, for checks across its resources. */
  readonly json: TemplateJson;
}

/**
 * The dev stage's `concern` stack, awaited at the top of a test file
 * (`const { template } = await devStack('Api');`): loading happens while the file is collected,
 * outside any test's or hook's timeout, and the assembly is synthesized at most once.
 */
export async function devStack(concern: Concern): Promise<DevStack> {
  const assembly = await devAssembly();
  return { assembly, template: assembly.template(concern), json: assembly.json(concern) };
}
