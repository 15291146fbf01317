// @vitest-environment jsdom
import type { Task } from '@tasktracker/api/contract';
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent, { type UserEvent } from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../src/api/errors.js';
import { TasksScreen } from '../src/components/TasksScreen.js';
import { FakeTaskApi } from './fake-task-api.js';
import { renderWithServices } from './render.js';

afterEach(cleanup);

function listedTitles(): string[] {
  const list = screen.queryByRole('list', { name: 'Tasks' });
  if (!list) return [];
  return within(list)
    .getAllByRole('heading', { level: 3 })
    .map((h) => h.textContent ?? '');
}

function taskItem(title: string): HTMLElement {
  return screen.getByRole('listitem', { name: title });
}

/** The status labels a task's entry shows (exactly one, when the entry is right). */
function statusesShown(item: HTMLElement): string[] {
  return within(item)
    .queryAllByText(/^(To do|Doing|Done)$/)
    .map((e) => e.textContent ?? '');
}

/** Arrange: renders the screen over `api` and waits until it lists every task the API holds. */
async function renderListed(api: FakeTaskApi): Promise<UserEvent> {
  const user = userEvent.setup();
  renderWithServices(<TasksScreen />, { api });
  await waitFor(() => expect(listedTitles()).toEqual(api.titles()));
  return user;
}

