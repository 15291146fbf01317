/**
 * The fixture app (`fixtures/app.ts`) synthesized into a folder of its own and run by the local
 * cloud, as the integration tests start it.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, readStageAssembly } from '../../src/assembly/index.js';
import type { LocalCloud, LocalCloudOptions } from '../../src/index.js';
import { buildFixtureApp } from '../fixtures/app.js';
import { startTestCloud } from './cloud.js';
import { startedAroundTests } from './hooks.js';

/** A test file's fixture cloud, readable in its hooks and tests once started. */
export interface FixtureCloud {
  readonly cloud: LocalCloud;
  /** The test's own folder: the synthesized app, and room for a test's data folders. */
  readonly outdir: string;
}

/**
 * A fresh folder named after the test, inside the repository: the fixture's functions import the
 * AWS SDK from its node_modules, as a function on Lambda's runtime finds the SDK the runtime provides.
 */
function fixtureDir(name: string): string {
  const root = join(REPO_ROOT, '.local-cloud');
  mkdirSync(root, { recursive: true });
  return mkdtempSync(join(root, `test-${name}-`));
}

/**
 * Before the tests of the file (or of the describe block it is called in), synthesizes the fixture
 * app into a fresh folder and starts its `dev` stage: in memory, on ephemeral ports, printing
 * nothing, with `options` added or overriding. After them, stops it and removes the folder.
 */
export function useFixtureCloud(
  name: string,
  options: Omit<LocalCloudOptions, 'assembly' | 'assemblyDir'> = {},
): FixtureCloud {
  return startedAroundTests(
    `The fixture cloud "${name}"`,
    async () => {
      const outdir = fixtureDir(name);
      try {
        const assembly = readStageAssembly(buildFixtureApp(outdir).app.synth(), 'dev');
        return { cloud: await startTestCloud({ ...options, assembly }), outdir };
      } catch (err) {
        rmSync(outdir, { recursive: true, force: true });
        throw err;
      }
    },
    async ({ cloud, outdir }) => {
      await cloud.stop();
      rmSync(outdir, { recursive: true, force: true });
    },
  );
}
