/**
 * The local console in Chromium: every page renders from the running cloud with no console error
 * or CSP violation, has no serious or critical axe-core finding, and works from the keyboard.
 * Screenshots of each page are saved under e2e/test-results/.
 */
import { cognitoService, portSpecs, startLocalCloud } from '@tasktracker/local';
import { startedAroundTests } from '@tasktracker/local/test-hooks';
import { describe, expect, type TestContext, test } from 'vitest';
import { CLOUD_START_TIMEOUT_MS } from '../src/local-cloud.js';
import { blockingViolations, ScreenAudit } from '../src/screen-audit.js';
import { useBrowser } from '../src/suite.js';
import { newTestUser, signUpUnconfirmed } from '../src/users.js';
import { DESKTOP } from '../src/viewports.js';

// The browser first: a machine without Chromium fails before a cloud is started for nothing.
const browser = useBrowser();
const cloud = startedAroundTests(
  'The local cloud',
  () =>
    startLocalCloud({
      inMemory: true,
      ports: Object.fromEntries(portSpecs().map((p) => [p.name, 0])),
      log: () => undefined,
      // Alarms decide in a fraction of a second, so their states settle while the test watches.
      alarmPeriodScale: 0.02,
    }),
  (running) => running.stop(),
  CLOUD_START_TIMEOUT_MS,
);

/** Calls the API's public health route, so the Lambda and API Gateway metrics have data. */
async function callHealth(times: number): Promise<void> {
  const api = cloud.url('apigateway');
  for (let i = 0; i < times; i++) {
    const response = await fetch(new URL('health', api.endsWith('/') ? api : `${api}/`));
    await response.body?.cancel();
  }
}

/** The console in a fresh page, and the check every page ends with. */
async function openConsole(ctx: TestContext) {
  const session = await browser.open(ctx, { baseURL: cloud.url('console') });
  const audit = new ScreenAudit({ page: session.page, shots: session.shots }, DESKTOP);
  /** No serious or critical axe finding on `screen`, and no console error or CSP violation so far. */
  const expectClean = async (screen: string, options?: { readonly fullPage?: boolean }) => {
    expect(blockingViolations(await audit.check(screen, options))).toEqual([]);
    expect(session.errors.unexpected()).toEqual([]);
  };
  return { ...session, expectClean };
}

