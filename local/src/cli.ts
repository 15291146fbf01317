/**
 * `npm start`'s entry. A second copy on the same data folder is told so at once: the folder's
 * lock is asked about before the local cloud itself (its services, the CDK app) is loaded, which
 * takes seconds. Everything else is cli-run.ts.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { LocalCloudError } from './errors.js';
import { DEFAULT_DATA_DIR, refuseIfInUse } from './lock.js';

/** The data folder the command line names, unless it runs in memory or only asks for help. */
function dataFolder(argv: readonly string[]): string | undefined {
  // Lenient here: cli-run.ts parses the flags strictly and explains a mistake with the usage.
  const { values } = parseArgs({
    args: [...argv],
    strict: false,
    options: {
      'data-dir': { type: 'string' },
      'in-memory': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values['in-memory'] || values.help) return undefined;
  return typeof values['data-dir'] === 'string' ? resolve(values['data-dir']) : DEFAULT_DATA_DIR;
}

try {
  const folder = dataFolder(process.argv.slice(2));
  if (folder !== undefined) refuseIfInUse(folder);
} catch (err) {
  if (!(err instanceof LocalCloudError)) throw err;
  console.error(`local cloud: ${err.message}`);
  process.exit(1);
}
await import('./cli-run.js');
