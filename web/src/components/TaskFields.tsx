/** The fields of a task form, shared by "New task" and "Edit task" so both ask the same way. */
import { TASK_STATUSES } from '@tasktracker/api/contract';
import type { FieldErrors } from '../api/errors.js';
import { STATUS_LABELS, type TaskFormValues } from '../tasks/task-form.js';
import { Field } from './Field.js';

/** A task form's state as each field needs it. */
export interface TaskFieldProps {
  readonly values: TaskFormValues;
  /** The errors shown beside the fields, by field name. */
  readonly errors: FieldErrors;
  /** Sets one field's value (and clears its error). */
  readonly set: (field: keyof TaskFormValues) => (value: string) => void;
}

export function TitleField({ values, errors, set }: TaskFieldProps) {
  return (
    <Field label="Title" error={errors.title}>
      {(props) => (
        <input {...props} required value={values.title} onChange={(e) => set('title')(e.target.value)} />
      )}
    </Field>
  );
}

/** Notes, `rows` lines tall. */
export function NotesField({ values, errors, set, rows }: TaskFieldProps & { readonly rows: number }) {
  return (
    <Field label="Notes" error={errors.notes}>
      {(props) => (
        <textarea
          {...props}
          rows={rows}
          value={values.notes}
          onChange={(e) => set('notes')(e.target.value)}
        />
      )}
    </Field>
  );
}

/** The statuses as `<option>`s, labelled for people. */
export function StatusOptions() {
  return TASK_STATUSES.map((status) => (
    <option key={status} value={status}>
      {STATUS_LABELS[status]}
    </option>
  ));
}

export function StatusField({ values, errors, set }: TaskFieldProps) {
  return (
    <Field label="Status" error={errors.status}>
      {(props) => (
        <select {...props} value={values.status} onChange={(e) => set('status')(e.target.value)}>
          <StatusOptions />
        </select>
      )}
    </Field>
  );
}

export function DueDateField({ values, errors, set }: TaskFieldProps) {
  return (
    <Field label="Due date" error={errors.dueDate}>
      {(props) => (
        <input
          {...props}
          type="date"
          value={values.dueDate}
          onChange={(e) => set('dueDate')(e.target.value)}
        />
      )}
    </Field>
  );
}

export function TagsField({ values, errors, set }: TaskFieldProps) {
  return (
    <Field label="Tags" hint="Separate tags with commas." error={errors.tags}>
      {(props) => <input {...props} value={values.tags} onChange={(e) => set('tags')(e.target.value)} />}
    </Field>
  );
}
