import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { esbuildOptions } from '@tasktracker/api/bundling';
import { handlerEntry, ROUTES } from '@tasktracker/api/routes';
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { buildSync } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { HANDLER, HANDLER_BUNDLING_OPTIONS, HANDLER_RUNTIME, handlerCode } from '../src/handler-bundles.js';
import { devStack } from './support/assembly.js';
import { NO_BUNDLING } from './support/synth.js';

const { assembly, template } = await devStack('Api');

const scratch = mkdtempSync(join(tmpdir(), 'handler-bundles-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Asset folders of the dev stage by the S3 object key they deploy to (its `*.assets.json`). */
function assetDirsByObjectKey(): Map<string, string> {
  const dirs = new Map<string, string>();
  for (const file of readdirSync(assembly.dir).filter((name) => name.endsWith('.assets.json'))) {
    const manifest = JSON.parse(readFileSync(join(assembly.dir, file), 'utf8')) as {
      files: Record<
        string,
        { source: { path: string }; destinations: Record<string, { objectKey: string }> }
      >;
    };
    for (const asset of Object.values(manifest.files)) {
      for (const destination of Object.values(asset.destinations)) {
        dirs.set(destination.objectKey, join(assembly.dir, asset.source.path));
      }
    }
  }
  return dirs;
}

/** The bundle of one entry built on its own, with the deployed settings. */
function bundledAlone(entry: string): string {
  const result = buildSync({
    ...esbuildOptions(),
    entryPoints: [entry],
    outfile: join(scratch, 'alone', 'index.mjs'),
    sourcemap: HANDLER_BUNDLING_OPTIONS.sourceMap,
    sourcesContent: HANDLER_BUNDLING_OPTIONS.sourcesContent,
    write: false,
  });
  const code = result.outputFiles.find((file) => file.path.endsWith('index.mjs'));
  if (!code) throw new Error(`esbuild wrote no index.mjs for ${entry}`);
  return code.text;
}

/** A stack in its own app and assembly folder, with `context`. */
function stackIn(context: Record<string, unknown>): Stack {
  const app = new App({ outdir: mkdtempSync(join(scratch, 'cdk.out-')), context });
  return new Stack(app, 'Test');
}

/** A handler file that esbuild cannot parse (line 2). */
function brokenHandler(): string {
  const file = join(mkdtempSync(join(scratch, 'src-')), 'broken.ts');
  writeFileSync(file, 'export const handler = async () => {\n  return (;\n};\n');
  return file;
}

/** A function in `stack` whose code is the handler at `entry`, bundled as infra bundles the routes. */
function functionOf(stack: Stack, id: string, entry: string): lambda.Function {
  return new lambda.Function(stack, id, {
    code: handlerCode(entry),
    handler: HANDLER,
    runtime: HANDLER_RUNTIME,
  });
}

describe('handler bundles', () => {
  it.each(ROUTES.map((route) => [route.id, route] as const))(
    "%s deploys its own handler's bundle, byte for byte what a build of it alone produces",
    (_id, route) => {
      // Arrange
      const functions = template.findResources('AWS::Lambda::Function', {
        Properties: { Description: `${route.method} ${route.path}` },
      });
      const objectKeys = Object.values(functions).map(
        (fn) => (fn.Properties as { Code: { S3Key: string } }).Code.S3Key,
      );
      const assetDir = assetDirsByObjectKey().get(objectKeys[0] ?? '(no function for the route)');
      // Act
      const deployed = readFileSync(join(assetDir ?? '(no asset for the function)', 'index.mjs'), 'utf8');
      // Assert
      expect(deployed).toBe(bundledAlone(handlerEntry(route)));
    },
  );

  it('fails the synth with esbuild’s file and line when a handler does not build', () => {
    // Arrange
    const stack = stackIn({});
    const entry = brokenHandler();
    // Act
    const build = () => functionOf(stack, 'Broken', entry);
    // Assert
    expect(build).toThrow(/broken\.ts:2:/);
  });

  it('builds nothing when CDK context skips bundling the stack', () => {
    // Arrange: an entry that cannot build, so a build would throw.
    const stack = stackIn(NO_BUNDLING);
    const entry = brokenHandler();
    // Act
    const build = () => functionOf(stack, 'Skipped', entry);
    // Assert
    expect(build).not.toThrow();
  });
});
