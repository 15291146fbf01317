/**
 * Web live reload in Chromium: while the local cloud watches, the app's dev server (Vite) stands
 * in for the web container behind the local load balancer, and a saved component updates the open
 * page in place (HMR), its WebSocket going through the load balancer's URL. The dev server serves
 * a temporary copy of web/, which the test edits; the real source tree is never written.
 */
import { type AppProfile, DEFAULT_PROFILE_FILE, portSpecs, startLocalCloud } from '@tasktracker/local';
import { startedAroundTests } from '@tasktracker/local/test-hooks';
import { expect, test } from 'vitest';
import { CLOUD_START_TIMEOUT_MS } from '../src/local-cloud.js';
import { useBrowser } from '../src/suite.js';
import { WebCopy } from '../src/web-copy.js';

// The browser first: a machine without Chromium fails before a cloud is started for nothing.
const browser = useBrowser();
const web = startedAroundTests(
  'The copy of web/',
  async () => new WebCopy(),
  async (copy) => copy.remove(),
);
const cloud = startedAroundTests(
  'The local cloud',
  async () => {
    const { profile } = (await import(DEFAULT_PROFILE_FILE)) as { profile: AppProfile };
    if (!profile.devServer) throw new Error('the app profile names no dev server');
    return startLocalCloud({
      watch: true,
      inMemory: true,
      ports: Object.fromEntries(portSpecs().map((p) => [p.name, 0])),
      log: () => undefined,
      // The app's own profile (synth, functions, containers), its dev server serving the copy.
      profile: { ...profile, devServer: { ...profile.devServer, directory: web.directory } },
    });
  },
  (running) => running.stop(),
  CLOUD_START_TIMEOUT_MS,
);

test('a saved component updates the open page in place, over a WebSocket through the load balancer', async (ctx) => {
  // Arrange
  const webUrl = cloud.url('alb');
  const { page } = await browser.open(ctx, { baseURL: webUrl });
  const framesThroughLoadBalancer: string[] = [];
  page.on('websocket', (socket) => {
    if (new URL(socket.url()).host !== new URL(webUrl).host) return;
    socket.on('framereceived', (frame) => framesThroughLoadBalancer.push(String(frame.payload)));
  });
  await page.goto('/');
  await page.locator('h1', { hasText: 'Sign in' }).waitFor();
  // A full reload would lose this: it shows the page was updated in place.
  await page.evaluate('window.notReloaded = true');

  // Act
  web.edit('src/components/AuthScreens.tsx', 'title="Sign in"', 'title="Sign in (edited)"');

  // Assert
  await expect.poll(() => page.locator('h1').first().textContent()).toBe('Sign in (edited)');
  expect(await page.evaluate('window.notReloaded')).toBe(true);
  expect(framesThroughLoadBalancer.some((frame) => frame.includes('"type":"update"'))).toBe(true);
});
