/**
 * `npm run gameday`: proves every seed alarm's path on an in-memory local cloud and prints the
 * table. `--quick` runs the scenarios that need no sustained throughput (what `npm test` runs).
 */
import { parseFlags } from '../cli-flags.js';
import { LocalCloudError } from '../errors.js';
import { formatReport, passed, runGameDay } from './index.js';

/** A 60 s alarm period lasts 1.2 s: the ECS alarms' 10 minutes pass in 12 s. */
const FAST_CLOCK = 0.02;
/**
 * A 60 s period lasts 9 s: 100 units per simulated second is ~670 units per wall second, what
 * this 2-core machine's local API sustains with large tasks while other work shares it.
 */
const LOAD_CLOCK = 0.15;

const USAGE = `Usage: npm run gameday -- [--quick] [--stage <name>] [--clock <factor>] [--load-clock <factor>]
  --quick                only the scenarios that need no sustained throughput
  --stage <name>         the stage to run (default: prod, whose alarms page someone)
  --clock <factor>       alarm periods last this fraction of their time (default: ${FAST_CLOCK})
  --load-clock <factor>  the same for the capacity and latency scenarios (default: ${LOAD_CLOCK})
  -h, --help             show this help`;

interface GameDayArgs {
  readonly quick: boolean;
  readonly stage?: string;
  readonly clock: number;
  readonly loadClock: number;
  readonly help: boolean;
}

/** Parses argv; throws LocalCloudError with a one-line message on a bad flag or value. */
function parseCli(argv: readonly string[]): GameDayArgs {
  const values = parseFlags(argv, {
    quick: { type: 'boolean' },
    stage: { type: 'string' },
    clock: { type: 'string' },
    'load-clock': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  // Help answers whatever else is on the line, as `npm start -- --help` does.
  if (values.help) return { quick: false, clock: FAST_CLOCK, loadClock: LOAD_CLOCK, help: true };
  return {
    quick: values.quick ?? false,
    ...(values.stage ? { stage: values.stage } : {}),
    clock: factor('--clock', values.clock, FAST_CLOCK),
    loadClock: factor('--load-clock', values['load-clock'], LOAD_CLOCK),
    help: values.help ?? false,
  };
}

/** A clock factor flag: above 0 and at most 1. */
function factor(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (parsed > 0 && parsed <= 1) return parsed;
  throw new LocalCloudError(`${flag} needs a factor above 0 and at most 1, got "${value}".`);
}

async function main(argv: readonly string[]): Promise<number> {
  let args: GameDayArgs;
  try {
    args = parseCli(argv);
  } catch (err) {
    if (!(err instanceof LocalCloudError)) throw err;
    console.error(`${err.message}\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const { clock, loadClock, quick, stage } = args;
  console.log(
    `Game day: alarm periods last ${clock} of their template time (${loadClock} for capacity and latency).`,
  );
  const report = await runGameDay({
    clock,
    loadClock,
    quick,
    ...(stage ? { stage } : {}),
    log: (line) => console.log(line),
  });
  console.log(`\n${formatReport(report)}`);
  return passed(report) ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`Game day failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
