/**
 * Strict command-line flags for the local cloud's commands (`npm start`, `npm run gameday`): each
 * refuses what it does not know the same way, in one line its own usage text follows.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { LocalCloudError } from './errors.js';

/** The flags a command takes, as `node:util`'s `parseArgs` declares them. */
export type FlagOptions = NonNullable<ParseArgsConfig['options']>;

/**
 * The values of `argv`'s flags. An unknown flag, a flag without its value or a positional argument
 * throws a {@link LocalCloudError} holding Node's message on one line, less its advice on passing a
 * value that starts with `-` (none of these commands takes one).
 */
export function parseFlags<const O extends FlagOptions>(argv: readonly string[], options: O) {
  try {
    return parseArgs({ args: [...argv], strict: true, allowPositionals: false, options }).values;
  } catch (err) {
    const lines = (err as Error).message
      .split('\n')
      .filter((line) => !line.startsWith('To specify an option argument'));
    throw new LocalCloudError(lines.join(' ') || 'Bad arguments.');
  }
}
