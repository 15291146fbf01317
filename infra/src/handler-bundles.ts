/**
 * The route functions' code. Every handler is bundled by one esbuild run, in this process, with
 * the API's deployed settings; CDK stages each function's output as its asset, hashed by content.
 * `NodejsFunction` would start esbuild once per function, each through `npx` (~0.5 s of CPU
 * apiece); one run for all of them costs ~0.1 s.
 */
import { writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { esbuildOptions, HANDLER_BUNDLING } from '@tasktracker/api/bundling';
import { handlerEntry, ROUTES } from '@tasktracker/api/routes';
import { AssetHashType, type BundlingOptions, type ILocalBundling } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import { buildSync, type OutputFile } from 'esbuild';

/** The Lambda runtime every route function runs on; its Node.js is the bundles' target. */
export const HANDLER_RUNTIME = lambda.Runtime.NODEJS_24_X;

/** The module every bundle is written to. */
const BUNDLE_FILE = 'index.mjs';
/** The handler string of every route function: `handler`, exported by the bundle's module. */
export const HANDLER = 'index.handler';

/**
 * The bundling, written as `NodejsFunction`'s options: the form the local cloud reads from each
 * function's metadata to rebuild it on save. Source maps without sources: readable stack traces
 * (`--enable-source-maps`) without shipping the code twice.
 */
export const HANDLER_BUNDLING_OPTIONS = {
  format: nodejs.OutputFormat.ESM,
  target: HANDLER_BUNDLING.target,
  mainFields: [...HANDLER_BUNDLING.mainFields],
  minify: HANDLER_BUNDLING.minify,
  externalModules: [...HANDLER_BUNDLING.externalModules],
  sourceMap: true,
  sourcesContent: false,
  logLevel: nodejs.LogLevel.ERROR,
} satisfies nodejs.BundlingOptions;

/** The output folder of a build's `index`-th entry (each gets one, holding its `index.mjs`). */
const outputName = (index: number) => `handler-${index}`;

/**
 * Bundles `entries` in one esbuild run. Output paths are computed as if in folders beside the ones
 * CDK bundles into (`<assembly>/bundling-temp-…`), so each source map's relative `sources`, and with
 * them the asset hashes, are what a `NodejsFunction` of the same settings produced.
 */
function bundleTogether(entries: readonly string[], assemblyDir: string): Map<string, readonly OutputFile[]> {
  const result = buildSync({
    ...esbuildOptions(),
    entryPoints: Object.fromEntries(entries.map((entry, i) => [`${outputName(i)}/index`, entry])),
    outdir: assemblyDir,
    outExtension: { '.js': '.mjs' },
    sourcemap: HANDLER_BUNDLING_OPTIONS.sourceMap,
    sourcesContent: HANDLER_BUNDLING_OPTIONS.sourcesContent,
    write: false,
  });
  return new Map(
    entries.map((entry, i) => {
      const folder = join(assemblyDir, outputName(i));
      return [entry, result.outputFiles.filter((file) => dirname(file.path) === folder)];
    }),
  );
}

/**
 * Bundles not yet handed out, by assembly folder, then by entry. The first function staged in an
 * assembly bundles every route's handler; each bundle is handed out once, so a later synth into
 * the same folder (after CDK's asset cache is cleared) bundles the sources as they are then.
 */
const pending = new Map<string, Map<string, readonly OutputFile[]>>();

function takeBundle(entry: string, assemblyDir: string): readonly OutputFile[] {
  let bundles = pending.get(assemblyDir);
  if (!bundles?.has(entry)) {
    const routeEntries = ROUTES.map(handlerEntry);
    bundles = bundleTogether(routeEntries.includes(entry) ? routeEntries : [entry], assemblyDir);
    pending.set(assemblyDir, bundles);
  }
  const files = bundles.get(entry) ?? [];
  bundles.delete(entry);
  if (bundles.size === 0) pending.delete(assemblyDir);
  if (!files.some((file) => basename(file.path) === BUNDLE_FILE)) {
    throw new Error(`bundling ${entry} produced no ${BUNDLE_FILE}`);
  }
  return files;
}

/** CDK's local bundling step for one handler: writes its bundle from the shared build. */
class SharedBuildBundling implements ILocalBundling {
  /** @param entry the handler's source file (CDK's asset cache key serializes it). */
  constructor(readonly entry: string) {}

  tryBundle(outputDir: string): boolean {
    for (const file of takeBundle(this.entry, dirname(outputDir))) {
      writeFileSync(join(outputDir, basename(file.path)), file.contents);
    }
    return true;
  }
}

/**
 * A route function's code: `entry` bundled with the deployed settings, staged by CDK as an asset
 * named by the hash of the bundle (so an unchanged bundle is never uploaded again). Honours CDK's
 * `aws:cdk:bundling-stacks` context like any bundled asset: the tests and the watching local cloud
 * skip it.
 */
export function handlerCode(entry: string): lambda.Code {
  const bundling: BundlingOptions = {
    // Never used: the local step above bundles or throws (esbuild's errors name file and line).
    image: HANDLER_RUNTIME.bundlingImage,
    local: new SharedBuildBundling(entry),
  };
  return lambda.Code.fromAsset(dirname(entry), { assetHashType: AssetHashType.OUTPUT, bundling });
}
