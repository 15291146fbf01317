import type { Task } from '@tasktracker/api/contract';
import { type FormEvent, useRef, useState } from 'react';
import { saveErrors } from '../api/errors.js';
import { useServices } from '../services.js';
import { EMPTY_TASK_FORM, type TaskFormValues, validateCreate } from '../tasks/task-form.js';
import { FormError, useFieldErrors } from './Field.js';
import { DueDateField, NotesField, TagsField, TitleField } from './TaskFields.js';

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

  const fields = { values, errors, set };

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
      report(saveErrors(error, 'Could not add the task.'));
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
      <TitleField {...fields} />
      <NotesField {...fields} rows={2} />
      <div className="row">
        <DueDateField {...fields} />
        <TagsField {...fields} />
      </div>
      <FormError message={errors.form ?? errors.status} />
      <button type="submit" disabled={busy}>
        Add task
      </button>
    </form>
  );
}
