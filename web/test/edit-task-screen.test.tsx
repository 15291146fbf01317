// @vitest-environment jsdom
import { cleanup, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { EditTaskScreen } from '../src/components/EditTaskScreen.js';
import { descriptionOf } from './accessible.js';
import { FakeTaskApi } from './fake-task-api.js';
import { renderWithServices } from './render.js';

afterEach(cleanup);

async function openEditor(api: FakeTaskApi, id: string) {
  const user = userEvent.setup();
  renderWithServices(<EditTaskScreen taskId={id} />, { api, url: `/tasks/${id}` });
  const title = (await screen.findByLabelText('Title')) as HTMLInputElement;
  return { user, title };
}

/** Opens a task's editor, clears its title and tries to save. */
async function saveWithoutTitle() {
  const api = new FakeTaskApi();
  const [task] = api.seed(1);
  const { user, title } = await openEditor(api, task?.id ?? '');
  await user.clear(title);
  await user.click(screen.getByRole('button', { name: 'Save' }));
  return { api, user, title };
}

describe('EditTaskScreen', () => {
  it('loads the task into the form and saves only the changed fields with its version', async () => {
    const api = new FakeTaskApi();
    const [task] = api.seed(1, () => ({ title: 'Write report', tags: ['work'], dueDate: '2026-03-01' }));
    const { user, title } = await openEditor(api, task?.id ?? '');
    expect(title.value).toBe('Write report');
    expect((screen.getByLabelText('Tags') as HTMLInputElement).value).toBe('work');
    expect((screen.getByLabelText('Due date') as HTMLInputElement).value).toBe('2026-03-01');

    await user.selectOptions(screen.getByLabelText('Status'), 'Doing');
    await user.type(screen.getByLabelText('Tags'), ', urgent');
    await user.click(screen.getByRole('button', { name: 'Save' }));

    await waitFor(() => expect(window.location.pathname).toBe('/'));
    expect(api.calls.at(-1)).toEqual({
      method: 'update',
      args: [task?.id, { version: 1, status: 'doing', tags: ['work', 'urgent'] }],
    });
  });

  it('on a stale version says the task changed, and "Reload" shows the latest version to edit again', async () => {
    const api = new FakeTaskApi();
    const [task] = api.seed(1, () => ({ title: 'Original' }));
    const id = task?.id ?? '';
    const { user, title } = await openEditor(api, id);

    api.touch(id, { title: 'Changed elsewhere', notes: 'from another tab' });
    await user.clear(title);
    await user.type(title, 'My edit');
    await user.click(screen.getByRole('button', { name: 'Save' }));

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('changed since you opened it');
    expect(document.activeElement).toBe(alert);
    expect(window.location.pathname).toBe(`/tasks/${id}`);

    await user.click(screen.getByRole('button', { name: 'Reload' }));
    expect(title.value).toBe('Changed elsewhere');
    expect((screen.getByLabelText('Notes') as HTMLTextAreaElement).value).toBe('from another tab');
    expect(screen.queryByRole('alert')).toBeNull();

    await user.clear(title);
    await user.type(title, 'My edit');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(window.location.pathname).toBe('/'));
    expect(api.titles()).toEqual(['My edit']);
  });

  it('rejects an empty title next to the field without calling the API', async () => {
    const { api, title } = await saveWithoutTitle();

    expect(descriptionOf(title)).toBe('Title is required.');
    expect(title.getAttribute('aria-invalid')).toBe('true');
    expect(document.activeElement).toBe(title);
    expect(api.calls.filter((c) => c.method === 'update')).toHaveLength(0);
  });

  it('drops the title error once a title is typed again', async () => {
    // Arrange
    const { user, title } = await saveWithoutTitle();
    expect(descriptionOf(title)).toBe('Title is required.');

    // Act
    await user.type(title, 'Renamed');

    // Assert
    expect(screen.queryByText('Title is required.')).toBeNull();
    expect(title.getAttribute('aria-invalid')).toBe('false');
  });

  it('says "Nothing to save" when nothing changed, until a field changes', async () => {
    // Arrange
    const api = new FakeTaskApi();
    const [task] = api.seed(1);
    const { user } = await openEditor(api, task?.id ?? '');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(screen.getByRole('alert').textContent).toBe('Nothing to save: change a field first.');

    // Act
    await user.type(screen.getByLabelText('Notes'), 'more');

    // Assert
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('explains a task that does not exist', async () => {
    const api = new FakeTaskApi();
    renderWithServices(<EditTaskScreen taskId="missing" />, { api, url: '/tasks/missing' });
    expect((await screen.findByRole('alert')).textContent).toBe('That task does not exist.');
    expect(screen.getByRole('link', { name: 'Back to your tasks' }).getAttribute('href')).toBe('/');
  });
});
