/** Edit one task. A stale version (409) shows what happened and offers the latest version. */
import type { Task } from '@tasktracker/api/contract';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { ConflictError, saveErrors } from '../api/errors.js';
import { Link, useRouter } from '../router.js';
import { useServices } from '../services.js';
import { type TaskFormValues, validateUpdate, valuesFromTask } from '../tasks/task-form.js';
import { FormError, useFieldErrors } from './Field.js';
import { DueDateField, NotesField, StatusField, TagsField, TitleField } from './TaskFields.js';

/** Shown on a 409; e2e tests look for "changed since you opened it". */
export const EDIT_CONFLICT_MESSAGE =
  'This task changed since you opened it, so your changes were not saved. Reload to see the latest version, then make your changes again.';

type Loaded =
  | { readonly state: 'loading' }
  | { readonly state: 'failed'; readonly message: string }
  | { readonly state: 'ready'; readonly task: Task };

export function EditTaskScreen({ taskId }: { readonly taskId: string }) {
  const { api } = useServices();
  const router = useRouter();
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' });
  const [values, setValues] = useState<TaskFormValues>();
  const [conflict, setConflict] = useState<ConflictError>();
  const [busy, setBusy] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const formRef = useRef<HTMLFormElement>(null);
  const conflictRef = useRef<HTMLDivElement>(null);
  const { errors, report, clear } = useFieldErrors(formRef);

  const open = (task: Task) => {
    setLoaded({ state: 'ready', task });
    setValues(valuesFromTask(task));
    report({});
    setConflict(undefined);
  };

  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` is the reload trigger; `open` only sets state.
  useEffect(() => {
    let current = true;
    setLoaded({ state: 'loading' });
    api.get(taskId).then(
      (task) => current && open(task),
      (e: unknown) =>
        current &&
        setLoaded({ state: 'failed', message: e instanceof Error ? e.message : 'Could not load the task.' }),
    );
    return () => {
      current = false;
    };
  }, [api, taskId, attempt]);

  useEffect(() => {
    if (conflict) conflictRef.current?.focus();
  }, [conflict]);

  const heading = (
    <h1 id="edit-heading" tabIndex={-1}>
      Edit task
    </h1>
  );
  if (loaded.state === 'failed') {
    return (
      <section aria-labelledby="edit-heading">
        {heading}
        <FormError message={loaded.message} />
        <p className="links">
          <Link to="/">Back to your tasks</Link>
        </p>
      </section>
    );
  }
  if (loaded.state === 'loading' || !values) {
    return (
      <section aria-labelledby="edit-heading">
        {heading}
        <p className="loading">Loading task…</p>
      </section>
    );
  }
  const task = loaded.task;

  const set = (field: keyof TaskFormValues) => (value: string) => {
    setValues((v) => (v ? { ...v, [field]: value } : v));
    clear(field);
  };

  const reload = () => {
    if (conflict?.current) open(conflict.current);
    else setAttempt((n) => n + 1);
  };

  const fields = { values, errors, set };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = validateUpdate(task, values);
    if (!result.ok) return report(result.errors);
    report({});
    setConflict(undefined);
    setBusy(true);
    try {
      const saved = await api.update(task.id, result.input);
      router.navigate('/', { notice: `Saved “${saved.title}”.` });
    } catch (e) {
      if (e instanceof ConflictError) return setConflict(e);
      report(saveErrors(e, 'Could not save the task.'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="edit-heading">
      {heading}
      {conflict && (
        <div ref={conflictRef} role="alert" className="conflict" tabIndex={-1}>
          <p>{EDIT_CONFLICT_MESSAGE}</p>
          <button type="button" onClick={reload}>
            Reload
          </button>
        </div>
      )}
      <form ref={formRef} className="card" onSubmit={submit} noValidate>
        <TitleField {...fields} />
        <NotesField {...fields} rows={4} />
        <div className="row">
          <StatusField {...fields} />
          <DueDateField {...fields} />
        </div>
        <TagsField {...fields} />
        <FormError message={errors.form ?? errors.version} />
        <div className="actions">
          <button type="submit" disabled={busy}>
            Save
          </button>
          <Link to="/">Cancel</Link>
        </div>
      </form>
    </section>
  );
}
