/** Mistakes a user can make are explained next to where they made them, before anything is saved. */
import { describe, expect, test } from 'vitest';
import { useLocalCloud } from '../src/local-cloud.js';
import { openSignedIn, useBrowser } from '../src/suite.js';
import { TaskTrackerApp } from '../src/task-tracker-app.js';
import { newTestUser, signUpConfirmed } from '../src/users.js';
import { VIEWPORTS } from '../src/viewports.js';

// The browser first: a machine without Chromium fails before a cloud is started for nothing.
const browser = useBrowser();
const cloud = useLocalCloud();

test('a weak password on sign-up shows the password policy message', async (ctx) => {
  const { page, shots, errors } = await browser.open(ctx, { baseURL: cloud.urls.web });
  const app = new TaskTrackerApp(page);

  await app.open();
  await app.signUp({ email: newTestUser().email, password: 'short' });
  await expect.poll(() => app.alert.textContent()).toBe('Password not long enough');
  await app.heading('Create an account').waitFor();
  await shots.take('weak password refused');

  // Cognito answers the weak password with a 400, which Chromium logs as a failed resource load.
  expect(errors.unexpected([/Failed to load resource: .*status of 400/])).toEqual([]);
});

test('an empty title shows the field error and adds nothing', async (ctx) => {
  const user = newTestUser();
  await signUpConfirmed(cloud, user);
  const { page, shots, errors, app } = await openSignedIn(browser, cloud, ctx, user);
  await app.field('Title').fill('   ');
  await app.button('Add task').click();

  const title = app.field('Title');
  await expect.poll(() => title.getAttribute('aria-invalid')).toBe('true');
  const message = page.getByText('Title is required.', { exact: true });
  await message.waitFor();
  // The error is announced with the field, and focus is on the field so the user can fix it.
  const messageId = await message.getAttribute('id');
  expect(messageId).toBeTruthy();
  expect((await title.getAttribute('aria-describedby'))?.split(' ')).toContain(messageId);
  expect(await title.and(page.locator(':focus')).count()).toBe(1);
  await shots.take('empty title refused');
  expect(await page.getByText('No tasks yet').isVisible()).toBe(true);

  expect(errors.unexpected()).toEqual([]);
});

describe.each(VIEWPORTS)('at $name width', (viewport) => {
  test(`a field error clears once the field is filled in (${viewport.name})`, async (ctx) => {
    const user = newTestUser();
    await signUpConfirmed(cloud, user);
    const { page, shots, errors, app } = await openSignedIn(browser, cloud, ctx, user, { viewport });
    const title = app.field('Title');
    await app.button('Add task').click();
    await page.getByText('Title is required.', { exact: true }).waitFor();
    await shots.take('title required');

    await title.pressSequentially('Water');
    expect(await page.getByText('Title is required.', { exact: true }).count()).toBe(0);
    expect(await title.getAttribute('aria-invalid')).toBe('false');
    // The user is still typing where they were.
    expect(await title.and(page.locator(':focus')).count()).toBe(1);
    await shots.take('error gone while typing');

    await title.pressSequentially(' the plants');
    await app.button('Add task').click();
    await app.task('Water the plants').waitFor();

    expect(errors.unexpected()).toEqual([]);
  });
});
