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

/** A running fixture cloud and the folder its assembly was synthesized into. */
export interface FixtureCloud {
  readonly cloud: LocalCloud;
  /** The test's own folder: the synthesized app, and room for a test's data folders. */
  readonly outdir: string;
  /** Stops the cloud and removes the folder. */
  stop(): Promise<void>;
}

/**
 * A fresh folder named after the test, inside the repository: the fixture's functions import the
 * AWS SDK from its node_modules, as a function on Lambda's runtime finds the SDK the runtime provides.
 */
export function fixtureDir(name: string): string {
  const root = join(REPO_ROOT, '.local-cloud');
  mkdirSync(root, { recursive: true });
  return mkdtempSync(join(root, `test-${name}-`));
}

/**
 * Synthesizes the fixture app into a fresh folder and starts its `dev` stage: in memory, on
 * ephemeral ports, printing nothing; `options` adds to that or overrides it.
 */
export async function startFixtureCloud(
  name: string,
  options: Omit<LocalCloudOptions, 'assembly' | 'assemblyDir'> = {},
): Promise<FixtureCloud> {
  const outdir = fixtureDir(name);
  const assembly = readStageAssembly(buildFixtureApp(outdir).app.synth(), 'dev');
  const cloud = await startTestCloud({ ...options, assembly });
  return {
    cloud,
    outdir,
    async stop() {
      await cloud.stop();
      rmSync(outdir, { recursive: true, force: true });
    },
  };
}
