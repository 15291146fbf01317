/**
 * The measurements, run one after another in this process so ratios come from the same
 * machine conditions. A measurement that cannot run becomes a "not available" row.
 */
import { measureApiLoad } from './api-load.js';
import type { BenchOptions, Measurement } from './args.js';
import { measureBundleSizes } from './bundle-size.js';
import { measureColdStart } from './cold-start.js';
import { measureNpmTest, measureStart, measureSynth } from './dev-loop.js';
import { measureDynamoCost } from './dynamo-cost.js';
import { measureBundle, measureTimeToTaskList } from './frontend.js';
import { type FunctionsFixture, prepareFunctions } from './functions.js';
import { type LocalCloudProcess, startLocalCloudProcess } from './local-cloud.js';
import { notAvailable, type Row } from './report.js';
import { measureSignInTiming } from './sign-in-timing.js';

/** How hard each mode pushes. */
const SETTINGS = {
  full: {
    connections: 50,
    durationSeconds: 10,
    coldStartRuns: 15,
    signInTries: 100,
    pageLoads: 5,
    npmTest: true,
  },
  quick: {
    connections: 10,
    durationSeconds: 2,
    coldStartRuns: 9,
    signInTries: 50,
    pageLoads: 2,
    npmTest: false,
  },
} as const;

/** Progress goes to stderr, so stdout carries only the table. */
function progress(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

/** Runs one measurement; a failure becomes a "not available" row instead of ending the run. */
async function attempt(area: string, rows: Row[], work: () => Promise<Row[]>): Promise<void> {
  try {
    rows.push(...(await work()));
  } catch (err) {
    rows.push(notAvailable(area, 'all figures', firstLine(err)));
  }
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? 'unknown error';
}

/** Runs the selected measurements and returns their rows (unchecked). */
export async function runAll(options: BenchOptions): Promise<Row[]> {
  const settings = options.quick ? SETTINGS.quick : SETTINGS.full;
  const wants = (m: Measurement): boolean => options.only.includes(m);
  const rows: Row[] = [];

  if (wants('dev-loop')) {
    progress('timing `npm run synth` and `npm start` (cold)');
    await attempt('developer loop', rows, async () => [await measureSynth(), await measureStart()]);
  }

  if (wants('bundle-size') || wants('cold-start') || wants('dynamo-cost')) {
    progress('synthesizing the dev stage and starting a local store');
    let fx: FunctionsFixture | undefined;
    try {
      fx = await prepareFunctions();
    } catch (err) {
      rows.push(notAvailable('functions', 'bundle size, cold start, DynamoDB cost', firstLine(err)));
    }
    if (fx) {
      const ready = fx;
      if (wants('bundle-size'))
        await attempt('bundle size', rows, async () => measureBundleSizes(ready.assets));
      if (wants('cold-start')) {
        progress(
          `cold start: ${settings.coldStartRuns} fresh processes per function and for an empty handler`,
        );
        await attempt('cold start', rows, () => measureColdStart(ready, settings.coldStartRuns));
      }
      if (wants('dynamo-cost')) {
        progress('DynamoDB capacity per route');
        await attempt('DynamoDB cost', rows, () => measureDynamoCost(ready));
      }
      await fx.close();
    }
  }

  if (wants('sign-in-timing')) {
    progress(
      `sign-in timing: ${settings.signInTries} failed sign-ins per kind (wrong password, unknown user) and flow`,
    );
    await attempt('sign-in timing', rows, () => measureSignInTiming(settings.signInTries));
  }

  if (wants('frontend')) {
    progress('building the web app');
    await attempt('front end', rows, measureBundle);
  }

  if (wants('api-load') || wants('frontend')) {
    progress('starting the local cloud in a child process');
    let cloud: LocalCloudProcess | undefined;
    try {
      cloud = await startLocalCloudProcess();
    } catch (err) {
      if (wants('api-load'))
        rows.push(notAvailable('API load', 'all figures (and memory)', firstLine(err), 'loadErrors'));
      if (wants('frontend'))
        rows.push(notAvailable('front end', 'time to first rendered task list', firstLine(err)));
    }
    if (cloud) {
      const running = cloud;
      try {
        if (wants('api-load')) {
          progress(
            `load: ${settings.connections} connections × ${settings.durationSeconds} s per scenario (gateway GET/POST /tasks and GET /health, store Query/PutItem)`,
          );
          await attempt('API load', rows, () => measureApiLoad(running, settings));
        }
        if (wants('frontend')) {
          progress('headless Chromium: time to the first task list');
          await attempt('front end', rows, () => measureTimeToTaskList(running, settings.pageLoads));
        }
      } finally {
        await running.stop();
      }
    }
  }

  if (wants('dev-loop') && settings.npmTest) {
    progress('timing `npm test` (takes minutes)');
    await attempt('developer loop', rows, async () => [await measureNpmTest()]);
  }
  return rows;
}
