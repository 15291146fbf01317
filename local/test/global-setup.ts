/**
 * Builds the web container's app once before any test file starts: two files that start the
 * real local cloud in parallel would otherwise both see a stale build and run two builds into
 * the same dist folder.
 */
import { join } from 'node:path';
import { REPO_ROOT } from '../src/assembly/index.js';
import { buildIfStale } from '../src/services/ecs/index.js';

export default async function setup(): Promise<void> {
  await buildIfStale(join(REPO_ROOT, 'web', 'Dockerfile'), { log: (line) => console.log(line) });
}
