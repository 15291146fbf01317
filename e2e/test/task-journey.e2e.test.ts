/**
 * The whole journey of a new user in a real browser against the local cloud: sign up, confirm
 * with the emailed code, sign in, add, edit, complete, filter and delete tasks, sign out.
 */
import { expect, test } from 'vitest';
import { useLocalCloud } from '../src/local-cloud.js';
import { useBrowser } from '../src/suite.js';
import { TaskTrackerApp } from '../src/task-tracker-app.js';
import { confirmationCodeFor, newTestUser, signUpUnconfirmed } from '../src/users.js';

// The browser first: a machine without Chromium fails before a cloud is started for nothing.
const browser = useBrowser();
const cloud = useLocalCloud();

test('a new user signs up, confirms, signs in, manages tasks and signs out', async (ctx) => {
  const { page, shots, errors } = await browser.open(ctx, { baseURL: cloud.urls.web });
  const app = new TaskTrackerApp(page);
  const user = newTestUser();

  await app.open();
  await app.heading('Sign in').waitFor();
  await shots.take('sign-in screen');

  await app.signUp(user);
  await app.heading('Confirm your email').waitFor();
  expect(await app.field('Email').inputValue()).toBe(user.email);
  await shots.take('confirmation code asked');

  await app.confirm(confirmationCodeFor(cloud, user.email));
  await app.heading('Sign in').waitFor();
  await expect.poll(() => app.notice.textContent()).toContain('Your account is confirmed');
  await shots.take('account confirmed');

  await app.signIn(user);
  await page.getByText('No tasks yet').waitFor();
  expect(await page.getByRole('banner').textContent()).toContain(user.email);
  await shots.take('signed in with no tasks');

  await app.addTask({ title: 'Write the release notes', dueDate: '2030-03-01', tags: ['docs', 'release'] });
  await app.addTask({ title: 'Book the venue' });
  await app.addTask({ title: 'Order the cake' });
  await expect
    .poll(() => app.taskTitles())
    .toEqual(['Order the cake', 'Book the venue', 'Write the release notes']);
  const notes = app.task('Write the release notes');
  expect(await notes.locator('time').getAttribute('datetime')).toBe('2030-03-01');
  expect(await notes.textContent()).toMatch(/Tags:\s*docs\s*release/);
  await shots.take('three tasks added');

  await app.startEditing('Book the venue');
  await app.field('Title').fill('Book the venue for June');
  await app.field('Status').selectOption({ label: 'Doing' });
  await shots.take('editing a task');
  await app.button('Save').click();
  await app.heading('Your tasks').waitFor();
  await expect.poll(() => app.notice.textContent()).toBe('Saved “Book the venue for June”.');
  expect(await app.task('Book the venue for June').textContent()).toContain('Doing');

  await app.markDone('Order the cake');
  await expect.poll(() => app.notice.textContent()).toBe('Marked “Order the cake” done.');
  expect(await app.task('Order the cake').textContent()).toContain('Done');
  expect(await app.task('Order the cake').getByRole('button', { name: 'Mark done' }).count()).toBe(0);
  await shots.take('task edited and one done');

  await app.filterByStatus('Done');
  await expect.poll(() => app.taskTitles()).toEqual(['Order the cake']);
  expect(page.url()).toMatch(/\?status=done$/);
  await shots.take('filtered to done');
  await app.filterByStatus('Doing');
  await expect.poll(() => app.taskTitles()).toEqual(['Book the venue for June']);
  await app.filterByStatus('To do');
  await expect.poll(() => app.taskTitles()).toEqual(['Write the release notes']);
  await app.filterByStatus('All');
  await expect.poll(() => app.taskTitles()).toHaveLength(3);

  await app.requestDelete('Order the cake');
  expect(await app.confirmDialog.textContent()).toContain('“Order the cake” will be deleted');
  await shots.take('delete asks for confirmation', { fullPage: false });
  await app.confirmDialog.getByRole('button', { name: 'Delete' }).click();
  await expect.poll(() => app.notice.textContent()).toBe('Deleted “Order the cake”.');
  await expect.poll(() => app.taskTitles()).toEqual(['Book the venue for June', 'Write the release notes']);
  await page.reload();
  await expect.poll(() => app.taskTitles()).toEqual(['Book the venue for June', 'Write the release notes']);
  await shots.take('task deleted, list survives a reload');

  await app.signOut();
  await app.heading('Sign in').waitFor();
  await expect.poll(() => app.notice.textContent()).toBe('You are signed out.');
  expect(await app.button('Sign out').count()).toBe(0);
  await shots.take('signed out');

  // Signed out means signed out: the task list is no longer reachable.
  await page.goto('/');
  await app.heading('Sign in').waitFor();
  expect(new URL(page.url()).pathname).toBe('/signin');

  expect(errors.unexpected()).toEqual([]);
});

test('after confirming and signing in, the tasks screen drops the sign-in notice', async (ctx) => {
  // Regression: the list used to render while the URL was still /signin and kept that route's
  // notice ("Your account is confirmed. Sign in to continue.") in its state.
  const { page } = await browser.open(ctx, { baseURL: cloud.urls.web });
  const app = new TaskTrackerApp(page);
  const user = newTestUser();
  await signUpUnconfirmed(cloud, user);

  await page.goto(`/confirm?email=${encodeURIComponent(user.email)}`);
  await app.confirm(confirmationCodeFor(cloud, user.email));
  await app.signIn(user);

  expect(await page.getByText('Sign in to continue').count()).toBe(0);
});
