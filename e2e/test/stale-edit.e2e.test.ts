/**
 * A stale edit is refused, not silently applied: the user edits a task while the same task is
 * changed elsewhere (here: the API called directly, as another device would), and sees why.
 */
import { expect, test } from 'vitest';
import { listTasks, updateTask } from '../src/api-client.js';
import { useLocalCloud } from '../src/local-cloud.js';
import { openSignedIn, useBrowser } from '../src/suite.js';
import { idTokenFor, newTestUser, signUpConfirmed } from '../src/users.js';

// The browser first: a machine without Chromium fails before a cloud is started for nothing.
const browser = useBrowser();
const cloud = useLocalCloud();

test('saving over a task changed elsewhere shows the conflict and reloads the current version', async (ctx) => {
  const user = newTestUser();
  await signUpConfirmed(cloud, user);
  const { shots, errors, app } = await openSignedIn(browser, cloud, ctx, user);
  await app.addTask({ title: 'Plan the offsite' });
  await app.startEditing('Plan the offsite');
  await shots.take('edit form open');

  // Another device renames the task while the form is open.
  const token = await idTokenFor(cloud, user);
  const [task] = await listTasks(cloud, token);
  expect(task?.title).toBe('Plan the offsite');
  if (!task) return;
  await updateTask(cloud, token, task.id, {
    version: task.version,
    title: 'Plan the offsite in May',
  });

  await app.field('Title').fill('Plan the offsite in April');
  await app.button('Save').click();
  await expect.poll(() => app.alert.textContent()).toContain('changed since you opened it');
  await shots.take('conflict shown');
  // Nothing was overwritten: the server still has the other device's title.
  expect((await listTasks(cloud, token))[0]?.title).toBe('Plan the offsite in May');

  await app.button('Reload').click();
  await expect.poll(() => app.field('Title').inputValue()).toBe('Plan the offsite in May');
  expect(await app.alert.count()).toBe(0);
  await shots.take('current version reloaded');

  // Editing the current version now succeeds.
  await app.field('Title').fill('Plan the offsite in April');
  await app.button('Save').click();
  await expect.poll(() => app.notice.textContent()).toBe('Saved “Plan the offsite in April”.');
  await expect.poll(() => app.taskTitles()).toEqual(['Plan the offsite in April']);
  await shots.take('saved after reload');

  // The 409 is the one error this journey provokes; Chromium logs it as a failed resource load.
  expect(errors.unexpected([/Failed to load resource: .*status of 409/])).toEqual([]);
});
