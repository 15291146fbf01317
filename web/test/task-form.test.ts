import type { Task } from '@tasktracker/api/contract';
import { describe, expect, it } from 'vitest';
import {
  EMPTY_TASK_FORM,
  parseTags,
  validateCreate,
  validateUpdate,
  valuesFromTask,
} from '../src/tasks/task-form.js';

const task: Task = {
  id: 't1',
  title: 'Plan trip',
  notes: 'book train',
  status: 'todo',
  dueDate: '2026-05-01',
  tags: ['travel'],
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  version: 3,
};

describe('parseTags', () => {
  it('trims, drops empty entries and duplicates', () => {
    expect(parseTags(' home, urgent ,, home ,')).toEqual(['home', 'urgent']);
    expect(parseTags('')).toEqual([]);
  });
});

describe('validateCreate', () => {
  it('turns an empty due date into null and applies defaults', () => {
    expect(validateCreate({ ...EMPTY_TASK_FORM, title: ' Call mum ' })).toEqual({
      ok: true,
      input: { title: 'Call mum', notes: '', status: 'todo', dueDate: null, tags: [] },
    });
  });

  it('rejects a date that does not exist with a message for the due date field', () => {
    const result = validateCreate({ ...EMPTY_TASK_FORM, title: 'x', dueDate: '2026-02-30' });
    expect(result).toEqual({ ok: false, errors: { dueDate: 'Due date must be a real date (YYYY-MM-DD).' } });
  });

  it('rejects an over-long tag', () => {
    const result = validateCreate({ ...EMPTY_TASK_FORM, title: 'x', tags: `ok, ${'t'.repeat(51)}` });
    expect(result).toEqual({ ok: false, errors: { tags: 'Each tag must be at most 50 characters.' } });
  });
});

describe('validateUpdate', () => {
  it('sends only what changed, with the version the form was opened at', () => {
    const values = { ...valuesFromTask(task), status: 'done' as const, dueDate: '' };
    expect(validateUpdate(task, values)).toEqual({
      ok: true,
      input: { version: 3, status: 'done', dueDate: null },
    });
  });

  it('treats reformatted tags that mean the same as unchanged', () => {
    const values = { ...valuesFromTask(task), tags: ' travel , ' };
    expect(validateUpdate(task, values)).toEqual({
      ok: false,
      errors: { form: 'Nothing to save: change a field first.' },
    });
  });
});
