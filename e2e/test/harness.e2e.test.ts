/**
 * The harness itself, against a page served here: the checks the journeys rely on (screenshots
 * on disk, console errors and CSP violations caught, a clear message without Chromium) can fail.
 */
import { readFile, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from 'vitest';
import { launchChromium } from '../src/browser.js';
import { useBrowser, useForFile } from '../src/suite.js';

const PAGE = `<!doctype html><html><head><title>Harness</title></head><body>
<h1>Harness page</h1><label>Title <input id="t"></label>
<script>document.title = 'inline ran';</script>
<script src="/app.js"></script></body></html>`;

const APP_JS = `console.error('something broke on purpose');`;

function serveHarnessPage(): Promise<Server> {
  const server = createServer((req, res) => {
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

const site = useForFile(
  serveHarnessPage,
  (server) => new Promise<void>((resolve) => server.close(() => resolve())),
);
const browser = useBrowser();

test('saves numbered screenshots and reports console errors and CSP violations', async (ctx) => {
  const { port } = site.current.address() as AddressInfo;
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

test('says in one line how to install Chromium when it is missing', async () => {
  await expect(launchChromium('/nonexistent/chromium')).rejects.toThrow(
    /^Chromium not found at \/nonexistent\/chromium — install it with: apt-get install -y chromium$/,
  );
});
