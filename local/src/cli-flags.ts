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
 * throws a {@link LocalCloudError} holding the first line of Node's message (the rest of it tells
 * how to pass a value that starts with `-`, which none of these commands take).
 */
export function parseFlags<const O extends FlagOptions>(argv: readonly string[], options: O) {
  try {
    return parseArgs({ args: [...argv], strict: true, allowPositionals: false, options }).values;
  } catch (err) {
    throw new LocalCloudError((err as Error).message.split('\n')[0] ?? 'Bad arguments.');
  }
}
