#!/usr/bin/env node
// The hostile-client suites, sized for a longer run than `npm test` makes: the in-process one
// (api/test/hostile-contract.test.ts) and the one through the local gateway
// (local/test/hostile-client.test.ts). `--runs N` generated cases per suite (default 2,000, as
// in `npm test`), `--seed S` (default the fixed CI seed; `random` for a new one, printed).
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';

function fail(message) {
  console.error(`hostile: ${message}`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: { runs: { type: 'string' }, seed: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  }));
} catch (error) {
  fail(`${error.message} (usage: npm run hostile -- [--runs N] [--seed S|random])`);
}
if (values.help) {
  console.log('usage: npm run hostile -- [--runs N] [--seed S|random]');
  process.exit(0);
}
const env = { ...process.env };
if (values.runs !== undefined) {
  if (!/^[1-9][0-9]*$/.test(values.runs))
    fail(`--runs must be a positive whole number, not "${values.runs}"`);
  env.HOSTILE_RUNS = values.runs;
}
if (values.seed !== undefined) {
  const seed = values.seed === 'random' ? String(Math.floor(Math.random() * 2 ** 31)) : values.seed;
  if (!/^-?[0-9]+$/.test(seed)) fail(`--seed must be a whole number or "random", not "${values.seed}"`);
  env.HOSTILE_SEED = seed;
  console.log(`hostile: seed ${seed}`);
}
const started = Date.now();
const result = spawnSync('npx', ['vitest', 'run', 'hostile-contract', 'hostile-client'], {
  stdio: 'inherit',
  env,
});
console.log(`hostile: ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(result.status ?? 1);
