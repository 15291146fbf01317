import type { Task } from '@tasktracker/api/contract';
import { type FormEvent, useRef, useState } from 'react';
import { ApiError } from '../api/errors.js';
import { useServices } from '../services.js';
import { EMPTY_TASK_FORM, type TaskFormValues, validateCreate } from '../tasks/task-form.js';
import { Field, FormError, useFieldErrors } from './Field.js';

/** "Add task": validated with the contract before sending, and safe to retry (idempotency key). */
export function NewTaskForm({ onCreated }: { readonly onCreated: (task: Task) => void }) {
  const { api } = useServices();
  const [values, setValues] = useState<TaskFormValues>(EMPTY_TASK_FORM);
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const { errors, report, clear } = useFieldErrors(formRef);
  // One key per task being written: a retry after a lost response does not create it twice.
  const idempotencyKey = useRef(crypto.randomUUID());

  const set = (field: keyof TaskFormValues) => (value: string) => {
    setValues((v) => ({ ...v, [field]: value }));
    clear(field);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = validateCreate(values);
    if (!result.ok) return report(result.errors);
    report({});
    setBusy(true);
    try {
      const task = await api.create(result.input, idempotencyKey.current);
      idempotencyKey.current = crypto.randomUUID();
      setValues(EMPTY_TASK_FORM);
      onCreated(task);
    } catch (error) {
      const fieldErrors = error instanceof ApiError ? error.fieldErrors : {};
      const message = error instanceof Error ? error.message : 'Could not add the task.';
      report(Object.keys(fieldErrors).length > 0 ? fieldErrors : { form: message });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      ref={formRef}
      className="card new-task"
      onSubmit={submit}
      noValidate
      aria-labelledby="new-task-heading"
    >
      <h2 id="new-task-heading">New task</h2>
      <Field label="Title" error={errors.title}>
        {(props) => (
          <input {...props} required value={values.title} onChange={(e) => set('title')(e.target.value)} />
        )}
      </Field>
      <Field label="Notes" error={errors.notes}>
        {(props) => (
          <textarea {...props} rows={2} value={values.notes} onChange={(e) => set('notes')(e.target.value)} />
        )}
      </Field>
      <div className="row">
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
        <Field label="Tags" hint="Separate tags with commas." error={errors.tags}>
          {(props) => <input {...props} value={values.tags} onChange={(e) => set('tags')(e.target.value)} />}
        </Field>
      </div>
      <FormError message={errors.form ?? errors.status} />
      <button type="submit" disabled={busy}>
        Add task
      </button>
    </form>
  );
}
