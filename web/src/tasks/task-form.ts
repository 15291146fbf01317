/**
 * Form values ↔ the API contract. Validation is the contract's own zod schemas, so the form
 * rejects exactly what the API would, with messages written for the field they sit next to.
 */
import type { Task, TaskStatus } from '@tasktracker/api/contract';
import { CreateTaskInput, UpdateTaskInput } from '@tasktracker/api/contract';
import type { FieldErrors } from '../api/errors.js';

/** What the inputs hold: all strings, as typed. */
export interface TaskFormValues {
  readonly title: string;
  readonly notes: string;
  readonly status: TaskStatus;
  readonly dueDate: string;
  readonly tags: string;
}

export type FormResult<T> =
  | { readonly ok: true; readonly input: T }
  | { readonly ok: false; readonly errors: FieldErrors };

export const STATUS_LABELS: Readonly<Record<TaskStatus, string>> = {
  todo: 'To do',
  doing: 'Doing',
  done: 'Done',
};

export const EMPTY_TASK_FORM: TaskFormValues = {
  title: '',
  notes: '',
  status: 'todo',
  dueDate: '',
  tags: '',
};

export function valuesFromTask(task: Task): TaskFormValues {
  return {
    title: task.title,
    notes: task.notes,
    status: task.status,
    dueDate: task.dueDate ?? '',
    tags: task.tags.join(', '),
  };
}

/** "home, urgent ,, home" → ["home", "urgent"]: trimmed, empty entries dropped, duplicates removed. */
export function parseTags(text: string): string[] {
  return [...new Set(text.split(',').map((t) => t.trim()))].filter((t) => t !== '');
}

const FIELD_LABELS: Readonly<Record<string, string>> = {
  title: 'Title',
  notes: 'Notes',
  status: 'Status',
  dueDate: 'Due date',
  tags: 'Tags',
};

interface Issue {
  readonly code: string;
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly maximum?: unknown;
  readonly minimum?: unknown;
  readonly origin?: unknown;
}

function messageFor(issue: Issue): string {
  const field = String(issue.path[0] ?? 'form');
  const label = FIELD_LABELS[field] ?? field;
  const isTag = field === 'tags' && typeof issue.path[1] === 'number';
  const subject = isTag ? `Each tag` : label;
  if (issue.code === 'too_small' && issue.origin === 'string') {
    return isTag ? 'Tags cannot be empty.' : `${label} is required.`;
  }
  if (issue.code === 'too_big' && issue.origin === 'string') {
    return `${subject} must be at most ${String(issue.maximum)} characters.`;
  }
  if (issue.code === 'too_big' && issue.origin === 'array') {
    return `Use at most ${String(issue.maximum)} tags.`;
  }
  if (issue.code === 'invalid_format' && field === 'dueDate')
    return 'Due date must be a real date (YYYY-MM-DD).';
  return issue.message;
}

function toFieldErrors(issues: readonly Issue[]): FieldErrors {
  const errors: Record<string, string> = {};
  for (const issue of issues) {
    const field = String(issue.path[0] ?? 'form');
    errors[field] ??= messageFor(issue);
  }
  return errors;
}

/** Validates a new task's form with the contract's CreateTaskInput. */
export function validateCreate(values: TaskFormValues): FormResult<CreateTaskInput> {
  const input: CreateTaskInput = {
    title: values.title,
    notes: values.notes,
    status: values.status,
    dueDate: values.dueDate === '' ? null : values.dueDate,
    tags: parseTags(values.tags),
  };
  const parsed = CreateTaskInput.safeParse(input);
  if (!parsed.success) return { ok: false, errors: toFieldErrors(parsed.error.issues as readonly Issue[]) };
  return { ok: true, input: parsed.data };
}

/**
 * Validates an edit with the contract's UpdateTaskInput, sending only the fields that changed
 * and the version the form was opened at (a stale version gets a 409 from the API).
 */
export function validateUpdate(task: Task, values: TaskFormValues): FormResult<UpdateTaskInput> {
  const tags = parseTags(values.tags);
  const dueDate = values.dueDate === '' ? null : values.dueDate;
  const input: Record<string, unknown> = { version: task.version };
  if (values.title.trim() !== task.title) input.title = values.title;
  if (values.notes !== task.notes) input.notes = values.notes;
  if (values.status !== task.status) input.status = values.status;
  if (dueDate !== task.dueDate) input.dueDate = dueDate;
  if (tags.join('\n') !== task.tags.join('\n')) input.tags = tags;
  if (Object.keys(input).length === 1)
    return { ok: false, errors: { form: 'Nothing to save: change a field first.' } };
  const parsed = UpdateTaskInput.safeParse(input);
  if (!parsed.success) return { ok: false, errors: toFieldErrors(parsed.error.issues as readonly Issue[]) };
  return { ok: true, input: parsed.data };
}
