/** The task list: add, filter by status, load more, mark done or reopen, edit and delete with confirmation. */
import type { Task, TaskStatus } from '@tasktracker/api/contract';
import { TASK_LIMITS, TASK_STATUSES } from '@tasktracker/api/contract';
import { useEffect, useRef, useState } from 'react';
import { ApiError, ConflictError } from '../api/errors.js';
import { useRouter } from '../router.js';
import { useServices } from '../services.js';
import { STATUS_LABELS } from '../tasks/task-form.js';
import { formatDueDate, isOverdue, localIsoDate, notesExcerpt } from '../tasks/task-view.js';
import { ConfirmDialog } from './ConfirmDialog.js';
import { FormError } from './Field.js';
import { NewTaskForm } from './NewTaskForm.js';
import { StatusOptions } from './TaskFields.js';

/** Shown when a stale version was rejected; e2e tests look for "changed since you opened it". */
export const CONFLICT_MESSAGE =
  'This task changed since you opened it. We loaded the latest version: try again.';

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : 'Something went wrong. Try again.';
}

function parseStatus(value: string | null): TaskStatus | undefined {
  return TASK_STATUSES.find((s) => s === value);
}

/** The notice after a status change from the list. */
function statusNotice(task: Task, status: TaskStatus): string {
  return status === 'done' ? `Marked “${task.title}” done.` : `Reopened “${task.title}”.`;
}

function TaskItem({
  task,
  today,
  error,
  busy,
  onStatus,
  onEdit,
  onDelete,
}: {
  readonly task: Task;
  /** The reader's date (`YYYY-MM-DD`), to tell an overdue task. */
  readonly today: string;
  readonly error: string | undefined;
  readonly busy: boolean;
  readonly onStatus: (status: TaskStatus) => void;
  readonly onEdit: () => void;
  readonly onDelete: () => void;
}) {
  const titleId = `task-${task.id}-title`;
  const overdue = isOverdue(task, today);
  const notes = notesExcerpt(task.notes);
  return (
    <li className={`task status-${task.status}${overdue ? ' overdue' : ''}`} aria-labelledby={titleId}>
      <h3 id={titleId}>{task.title}</h3>
      {notes && <p className="notes">{notes}</p>}
      <p className="meta">
        <span className={`badge badge-${task.status}`}>{STATUS_LABELS[task.status]}</span>
        {/* The word, not only the colour, says it is late: it is read out and survives any palette. */}
        {overdue && <span className="badge badge-overdue">Overdue</span>}
        {task.dueDate && (
          <span>
            Due <time dateTime={task.dueDate}>{formatDueDate(task.dueDate)}</time>
          </span>
        )}
        {task.tags.length > 0 && (
          <span className="tags">
            Tags:{' '}
            {task.tags.map((tag) => (
              <span key={tag} className="tag">
                {tag}
              </span>
            ))}
          </span>
        )}
      </p>
      <FormError message={error} />
      <div className="actions">
        {task.status === 'done' ? (
          <button type="button" className="secondary" disabled={busy} onClick={() => onStatus('todo')}>
            Reopen
          </button>
        ) : (
          <button type="button" disabled={busy} onClick={() => onStatus('done')}>
            Mark done
          </button>
        )}
        <button type="button" className="secondary" onClick={onEdit}>
          Edit
        </button>
        <button type="button" className="danger" onClick={onDelete}>
          Delete
        </button>
      </div>
    </li>
  );
}

/** What the list says when it has nothing to show, with the way forward. */
function EmptyState({
  status,
  onShowAll,
}: {
  readonly status: TaskStatus | undefined;
  readonly onShowAll: () => void;
}) {
  if (status) {
    return (
      <div className="empty-state">
        <p className="empty-title">No tasks are “{STATUS_LABELS[status]}”.</p>
        <button type="button" className="secondary" onClick={onShowAll}>
          Show all tasks
        </button>
      </div>
    );
  }
  return (
    <div className="empty-state">
      <p className="empty-title">No tasks yet.</p>
      <p>Add your first one with the form above: a title is all it needs.</p>
    </div>
  );
}