describe('the local console', () => {
  test('the overview draws the architecture, marks what runs locally and lists what does not', async (ctx) => {
    const { page, expectClean } = await openConsole(ctx);

    await page.goto('/');
    const diagram = page.getByRole('img', { name: /resources by stack and the references between them/ });
    await diagram.waitFor();

    expect(await diagram.locator('g.node.emulated').count()).toBeGreaterThan(5);
    expect(await diagram.locator('g.node.not-emulated').count()).toBeGreaterThan(5);
    await expect.poll(() => page.getByRole('table').last().textContent()).toContain('AWS::EC2::VPC');
    await expectClean('overview');
  });

  test('the dashboard draws the template’s widgets with the metrics the cloud recorded', async (ctx) => {
    const { page, expectClean } = await openConsole(ctx);
    await callHealth(5);

    await page.goto('/dashboard');
    const health = page.getByRole('article', { name: 'Health Duration (avg)' });

    await expect.poll(() => health.getByRole('listitem').first().textContent()).toMatch(/Average, 300 s: \d/);
    expect(await health.locator('canvas').count()).toBe(1);
    const statuses = page.getByRole('article', { name: 'Alarms' }).getByRole('listitem');
    await expect
      .poll(() => statuses.filter({ hasText: 'TaskTracker-dev-ApiServerErrors' }).textContent())
      .toMatch(/^OK /);
    await expectClean('dashboard', { fullPage: false });
  });

  test('the alarms page lists every alarm with its state and condition', async (ctx) => {
    const { page, expectClean } = await openConsole(ctx);

    await page.goto('/alarms');
    const row = page.getByRole('row').filter({ hasText: 'TaskTracker-dev-ApiLatency' });

    await expect.poll(() => row.textContent()).toMatch(/^OK.*Latency > 2000 for 1 of 1 × 60 s/);
    await expectClean('alarms');
  });

  test('the codes page shows the code the local Cognito sent a new user', async (ctx) => {
    const { page, expectClean } = await openConsole(ctx);
    const cognito = cloud.service(cognitoService);
    const pool = cognito?.userPools()[0];
    if (!cognito || !pool) throw new Error('the app has no user pool');
    const user = newTestUser('console');
    await signUpUnconfirmed(
      {
        urls: { web: '', api: '', cognito: cloud.url('cognito') },
        userPool: { id: pool.id, clientId: pool.clientId, region: pool.region },
        confirmationCodes: () => cognito.confirmationCodes(),
      },
      user,
    );
    const code = cognito.confirmationCodes().at(-1)?.code;

    await page.goto('/codes');
    const row = page.getByRole('row').filter({ hasText: user.email });

    await expect.poll(() => row.textContent()).toContain(code);
    await expectClean('codes');
  });

  test('the logs page filters a function’s log events by level, and lists the API’s requests', async (ctx) => {
    const { page, expectClean } = await openConsole(ctx);
    await callHealth(2);
    await page.goto('/logs');
    const logs = page.getByRole('table').first();
    await expect.poll(() => logs.getByRole('row').count()).toBeGreaterThan(2);

    await page.getByLabel('Level').selectOption('INFO');
    const levels = await logs.locator('tbody td:nth-child(3)').allTextContents();

    expect(levels.length).toBeGreaterThan(0);
    expect(levels.filter((level) => ['TRACE', 'DEBUG'].includes(level))).toEqual([]);
    const requests = page.getByRole('table').last();
    expect(await requests.getByRole('row').filter({ hasText: '/health' }).first().textContent()).toMatch(
      /GET\/health200/,
    );
    await expectClean('logs');
  });

  test('a fault button makes a function throw, and its error alarm’s history shows it going to ALARM', async (ctx) => {
    const { page, errors, expectClean } = await openConsole(ctx);
    await page.goto('/alarms');
    const faults = page.getByRole('form', { name: 'Inject a fault' });
    await faults.getByLabel('Fault').selectOption('lambda-error');
    const health = (await faults.getByLabel('Target').locator('option').allTextContents()).find((name) =>
      name.includes('Health'),
    );
    if (!health) throw new Error('no Health function among the targets');
    await faults.getByLabel('Target').selectOption(health);

    await faults.getByRole('button', { name: 'Inject fault' }).click();
    await expect
      .poll(() => page.getByRole('status').textContent())
      .toBe(`Injected lambda-error on ${health}.`);
    await callHealth(3);
    const row = page
      .locator('table.alarms-table')
      .getByRole('row')
      .filter({ hasText: 'TaskTracker-dev-HealthInvocationErrors' });

    // The compressed clock brings it back to OK within seconds: its history keeps the change.
    await expect.poll(() => row.textContent(), { timeout: 15_000 }).toMatch(/OK → ALARM/);
    await row.getByText(/changes?, last/).click();
    expect(await row.getByRole('listitem').filter({ hasText: 'OK → ALARM' }).first().isVisible()).toBe(true);
    await expectClean('alarms with a fault');
    await page.getByRole('button', { name: `Clear lambda-error on ${health}` }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toBe('Fault cleared.');
    expect(errors.unexpected()).toEqual([]);
  });

  test('works from the keyboard: skip link, navigation, and the diagram’s zoom button', async (ctx) => {
    const { page, errors } = await browser.open(ctx, { baseURL: cloud.url('console') });
    await page.goto('/');

    await page.keyboard.press('Tab');
    // Strings, because this workspace compiles without the DOM library.
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate('document.activeElement?.id')).toBe('main');
    const zoom = page.getByRole('button', { name: 'Show at full size' });
    await zoom.focus();
    await page.keyboard.press('Space');
    expect(await page.getByRole('button', { name: 'Fit to the page' }).getAttribute('aria-pressed')).toBe(
      'true',
    );
    const alarms = page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Alarms' });
    await alarms.focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/alarms$/);
    expect(await alarms.getAttribute('aria-current')).toBe('page');
    expect(errors.unexpected()).toEqual([]);
  });
});
