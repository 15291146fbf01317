/**
 * Front end: the initial JS and CSS the browser must fetch (entry script, module
 * preloads, stylesheets of the built index.html), gzip; and the time until a signed-in
 * user's task list first shows in headless Chromium, against the local cloud.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '@tasktracker/e2e/browser';
import { type Browser, chromium } from 'playwright-core';
import type { LocalCloudProcess } from './local-cloud.js';
import { notAvailable, type Row } from './report.js';
import { REPO_ROOT, runCommand } from './run-command.js';
import { median } from './stats.js';

const AREA = 'front end';
const CLIENT_DIR = join(REPO_ROOT, 'web/dist/client');
/** Every seeded task's title contains this, so the page can tell when the list shows. */
const MARKER = 'Frontend bench task';

export interface InitialAssets {
  readonly js: readonly string[];
  readonly css: readonly string[];
}

/** Scripts (module entry + modulepreload) and stylesheets an index.html loads up front. */
export function initialAssets(html: string): InitialAssets {
  const js = new Set<string>();
  const css = new Set<string>();
  for (const [tag] of html.matchAll(/<(script|link)\b[^>]*>/gi)) {
    const src = /\bsrc="([^"]+)"/i.exec(tag)?.[1];
    const href = /\bhref="([^"]+)"/i.exec(tag)?.[1];
    const rel = /\brel="([^"]+)"/i.exec(tag)?.[1]?.toLowerCase();
    if (tag.toLowerCase().startsWith('<script') && src) js.add(src);
    else if (rel === 'modulepreload' && href) js.add(href);
    else if (rel === 'stylesheet' && href) css.add(href);
  }
  return { js: [...js], css: [...css] };
}

function sizes(files: readonly string[]): { raw: number; gzip: number } {
  return files.reduce(
    (sum, file) => {
      const body = readFileSync(join(CLIENT_DIR, file.replace(/^\//, '')));
      return { raw: sum.raw + body.length, gzip: sum.gzip + gzipSync(body, { level: 9 }).length };
    },
    { raw: 0, gzip: 0 },
  );
}

/** Builds the web app and measures what index.html loads up front. */
export async function measureBundle(): Promise<Row[]> {
  const build = await runCommand('npm', ['run', 'build', '-w', 'web'], { timeoutMs: 300_000 });
  if (build.exitCode !== 0) {
    return [
      notAvailable(
        AREA,
        'initial JS (gzip)',
        `npm run build -w web failed: ${build.lastLine}`,
        'initialJsGzipKb',
      ),
    ];
  }
  const indexHtml = join(CLIENT_DIR, 'index.html');
  if (!existsSync(indexHtml)) {
    return [
      notAvailable(AREA, 'initial JS (gzip)', `${indexHtml} missing after the build`, 'initialJsGzipKb'),
    ];
  }
  const assets = initialAssets(readFileSync(indexHtml, 'utf8'));
  const js = sizes(assets.js);
  const css = sizes(assets.css);
  return [
    {
      area: AREA,
      metric: 'initial JS (gzip)',
      value: js.gzip / 1024,
      unit: 'KB',
      budget: 'initialJsGzipKb',
      note: `${assets.js.length} file(s), ${Math.round(js.raw / 1024)} KB before gzip; web build took ${build.seconds.toFixed(1)} s`,
    },
    {
      area: AREA,
      metric: 'initial CSS (gzip)',
      value: css.gzip / 1024,
      unit: 'KB',
      note: `${assets.css.length} file(s)`,
    },
  ];
}

/**
 * A script that records, in the page, the time since navigation start when a list item
 * with the marker text first appears. Installed before any page script runs. Plain text,
 * not a function: a transpiled function may reference helpers the page does not have.
 */
export function taskListWatcher(marker: string): string {
  return `(() => {
  const marker = ${JSON.stringify(marker)};
  const check = () => {
    for (const li of document.querySelectorAll('li')) {
      if (li.textContent && li.textContent.includes(marker)) {
        document.documentElement.dataset.benchListShownAt = String(performance.now());
        return true;
      }
    }
    return false;
  };
  const observer = new MutationObserver(() => {
    if (check()) observer.disconnect();
  });
  observer.observe(document, { childList: true, subtree: true, characterData: true });
})();`;
}

/** Signs a user in through the UI once, then times fresh page loads until the list shows. */
export async function measureTimeToTaskList(cloud: LocalCloudProcess, runs: number): Promise<Row[]> {
  const metric = 'time to first rendered task list';
  if (!existsSync(CHROMIUM_PATH))
    return [notAvailable(AREA, metric, `Chromium not found at ${CHROMIUM_PATH}`)];
  const user = await cloud.signIn();
  for (let i = 1; i <= 5; i++) {
    const res = await fetch(new URL('tasks', cloud.urls.api), {
      method: 'POST',
      headers: { authorization: user.idToken, 'content-type': 'application/json' },
      body: JSON.stringify({ title: `${MARKER} ${i}` }),
    });
    if (!res.ok) return [notAvailable(AREA, metric, `seeding tasks: POST /tasks answered ${res.status}`)];
  }
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
    const signIn = await browser.newContext({ baseURL: cloud.urls.web });
    const page = await signIn.newPage();
    await page.goto('/');
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password', { exact: true }).fill(user.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('listitem').filter({ hasText: MARKER }).first().waitFor({ timeout: 30_000 });
    const storageState = await signIn.storageState();
    await signIn.close();

    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      // A new context each time: empty HTTP cache, only the signed-in session carried over.
      const context = await browser.newContext({ baseURL: cloud.urls.web, storageState });
      await context.addInitScript({ content: taskListWatcher(MARKER) });
      const fresh = await context.newPage();
      await fresh.goto('/');
      // Functions, not strings: the app's CSP forbids eval, and anonymous arrows need no helpers.
      await fresh.waitForFunction(() => 'benchListShownAt' in window.document.documentElement.dataset, null, {
        timeout: 30_000,
      });
      times.push(
        Number(await fresh.evaluate(() => window.document.documentElement.dataset.benchListShownAt)),
      );
      await context.close();
    }
    return [
      {
        area: AREA,
        metric,
        value: median(times),
        unit: 'ms',
        note: `median of ${runs} loads of ${cloud.urls.web} by a signed-in user with 5 tasks, cold HTTP cache, from navigation start to the first list item in the DOM`,
      },
    ];
  } catch (err) {
    return [notAvailable(AREA, metric, (err as Error).message.split('\n')[0] ?? 'browser run failed')];
  } finally {
    await browser?.close();
  }
}