export function TasksScreen() {
  const { api } = useServices();
  const router = useRouter();
  const status = parseStatus(router.query.get('status'));
  const [items, setItems] = useState<readonly Task[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState(router.notice);
  const [rowErrors, setRowErrors] = useState<ReadonlyMap<string, string>>(new Map());
  const [busyIds, setBusyIds] = useState<ReadonlySet<string>>(new Set());
  const [pendingDelete, setPendingDelete] = useState<Task>();
  const [deleting, setDeleting] = useState(false);
  const [attempt, setAttempt] = useState(0);
  // Answers to an older filter must not overwrite the current one.
  const generation = useRef(0);
  const today = localIsoDate(new Date());

  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` is the "Try again" trigger.
  useEffect(() => {
    const ticket = ++generation.current;
    setLoading(true);
    setError(undefined);
    api.list({ status, limit: TASK_LIMITS.listLimitDefault }).then(
      (page) => {
        if (ticket !== generation.current) return;
        setItems(page.items);
        setCursor(page.nextCursor);
        setLoading(false);
      },
      (e: unknown) => {
        if (ticket !== generation.current) return;
        setItems([]);
        setCursor(null);
        setError(messageOf(e));
        setLoading(false);
      },
    );
  }, [api, status, attempt]);

  const loadMore = async () => {
    if (!cursor) return;
    const ticket = generation.current;
    setLoadingMore(true);
    setError(undefined);
    try {
      const page = await api.list({ status, limit: TASK_LIMITS.listLimitDefault, cursor });
      if (ticket !== generation.current) return;
      setItems((current) => {
        const seen = new Set(current.map((t) => t.id));
        return [...current, ...page.items.filter((t) => !seen.has(t.id))];
      });
      setCursor(page.nextCursor);
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setLoadingMore(false);
    }
  };

  const replace = (task: Task) =>
    setItems((current) =>
      status && task.status !== status
        ? current.filter((t) => t.id !== task.id)
        : current.map((t) => (t.id === task.id ? task : t)),
    );

  const setRowError = (id: string, message: string | undefined) =>
    setRowErrors((current) => {
      const next = new Map(current);
      if (message) next.set(id, message);
      else next.delete(id);
      return next;
    });

  const setBusy = (id: string, busy: boolean) =>
    setBusyIds((current) => {
      const next = new Set(current);
      if (busy) next.add(id);
      else next.delete(id);
      return next;
    });

  const changeStatus = async (task: Task, next: TaskStatus) => {
    setBusy(task.id, true);
    setRowError(task.id, undefined);
    try {
      replace(await api.update(task.id, { version: task.version, status: next }));
      setNotice(statusNotice(task, next));
    } catch (e) {
      if (e instanceof ConflictError && e.current) replace(e.current);
      setRowError(task.id, e instanceof ConflictError ? CONFLICT_MESSAGE : messageOf(e));
    } finally {
      setBusy(task.id, false);
    }
  };

  const confirmDelete = async () => {
    if (!pendingDelete) return;
    const task = pendingDelete;
    setDeleting(true);
    try {
      await api.remove(task.id);
      setNotice(`Deleted “${task.title}”.`);
    } catch (e) {
      // Already gone is what the user wanted; anything else is worth saying.
      if (!(e instanceof ApiError && e.code === 'not_found')) {
        setRowError(task.id, messageOf(e));
        return;
      }
    } finally {
      setDeleting(false);
      setPendingDelete(undefined);
    }
    setItems((current) => current.filter((t) => t.id !== task.id));
  };

  const onCreated = (task: Task) => {
    if (!status || task.status === status) setItems((current) => [task, ...current]);
    setNotice(`Added “${task.title}”.`);
  };

  const onFilter = (value: string) => {
    setNotice(undefined);
    router.navigate(value ? `/?status=${value}` : '/', { replace: true });
  };

  return (
    <section aria-labelledby="tasks-heading">
      <div inert={pendingDelete !== undefined}>
        <h1 id="tasks-heading" tabIndex={-1}>
          Your tasks
        </h1>
        <NewTaskForm onCreated={onCreated} />
        <div className="toolbar">
          <label htmlFor="status-filter">Filter by status</label>
          <select id="status-filter" value={status ?? ''} onChange={(e) => onFilter(e.target.value)}>
            <option value="">All</option>
            <StatusOptions />
          </select>
        </div>
        <p role="status" className="notice">
          {notice}
        </p>
        {error && (
          <div role="alert" className="form-error">
            {error}{' '}
            <button type="button" className="secondary" onClick={() => setAttempt((n) => n + 1)}>
              Try again
            </button>
          </div>
        )}
        {loading ? (
          <p className="loading">Loading tasks…</p>
        ) : items.length === 0 && !error ? (
          <EmptyState status={status} onShowAll={() => onFilter('')} />
        ) : (
          <ul className="tasks" aria-label="Tasks" aria-busy={loadingMore}>
            {items.map((task) => (
              <TaskItem
                key={task.id}
                task={task}
                today={today}
                error={rowErrors.get(task.id)}
                busy={busyIds.has(task.id)}
                onStatus={(next) => void changeStatus(task, next)}
                onEdit={() => router.navigate(`/tasks/${encodeURIComponent(task.id)}`)}
                onDelete={() => setPendingDelete(task)}
              />
            ))}
          </ul>
        )}
        {cursor && !loading && (
          <button type="button" className="secondary" disabled={loadingMore} onClick={() => void loadMore()}>
            Load more
          </button>
        )}
      </div>
      {pendingDelete && (
        <ConfirmDialog
          title="Delete this task?"
          message={`“${pendingDelete.title}” will be deleted. This cannot be undone.`}
          confirmLabel="Delete"
          busy={deleting}
          onConfirm={() => void confirmDelete()}
          onCancel={() => setPendingDelete(undefined)}
        />
      )}
    </section>
  );
}
