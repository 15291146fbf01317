// @vitest-environment jsdom
import type { CreateTaskInput, Task } from '@tasktracker/api/contract';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../src/api/errors.js';
import { NewTaskForm } from '../src/components/NewTaskForm.js';
import { descriptionOf } from './accessible.js';
import { FakeTaskApi } from './fake-task-api.js';
import { renderWithServices } from './render.js';

afterEach(cleanup);

function setup(api = new FakeTaskApi()) {
  const created: Task[] = [];
  const user = userEvent.setup();
  renderWithServices(<NewTaskForm onCreated={(t) => created.push(t)} />, { api });
  return { api, created, user, title: screen.getByLabelText('Title') as HTMLInputElement };
}

describe('NewTaskForm', () => {
  it('requires a title, says so next to the field and focuses it, without calling the API', async () => {
    const { api, user, title } = setup();
    await user.type(title, '   ');
    await user.click(screen.getByRole('button', { name: 'Add task' }));
    expect(descriptionOf(title)).toBe('Title is required.');
    expect(title.getAttribute('aria-invalid')).toBe('true');
    expect(document.activeElement).toBe(title);
    expect(api.calls).toHaveLength(0);
  });

  it('clears a field error as soon as the field is filled in, leaving the other errors and the focus', async () => {
    // Arrange: two fields wrong at once.
    const { user, title } = setup();
    await user.type(screen.getByLabelText('Tags'), 'a,b,c,d,e,f,g,h,i,j,k');
    await user.click(screen.getByRole('button', { name: 'Add task' }));
    expect(descriptionOf(title)).toBe('Title is required.');

    // Act
    await user.type(title, 'B');

    // Assert
    expect(descriptionOf(title)).toBe('');
    expect(title.getAttribute('aria-invalid')).toBe('false');
    expect(screen.queryByText('Title is required.')).toBeNull();
    expect(descriptionOf(screen.getByLabelText('Tags'))).toBe(
      'Separate tags with commas. Use at most 10 tags.',
    );
    expect(document.activeElement).toBe(title);
  });

  it('applies the contract limits to tags and titles', async () => {
    const { api, user, title } = setup();
    await user.click(title);
    await user.paste('x'.repeat(201));
    await user.type(screen.getByLabelText('Tags'), 'a,b,c,d,e,f,g,h,i,j,k');
    await user.click(screen.getByRole('button', { name: 'Add task' }));
    expect(descriptionOf(title)).toBe('Title must be at most 200 characters.');
    expect(descriptionOf(screen.getByLabelText('Tags'))).toBe(
      'Separate tags with commas. Use at most 10 tags.',
    );
    expect(api.calls).toHaveLength(0);
  });

  it('sends the parsed input with an idempotency key, then clears the form', async () => {
    const { api, created, user, title } = setup();
    await user.type(title, '  Buy milk ');
    await user.type(screen.getByLabelText('Notes'), 'semi-skimmed');
    fireEvent.change(screen.getByLabelText('Due date'), { target: { value: '2026-03-01' } });
    await user.type(screen.getByLabelText('Tags'), 'home, errands,, home');
    await user.click(screen.getByRole('button', { name: 'Add task' }));

    await waitFor(() => expect(created).toHaveLength(1));
    const [input, key] = api.calls[0]?.args ?? [];
    expect(input).toEqual({
      title: 'Buy milk',
      notes: 'semi-skimmed',
      status: 'todo',
      dueDate: '2026-03-01',
      tags: ['home', 'errands'],
    });
    expect(key).toMatch(/^[0-9a-f-]{36}$/);
    expect(title.value).toBe('');
  });

  it("shows the API's validation details next to the fields they concern", async () => {
    const api = new FakeTaskApi();
    api.create = async (_input: CreateTaskInput) => {
      throw new ApiError(400, 'validation_failed', 'Invalid request body', [
        { path: ['title'], message: 'Title is already used' },
      ]);
    };
    const { user, title } = setup(api);
    await user.type(title, 'Duplicate');
    await user.click(screen.getByRole('button', { name: 'Add task' }));
    await waitFor(() => expect(descriptionOf(title)).toBe('Title is already used'));
    expect(title.getAttribute('aria-invalid')).toBe('true');
  });
});
