/**
 * The README's architecture picture (`docs/architecture.svg`) is generated from the app; this
 * fails when the committed file no longer matches the current app, so the picture cannot drift.
 */
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ARCHITECTURE_STAGE, ARCHITECTURE_SVG, architectureSvgOfDirectory } from '@tasktracker/local/diagram';
import { describe, expect, it } from 'vitest';
import { devAssembly } from './support/assembly.js';

describe('docs/architecture.svg', () => {
  it('is the diagram of the current dev stage (run `npm run diagram` after changing the infrastructure)', async () => {
    // Arrange: the dev stage every infra test reads (its folder holds the whole app's assembly).
    const dev = await devAssembly();
    const committed = readFileSync(ARCHITECTURE_SVG, 'utf8');

    // Act
    const fresh = await architectureSvgOfDirectory(dirname(dev.dir), ARCHITECTURE_STAGE);

    // Assert
    expect(committed === fresh, 'docs/architecture.svg is stale: run `npm run diagram` and commit it').toBe(
      true,
    );
  });
});