describe('TasksScreen', () => {
  it('shows the first page and "Load more" appends the rest until the last page', async () => {
    const api = new FakeTaskApi();
    api.seed(25);
    const user = userEvent.setup();
    renderWithServices(<TasksScreen />, { api });

    await waitFor(() => expect(listedTitles()).toHaveLength(20));
    expect(listedTitles()[0]).toBe('Task 25');
    await user.click(screen.getByRole('button', { name: 'Load more' }));
    await waitFor(() => expect(listedTitles()).toHaveLength(25));
    expect(listedTitles().at(-1)).toBe('Task 1');
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
  });

  it('filters by status, asks the API for that status and keeps the filter in the URL', async () => {
    const api = new FakeTaskApi();
    api.seed(4, (i) => ({ status: i % 2 === 0 ? 'done' : 'todo' }));
    const user = await renderListed(api);

    await user.selectOptions(screen.getByLabelText('Filter by status'), 'Done');
    await waitFor(() => expect(listedTitles()).toEqual(['Task 3', 'Task 1']));
    expect(window.location.search).toBe('?status=done');
    expect(api.calls.at(-1)).toEqual({ method: 'list', args: [{ status: 'done', limit: 20 }] });

    await user.selectOptions(screen.getByLabelText('Filter by status'), 'All');
    await waitFor(() => expect(listedTitles()).toHaveLength(4));
  });

  it('says a new user has no tasks yet and where to add one, instead of an empty list', async () => {
    // Arrange
    const api = new FakeTaskApi();

    // Act
    renderWithServices(<TasksScreen />, { api });

    // Assert
    await screen.findByText('No tasks yet.');
    expect(
      screen.getByText('Add your first one with the form above: a title is all it needs.'),
    ).not.toBeNull();
    expect(screen.queryByRole('list', { name: 'Tasks' })).toBeNull();
  });

  it('says a filter matched nothing, and "Show all tasks" clears the filter', async () => {
    // Arrange
    const api = new FakeTaskApi();
    api.seed(2);
    const user = userEvent.setup();
    renderWithServices(<TasksScreen />, { api, url: '/?status=doing' });
    await screen.findByText('No tasks are “Doing”.');

    // Act
    await user.click(screen.getByRole('button', { name: 'Show all tasks' }));

    // Assert
    await waitFor(() => expect(listedTitles()).toEqual(['Task 2', 'Task 1']));
    expect(window.location.search).toBe('');
    expect((screen.getByLabelText('Filter by status') as HTMLSelectElement).value).toBe('');
  });

  it("shows the start of each task's notes in the list", async () => {
    // Arrange
    const api = new FakeTaskApi();
    api.seed(2, (i) => ({ notes: i === 0 ? 'Bring the\nprojector.' : `Agenda: ${'item, '.repeat(100)}` }));

    // Act
    renderWithServices(<TasksScreen />, { api });

    // Assert
    await waitFor(() => expect(listedTitles()).toHaveLength(2));
    expect(within(taskItem('Task 1')).getByText('Bring the projector.').tagName).toBe('P');
    const long = within(taskItem('Task 2')).getByText(/^Agenda: item,/).textContent ?? '';
    expect(long).toMatch(/…$/);
    expect(long.length).toBeLessThan(200);
  });

  it('says "Overdue" in words on an open task past its due date, not on one done or due later', async () => {
    // Arrange
    const api = new FakeTaskApi();
    const seeded: Partial<Task>[] = [
      { title: 'Late', dueDate: '2001-01-01' },
      { title: 'Late but done', dueDate: '2001-01-01', status: 'done' },
      { title: 'Later', dueDate: '2999-12-31' },
    ];
    api.seed(3, (i) => seeded[i] ?? {});

    // Act
    renderWithServices(<TasksScreen />, { api });

    // Assert
    await waitFor(() => expect(listedTitles()).toHaveLength(3));
    expect(within(taskItem('Late')).queryByText('Overdue')).not.toBeNull();
    expect(within(taskItem('Late but done')).queryByText('Overdue')).toBeNull();
    expect(within(taskItem('Later')).queryByText('Overdue')).toBeNull();
  });

  it('reopens a done task from the list', async () => {
    // Arrange
    const api = new FakeTaskApi();
    api.seed(1, () => ({ status: 'done' }));
    const user = await renderListed(api);

    // Act
    await user.click(within(taskItem('Task 1')).getByRole('button', { name: 'Reopen' }));

    // Assert
    await waitFor(() => expect(statusesShown(taskItem('Task 1'))).toEqual(['To do']));
    expect(within(taskItem('Task 1')).queryByRole('button', { name: 'Mark done' })).not.toBeNull();
    expect(screen.getByRole('status').textContent).toBe('Reopened “Task 1”.');
    expect(api.calls.at(-1)).toEqual({ method: 'update', args: ['t1', { version: 1, status: 'todo' }] });
  });

  it('marks a task done, and on a stale version shows the conflict and the latest version', async () => {
    const api = new FakeTaskApi();
    const [first] = api.seed(1);
    const user = await renderListed(api);

    api.touch(first?.id ?? '', { title: 'Renamed in another tab' });
    await user.click(within(taskItem('Task 1')).getByRole('button', { name: 'Mark done' }));
    const item = await screen.findByRole('listitem', { name: 'Renamed in another tab' });
    expect(within(item).getByRole('alert').textContent).toContain('changed since you opened it');

    await user.click(within(item).getByRole('button', { name: 'Mark done' }));
    await waitFor(() => expect(within(item).queryByRole('button', { name: 'Mark done' })).toBeNull());
    expect(statusesShown(item)).toEqual(['Done']);
    expect(screen.getByRole('status').textContent).toBe('Marked “Renamed in another tab” done.');
  });

  it('asks before deleting: Escape cancels, confirming deletes', async () => {
    const api = new FakeTaskApi();
    api.seed(2);
    const user = await renderListed(api);

    const deleteButton = within(taskItem('Task 1')).getByRole('button', { name: 'Delete' });
    await user.click(deleteButton);
    const dialog = screen.getByRole('alertdialog', { name: 'Delete this task?' });
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Cancel' }));
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(document.activeElement).toBe(deleteButton);
    expect(api.titles()).toContain('Task 1');

    await user.click(deleteButton);
    // Keyboard only: Tab from Cancel wraps to the dialog's Delete button.
    await user.tab();
    await user.keyboard('{Enter}');
    await waitFor(() => expect(listedTitles()).toEqual(['Task 2']));
    expect(api.titles()).toEqual(['Task 2']);
    expect(screen.getByRole('status').textContent).toBe('Deleted “Task 1”.');
  });

  it('adds a created task to the top of the list', async () => {
    const api = new FakeTaskApi();
    api.seed(1);
    const user = await renderListed(api);

    await user.type(screen.getByLabelText('Title'), 'Buy milk');
    await user.click(screen.getByRole('button', { name: 'Add task' }));
    await waitFor(() => expect(listedTitles()).toEqual(['Buy milk', 'Task 1']));
  });

  it('shows a failed load with "Try again", which reloads', async () => {
    const api = new FakeTaskApi();
    api.seed(1);
    let failures = 1;
    const list = api.list.bind(api);
    api.list = async (query) => {
      if (failures-- > 0) throw new ApiError(0, 'network', 'Could not reach the server.');
      return list(query);
    };
    const user = userEvent.setup();
    renderWithServices(<TasksScreen />, { api });

    expect((await screen.findByRole('alert')).textContent).toContain('Could not reach the server.');
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(listedTitles()).toEqual(['Task 1']));
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
