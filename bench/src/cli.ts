/**
 * `npm run bench`: runs the measurements one after another in this process (so ratios
 * come from the same machine conditions), prints a markdown table with each budget,
 * writes bench/results/latest.{json,md}, and exits 1 when a budget is broken.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { type BenchOptions, parseArgs, USAGE, UsageError } from './args.js';
import { type CheckedRow, checkRows, exitCodeFor, formatTable, sortByArea } from './report.js';
import { REPO_ROOT } from './run-command.js';

const RESULTS_DIR = join(REPO_ROOT, 'bench/results');

function writeResults(
  options: BenchOptions,
  checked: readonly CheckedRow[],
  table: string,
  exitCode: number,
): void {
  const json = JSON.stringify(
    {
      date: new Date().toISOString(),
      mode: options.quick ? 'quick' : 'full',
      only: options.only,
      machine: { node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown' },
      exitCode,
      rows: checked,
    },
    null,
    2,
  );
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, 'latest.json'), `${json}\n`);
  writeFileSync(join(RESULTS_DIR, 'latest.md'), `${table}\n`);
  if (options.json) {
    const target = resolve(process.env.INIT_CWD ?? process.cwd(), options.json);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, `${json}\n`);
  }
}

/**
 * The AWS SDK warns about Node 20 once per loaded client module (the bench loads every
 * bundle): harmless here and noise around the table, so only that warning is dropped.
 */
function dropSdkNodeVersionWarning(): void {
  const printers = process.listeners('warning');
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    if (`${warning.name}: ${warning.message}`.includes('NodeVersionSupportWarning')) return;
    for (const print of printers) print(warning);
  });
}

async function main(): Promise<number> {
  dropSdkNodeVersionWarning();
  let options: BenchOptions;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`bench: ${err.message}\n`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  // Loaded after the arguments are checked, so misuse and --help answer at once.
  const { runAll } = await import('./run.js');
  const rows = await runAll(options);
  const checked = checkRows(sortByArea(rows));
  const exitCode = exitCodeFor(checked);
  const table = formatTable(checked);
  process.stdout.write(`\n${table}\n\n`);
  writeResults(options, checked, table, exitCode);
  const broken = checked.filter((r) => r.status === 'FAIL').length;
  const missing = checked.filter((r) => r.status === 'n/a').length;
  process.stderr.write(
    `bench: ${broken === 0 ? 'all budgets met' : `${broken} budget(s) broken`}${missing ? `, ${missing} figure(s) not available` : ''}; results in bench/results/latest.md\n`,
  );
  return exitCode;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`bench: ${message.split('\n')[0]}\n`);
    process.exit(1);
  },
);
