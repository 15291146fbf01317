/**
 * Measures live reload on this machine, as a developer meets it: the time from saving a file to
 * the new behaviour being served. `npm run measure:reload -w local [-- --runs 10]`.
 *
 * - handler: `api/src/handlers/health.ts` answers a new status; timed until `GET /health` does.
 * - web: the sign-in screen's title in `web/src/components/AuthScreens.tsx`; timed until Chromium
 *   (`CHROMIUM_PATH`, default /usr/bin/chromium) shows it, through the load balancer, without a reload.
 * - infra: the API latency alarm's threshold in `infra/src/config/monitoring.ts`; timed until the
 *   local CloudWatch judges by it. And a route added to `api/src/routes.ts`, until it answers.
 *
 * It edits those files and puts them back (also on Ctrl-C): run it on a clean working tree.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
// The browser tests' launcher: the same Chromium and flags (a script, so no workspace dependency).
import { launchChromium } from '../../e2e/src/browser.js';
import { REPO_ROOT } from '../src/assembly/index.js';
import { type LocalCloud, portSpecs, startLocalCloud } from '../src/index.js';
import { cloudwatchService } from '../src/services/cloudwatch/module.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '10' } } });
const RUNS = Number(values.runs);

const HANDLER = join(REPO_ROOT, 'api/src/handlers/health.ts');
const SCREEN = join(REPO_ROOT, 'web/src/components/AuthScreens.tsx');
const MONITORING = join(REPO_ROOT, 'infra/src/config/monitoring.ts');
const ROUTES = join(REPO_ROOT, 'api/src/routes.ts');
const originals = new Map(
  [HANDLER, SCREEN, MONITORING, ROUTES].map((file) => [file, readFileSync(file, 'utf8')]),
);

function restore(): void {
  for (const [file, text] of originals) if (readFileSync(file, 'utf8') !== text) writeFileSync(file, text);
}
process.once('SIGINT', () => {
  restore();
  process.exit(130);
});

/** Replaces one exact piece of a file's original text and saves it. */
function edit(file: string, from: string, to: string): void {
  const text = originals.get(file) ?? '';
  if (!text.includes(from)) throw new Error(`${file} no longer contains ${JSON.stringify(from)}`);
  writeFileSync(file, text.replace(from, to));
}

async function until(check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not served within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function timed(save: () => void, served: () => Promise<boolean> | boolean, timeoutMs: number) {
  const started = performance.now();
  save();
  await until(served, timeoutMs);
  return performance.now() - started;
}

const pause = () => new Promise((resolve) => setTimeout(resolve, 500));

/** The save-to-served times, and every status answered by a request loop running all along. */
async function measureHandler(cloud: LocalCloud): Promise<{ times: number[]; statuses: number[] }> {
  const times: number[] = [];
  const statuses: number[] = [];
  let measuring = true;
  const traffic = (async () => {
    while (measuring) statuses.push((await fetch(new URL('health', cloud.url('apigateway')))).status);
  })();
  for (let run = 1; run <= RUNS; run++) {
    const status = `ok-${run}`;
    times.push(
      await timed(
        () => edit(HANDLER, "status: 'ok'", `status: '${status}'`),
        async () => (await (await fetch(new URL('health', cloud.url('apigateway')))).text()).includes(status),
        10_000,
      ),
    );
    await pause();
  }
  measuring = false;
  await traffic;
  return { times, statuses };
}

async function measureWeb(cloud: LocalCloud): Promise<number[]> {
  const browser = await launchChromium();
  const times: number[] = [];
  try {
    const page = await browser.newPage();
    await page.goto(cloud.url('alb'));
    await page.locator('h1', { hasText: 'Sign in' }).waitFor();
    await page.evaluate('window.notReloaded = true');
    for (let run = 1; run <= RUNS; run++) {
      const heading = `Sign in (${run})`;
      times.push(
        await timed(
          () => edit(SCREEN, 'title="Sign in"', `title="${heading}"`),
          async () => (await page.locator('h1').first().textContent()) === heading,
          10_000,
        ),
      );
      await pause();
    }
    // The page kept its state all along: it was updated in place, never reloaded.
    if ((await page.evaluate('window.notReloaded')) !== true)
      throw new Error('the page reloaded instead of updating in place');
  } finally {
    await browser.close();
  }
  return times;
}

async function measureInfra(cloud: LocalCloud): Promise<{ threshold: number[]; route: number[] }> {
  const threshold: number[] = [];
  const latencyAlarm = () =>
    cloud
      .service(cloudwatchService)
      ?.alarmStates()
      .find((alarm) => alarm.alarmName.endsWith('-ApiLatency'));
  for (let run = 1; run <= Math.min(RUNS, 5); run++) {
    const value = 2000 + run;
    threshold.push(
      await timed(
        () => edit(MONITORING, 'const API_LATENCY_MS = 2000;', `const API_LATENCY_MS = ${value};`),
        () => latencyAlarm()?.threshold === value,
        30_000,
      ),
    );
    await pause();
  }
  const route: number[] = [];
  const versionStatus = async () => (await fetch(new URL('version', cloud.url('apigateway')))).status;
  const added = `export const ROUTES: readonly Route[] = [
  { id: 'Version', method: 'GET', path: '/version', handlerFile: 'health.ts', authorized: false, tableActions: [] },
`;
  for (let run = 1; run <= 3; run++) {
    route.push(
      await timed(
        () => edit(ROUTES, 'export const ROUTES: readonly Route[] = [\n', added),
        async () => (await versionStatus()) === 200,
        30_000,
      ),
    );
    restore();
    await until(async () => (await versionStatus()) !== 200, 30_000);
  }
  return { threshold, route };
}

function summary(name: string, times: readonly number[]): string {
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN;
  const ms = (value: number) => `${Math.round(value)} ms`;
  return `${name.padEnd(26)} median ${ms(median).padStart(8)}   range ${ms(sorted[0] ?? Number.NaN)} – ${ms(sorted.at(-1) ?? Number.NaN)}   (${times.length} saves)`;
}

const cloud = await startLocalCloud({
  watch: true,
  inMemory: true,
  ports: Object.fromEntries(portSpecs().map((p) => [p.name, 0])),
  log: (line) => {
    if (line.startsWith('[watch]')) console.log(line);
  },
});
try {
  const handler = await measureHandler(cloud);
  restore();
  const web = await measureWeb(cloud);
  restore();
  const infra = await measureInfra(cloud);
  console.log(`\nLive reload on this machine (${RUNS} saves each, infra fewer):`);
  console.log(summary('handler (save → served)', handler.times));
  const failed = handler.statuses.filter((status) => status !== 200).length;
  console.log(`  meanwhile ${handler.statuses.length} requests to GET /health: ${failed} not answered 200`);
  console.log(summary('web (save → in the page)', web));
  console.log(summary('infra: alarm threshold', infra.threshold));
  console.log(summary('infra: added route', infra.route));
} finally {
  restore();
  await cloud.stop();
}
