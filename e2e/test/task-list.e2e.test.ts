/**
 * What the task list tells a user at a glance, at desktop and phone width: each task's notes, which
 * tasks are overdue, a way to reopen a done task, what an empty list means, and notices that
 * report the last action only once.
 */
import type { CreateTaskInput } from '@tasktracker/api/contract';
import { describe, expect, test } from 'vitest';
import { createTask } from '../src/api-client.js';
import { useLocalCloud } from '../src/local-cloud.js';
import { openSignedIn, useBrowser } from '../src/suite.js';
import { idTokenFor, newTestUser, signUpConfirmed, type TestUser } from '../src/users.js';
import { VIEWPORTS } from '../src/viewports.js';

// The browser first: a machine without Chromium fails before a cloud is started for nothing.
const browser = useBrowser();
const cloud = useLocalCloud();

const LONG_NOTES = `Agenda:\n${Array.from({ length: 40 }, (_, i) => `item ${i + 1}`).join(', ')}. The end.`;

/** A confirmed user who already has `tasks`, created through the API (the list is the subject here). */
async function userWithTasks(tasks: readonly CreateTaskInput[]): Promise<TestUser> {
  const user = newTestUser();
  await signUpConfirmed(cloud, user);
  const token = await idTokenFor(cloud, user);
  for (const task of tasks) await createTask(cloud, token, task);
  return user;
}

describe.each(VIEWPORTS)('at $name width', (viewport) => {
  test(`the list shows notes cut short, marks overdue tasks in words and reopens a done task (${viewport.name})`, async (ctx) => {
    const user = await userWithTasks([
      { title: 'Renew the passport', dueDate: '2001-04-01', notes: 'Photo booth first.' },
      { title: 'Plan the offsite', notes: LONG_NOTES },
      { title: 'Order the cake', status: 'done', dueDate: '2001-04-01' },
    ]);
    const { page, shots, errors, app } = await openSignedIn(browser, cloud, ctx, user, { viewport });

    expect(await app.task('Renew the passport').textContent()).toContain('Photo booth first.');
    const excerpt = await app
      .task('Plan the offsite')
      .getByText(/^Agenda: item 1, item 2,/)
      .textContent();
    expect(excerpt).toMatch(/…$/);
    expect(excerpt).not.toContain('The end.');
    // Overdue is said in words (read out by screen readers), not only shown in red.
    expect(await app.task('Renew the passport').getByText('Overdue', { exact: true }).count()).toBe(1);
    expect(await app.task('Plan the offsite').getByText('Overdue', { exact: true }).count()).toBe(0);
    // Done late is done, not overdue.
    expect(await app.task('Order the cake').getByText('Overdue', { exact: true }).count()).toBe(0);
    await shots.take('notes and overdue shown');

    await app.reopen('Order the cake');
    await expect.poll(() => app.notice.textContent()).toBe('Reopened “Order the cake”.');
    expect(await app.statusOf('Order the cake')).toBe('To do');
    // Reopened and past its due date, it is overdue again.
    expect(await app.task('Order the cake').getByText('Overdue', { exact: true }).count()).toBe(1);
    await shots.take('done task reopened');

    await page.reload();
    await app.tasksLoaded();
    expect(await app.statusOf('Order the cake')).toBe('To do');

    expect(errors.unexpected()).toEqual([]);
  });

  test(`an empty list says why and what to do (${viewport.name})`, async (ctx) => {
    const user = await userWithTasks([{ title: 'Water the plants' }]);
    const { page, shots, errors, app } = await openSignedIn(browser, cloud, ctx, user, { viewport });
    await app.filterByStatus('Done');
    await page.getByText('No tasks are “Done”.').waitFor();
    await shots.take('no task matches the filter');

    await app.button('Show all tasks').click();
    await expect.poll(() => app.taskTitles()).toEqual(['Water the plants']);
    expect(new URL(page.url()).search).toBe('');

    await app.requestDelete('Water the plants');
    await app.confirmDialog.getByRole('button', { name: 'Delete' }).click();
    await page.getByText('No tasks yet.').waitFor();
    expect(await page.getByText('Add your first one with the form above').isVisible()).toBe(true);
    await shots.take('no tasks at all');

    expect(errors.unexpected()).toEqual([]);
  });

  test(`a notice reports the last action once and is gone after a reload (${viewport.name})`, async (ctx) => {
    const user = await userWithTasks([{ title: 'Book the venue' }, { title: 'Send invitations' }]);
    const { page, shots, errors, app } = await openSignedIn(browser, cloud, ctx, user, { viewport });
    await app.startEditing('Book the venue');
    await app.field('Title').fill('Book the venue for June');
    await app.button('Save').click();
    await expect.poll(() => app.notice.textContent()).toBe('Saved “Book the venue for June”.');

    await app.requestDelete('Send invitations');
    await app.confirmDialog.getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => app.notice.textContent()).toBe('Deleted “Send invitations”.');
    await shots.take('deleted after saving');

    await page.reload();
    await app.tasksLoaded();
    await expect.poll(() => app.taskTitles()).toEqual(['Book the venue for June']);
    expect(await app.notice.count()).toBe(0);
    await shots.take('reloaded without a notice');

    expect(errors.unexpected()).toEqual([]);
  });
});
