/**
 * Every screen of the app, at desktop and at phone width: it fits the window (no horizontal
 * scroll), the header stays on one line with "Sign out" reachable, and axe-core finds no serious
 * or critical accessibility violation. Screenshots and axe's full findings are saved per screen.
 */
import { describe, expect, test } from 'vitest';
import { listTasks, updateTask } from '../src/api-client.js';
import { textLines, withinWindowWidth } from '../src/layout.js';
import { useLocalCloud } from '../src/local-cloud.js';
import { localCodesUrl } from '../src/local-codes.js';
import { blockingViolations, ScreenAudit } from '../src/screen-audit.js';
import { useBrowser } from '../src/suite.js';
import { TaskTrackerApp } from '../src/task-tracker-app.js';
import { idTokenFor, newTestUser } from '../src/users.js';
import { VIEWPORTS } from '../src/viewports.js';

// The browser first: a machine without Chromium fails before a cloud is started for nothing.
const browser = useBrowser();
const cloud = useLocalCloud();

/** Errors this walk provokes on purpose, which Chromium logs as failed resource loads. */
const PROVOKED = [
  /Failed to load resource: .*status of 400/, // the weak password Cognito refuses
  /Failed to load resource: .*status of 409/, // the stale edit
];

describe.each(VIEWPORTS)('at $name width', (viewport) => {
  test(`every screen fits ${viewport.width} px, keeps the header on one line and has no serious axe violations`, async (ctx) => {
    const { page, shots, errors } = await browser.open(ctx, { baseURL: cloud.urls.web, viewport });
    const app = new TaskTrackerApp(page);
    const audit = new ScreenAudit({ page, shots }, viewport);
    const codesPage = localCodesUrl(cloud);
    // An address with nothing to break at: the kind that used to push the page past the window.
    const user = newTestUser('margaret_hamilton_apollo_guidance');
    const check = async (screen: string, options: { fullPage?: boolean } = {}) => {
      const report = await audit.check(screen, options);
      expect(blockingViolations(report), screen).toEqual([]);
      expect(report.fit, screen).toEqual({
        pageWidth: viewport.width,
        windowWidth: viewport.width,
        overflowing: [],
      });
    };

    await app.open();
    await app.heading('Sign in').waitFor();
    await check('sign-in');

    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await app.heading('Reset your password').waitFor();
    await check('forgot password');
    await page.getByRole('link', { name: 'Back to sign in' }).click();

    await app.signUp({ email: user.email, password: 'short' });
    await expect.poll(() => app.alert.textContent()).toBe('Password not long enough');
    await check('sign-up, password refused');

    await app.field('Password').fill(user.password);
    await app.button('Sign up').click();
    await app.heading('Confirm your email').waitFor();
    await check('confirm, with the local codes page linked');

    // On the local cloud, the code is read off the page the confirm screen links to.
    const codesLink = page.getByRole('link', { name: 'local codes page (opens in a new tab)' });
    expect(await codesLink.getAttribute('href')).toBe(codesPage);
    const [codesTab] = await Promise.all([page.waitForEvent('popup'), codesLink.click()]);
    await codesTab.getByRole('heading', { name: 'Local Cognito: confirmation codes' }).waitFor();
    const code = await codesTab
      .getByRole('row')
      .filter({ hasText: user.email })
      .first()
      .getByRole('cell')
      .nth(3)
      .textContent();
    await codesTab.close();
    await app.confirm(code ?? '');
    await app.heading('Sign in').waitFor();
    await expect.poll(() => app.notice.textContent()).toContain('Your account is confirmed');
    await check('sign-in after confirming');

    await app.signIn(user);
    await page.getByText('No tasks yet.').waitFor();
    await check('task list, empty');
    const header = page.getByRole('banner');
    const signOut = app.button('Sign out');
    expect(await textLines(header.getByText('Task tracker'))).toBe(1);
    expect(await textLines(header.getByText(user.email))).toBe(1);
    expect(await textLines(signOut)).toBe(1);
    expect(await withinWindowWidth(signOut)).toBe(true);

    await app.addTask({ title: 'Renew the passport', dueDate: '2001-04-01', notes: 'Photo booth first.' });
    await app.addTask({ title: 'Plan the offsite', notes: `Agenda: ${'a long discussion, '.repeat(30)}` });
    await app.addTask({ title: 'Order the cake', tags: ['party'] });
    await app.markDone('Order the cake');
    await expect.poll(() => app.statusOf('Order the cake')).toBe('Done');
    await check('task list, with tasks');

    await app.startEditing('Plan the offsite');
    await check('edit');
    await app.field('Title').fill('');
    await app.button('Save').click();
    await page.getByText('Title is required.').waitFor();
    await check('edit, title missing');

    const token = await idTokenFor(cloud, user);
    const offsite = (await listTasks(cloud, token)).find((t) => t.title === 'Plan the offsite');
    await updateTask(cloud, token, offsite?.id ?? '', {
      version: offsite?.version ?? 0,
      title: 'Plan the offsite in May',
    });
    await app.field('Title').fill('Plan the offsite in June');
    await app.button('Save').click();
    await expect.poll(() => app.alert.textContent()).toContain('changed since you opened it');
    await check('edit, conflict');
    await page.getByRole('link', { name: 'Cancel' }).click();
    await app.tasksLoaded();

    await app.requestDelete('Renew the passport');
    // The dialog's backdrop is fixed to the window, so the window is what is captured.
    await check('delete confirmation', { fullPage: false });
    await app.confirmDialog.getByRole('button', { name: 'Cancel' }).click();

    await signOut.click();
    await app.heading('Sign in').waitFor();

    expect(errors.unexpected(PROVOKED)).toEqual([]);
  });
});
