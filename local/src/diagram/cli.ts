/**
 * `npm run diagram`: synthesizes the dev stage of the app (as `npm start` does) and writes its
 * architecture diagram to `docs/architecture.svg`, the picture the README shows. A test fails when
 * the committed file no longer matches the app, so run this after changing the infrastructure.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { REPO_ROOT, readStageAssembly } from '../assembly/index.js';
import { DEFAULT_PROFILE_FILE } from '../index.js';
import { loadProfile } from '../profile.js';
import { ARCHITECTURE_STAGE, ARCHITECTURE_SVG, architectureSvg } from './index.js';

async function main(): Promise<void> {
  const profile = await loadProfile(DEFAULT_PROFILE_FILE);
  if (!profile.synthesize) throw new Error(`${DEFAULT_PROFILE_FILE} cannot synthesize the app.`);
  const outdir = mkdtempSync(join(tmpdir(), 'architecture-diagram-'));
  try {
    const assembly = readStageAssembly(
      await profile.synthesize({ stage: ARCHITECTURE_STAGE, outdir }),
      ARCHITECTURE_STAGE,
    );
    writeFileSync(ARCHITECTURE_SVG, await architectureSvg(assembly));
    console.log(`Wrote ${relative(REPO_ROOT, ARCHITECTURE_SVG)} (stage ${ARCHITECTURE_STAGE}).`);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

await main();
