/**
 * The harness itself, against a page served here: the checks the journeys rely on (screenshots
 * on disk, console errors and CSP violations caught, a clear message without Chromium) can fail.
 */
import { readFile, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startedAroundTests } from '@tasktracker/local/test-hooks';
import { expect, test } from 'vitest';
import { runAxe } from '../src/accessibility.js';
import { launchChromium } from '../src/browser.js';
import { useBrowser } from '../src/suite.js';

const PAGE = `<!doctype html><html><head><title>Harness</title></head><body>
<h1>Harness page</h1><label>Title <input id="t"></label>
<script>document.title = 'inline ran';</script>
<script src="/app.js"></script></body></html>`;

const APP_JS = `console.error('something broke on purpose');`;

/** Three faults axe must find: an image without alt text, a button without a name, grey on white. */
const INACCESSIBLE_PAGE = `<!doctype html><html lang="en"><head><title>Inaccessible</title></head><body><main>
<h1>Inaccessible page</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><button></button>
<p style="color:#bbb;background:#fff">hard to read</p></main></body></html>`;

function serveHarnessPage(): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url === '/inaccessible') {
      res
        .writeHead(200, { 'content-type': 'text/html', 'content-security-policy': "script-src 'self'" })
        .end(INACCESSIBLE_PAGE);
      return;
    }
    if (req.url === '/app.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(APP_JS);
      return;
    }
    // A CSP like the web app's: scripts only from this origin, so the inline script is a violation.
    res
      .writeHead(200, { 'content-type': 'text/html', 'content-security-policy': "script-src 'self'" })
      .end(PAGE);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const site = startedAroundTests(
  'The harness page',
  serveHarnessPage,
  (server) => new Promise<void>((resolve) => server.close(() => resolve())),
);
const browser = useBrowser();

test('saves numbered screenshots and reports console errors and CSP violations', async (ctx) => {
  const { port } = site.address() as AddressInfo;
  const { page, shots, errors } = await browser.open(ctx, { baseURL: `http://127.0.0.1:${port}` });

  await page.goto('/');
  await page.getByLabel('Title').fill('hello');
  const file = await shots.take('Harness page loaded');

  expect(file).toMatch(/01-harness-page-loaded\.png$/);
  const png = await readFile(file);
  expect(png.subarray(1, 4).toString()).toBe('PNG');
  expect((await stat(file)).size).toBeGreaterThan(1000);
  expect(await page.title()).toBe('Harness');
  await expect
    .poll(() => errors.unexpected())
    .toEqual(
      expect.arrayContaining([
        'console: something broke on purpose',
        expect.stringMatching(/^console: CSP violation: script-src/),
      ]),
    );
  expect(errors.unexpected([/./])).toEqual([]);
});

test('axe-core runs under a strict CSP and reports what fails a screen', async (ctx) => {
  const { port } = site.address() as AddressInfo;
  const { page, errors } = await browser.open(ctx, { baseURL: `http://127.0.0.1:${port}` });

  await page.goto('/inaccessible');
  const { violations, passedRules } = await runAxe(page);

  expect(violations.map((v) => [v.id, v.impact])).toEqual([
    ['button-name', 'critical'],
    ['color-contrast', 'serious'],
    ['image-alt', 'critical'],
  ]);
  expect(violations.find((v) => v.id === 'image-alt')?.targets).toEqual(['img']);
  expect(passedRules).toBeGreaterThan(0);
  // Injected through the DevTools protocol: the page's CSP saw nothing to block.
  expect(errors.unexpected()).toEqual([]);
});

test('says in one line how to install Chromium when it is missing', async () => {
  await expect(launchChromium('/nonexistent/chromium')).rejects.toThrow(
    /^Chromium not found at \/nonexistent\/chromium — install it with: apt-get install -y chromium$/,
  );
});
