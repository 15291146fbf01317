/**
 * The files a module imports, transitively, down to the packages in node_modules: what the
 * infrastructure's synth reads (the app profile, the CDK app, what it imports from other
 * workspaces), so a save to any of them re-synthesizes. esbuild walks the graph; nothing is written.
 */
import { builtinModules } from 'node:module';
import { resolve } from 'node:path';
import * as esbuild from 'esbuild';
import { REPO_ROOT } from '../assembly/index.js';

export interface ImportGraph {
  /** Absolute paths of the repository's own files in the graph, the entry included. */
  readonly files: readonly string[];
  /** The packages it imports from node_modules (`aws-cdk-lib/aws-lambda`): worth loading early. */
  readonly packages: readonly string[];
}

const OWN_RESOLVE = Symbol('own resolve');

export async function importGraph(entry: string): Promise<ImportGraph> {
  const packages = new Set<string>();
  const result = await esbuild.build({
    entryPoints: [entry],
    absWorkingDir: REPO_ROOT,
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    logLevel: 'silent',
    plugins: [
      {
        name: 'packages-stay-outside',
        setup(build) {
          build.onResolve({ filter: /^[^./]/ }, async (args) => {
            if (args.pluginData === OWN_RESOLVE) return undefined;
            const bare = args.path.replace(/^node:/, '');
            if (builtinModules.includes(bare.split('/')[0] ?? '')) return { path: args.path, external: true };
            const resolved = await build.resolve(args.path, {
              kind: args.kind,
              resolveDir: args.resolveDir,
              importer: args.importer,
              pluginData: OWN_RESOLVE,
            });
            // A workspace package resolves (through its symlink) into the repository: part of the graph.
            if (
              resolved.errors.length === 0 &&
              !resolved.external &&
              !resolved.path.includes('/node_modules/')
            )
              return resolved;
            packages.add(args.path);
            return { path: args.path, external: true };
          });
        },
      },
    ],
  });
  return {
    files: Object.keys(result.metafile.inputs).map((input) => resolve(REPO_ROOT, input)),
    packages: [...packages].sort(),
  };
}
