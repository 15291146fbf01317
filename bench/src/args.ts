/** Command-line flags of `npm run bench`. */

export const MEASUREMENTS = [
  'cold-start',
  'bundle-size',
  'api-load',
  'dynamo-cost',
  'sign-in-timing',
  'frontend',
  'dev-loop',
] as const;
export type Measurement = (typeof MEASUREMENTS)[number];

export interface BenchOptions {
  /** Shorter loads and fewer repetitions; skips the `npm test` total. */
  readonly quick: boolean;
  /** Measurements to run, in the order of MEASUREMENTS. */
  readonly only: readonly Measurement[];
  /** Extra copy of the JSON results. */
  readonly json?: string;
  readonly help: boolean;
}

/** A user mistake on the command line: printed as one line, exit code 2. */
export class UsageError extends Error {}

export const USAGE = `usage: npm run bench -- [--quick] [--only ${MEASUREMENTS.join(',')}] [--json <file>]
  --quick        2 s loads with 10 connections, 9 cold-start runs, 50 sign-in tries, no \`npm test\` total
  --only a,b     run only these measurements (memory is measured during api-load)
  --json <file>  also write the results as JSON to <file>`;

/** Parses argv (without node and script); throws UsageError on a bad flag or value. */
export function parseArgs(argv: readonly string[]): BenchOptions {
  let quick = false;
  let help = false;
  let only: Measurement[] = [...MEASUREMENTS];
  let json: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? splitOnce(arg, '=') : [arg, undefined];
    switch (flag) {
      case '--quick':
        if (inline !== undefined) throw new UsageError('--quick takes no value');
        quick = true;
        break;
      case '--help':
      case '-h':
        help = true;
        break;
      case '--only': {
        const value = inline ?? argv[++i];
        only = parseOnly(value);
        break;
      }
      case '--json': {
        const value = inline ?? argv[++i];
        if (value === undefined || value === '' || value.startsWith('--')) {
          throw new UsageError('--json needs a file path');
        }
        json = value;
        break;
      }
      default:
        throw new UsageError(`unknown argument '${arg}' (try --help)`);
    }
  }
  return { quick, only, json, help };
}

function splitOnce(text: string, sep: string): [string, string] {
  const at = text.indexOf(sep);
  return [text.slice(0, at), text.slice(at + 1)];
}

function parseOnly(value: string | undefined): Measurement[] {
  if (value === undefined || value === '' || value.startsWith('--')) {
    throw new UsageError(`--only needs a list of: ${MEASUREMENTS.join(', ')}`);
  }
  const names = value.split(',').map((n) => n.trim());
  for (const name of names) {
    if (!isMeasurement(name)) {
      throw new UsageError(`unknown measurement '${name}' (expected one of: ${MEASUREMENTS.join(', ')})`);
    }
  }
  return MEASUREMENTS.filter((m) => names.includes(m));
}

function isMeasurement(name: string): name is Measurement {
  return (MEASUREMENTS as readonly string[]).includes(name);
}
