/**
 * The task tracker's request/response contract, shared by the API (input validation)
 * and the web app (forms and response parsing). One definition, imported by both.
 *
 * Written with zod/mini: the same validation as classic zod, but functions instead of
 * methods, so bundles carry only the checks used here (a third of classic zod's size).
 */
import { en } from 'zod/locales';
import * as z from 'zod/mini';
import { TASK_LIMITS, TASK_STATUSES } from './protocol.js';

export * from './protocol.js';

// zod/mini loads no locale (every issue would read "Invalid input"); the API's 400 details and
// the web forms' fallback messages are classic zod's English ones, so load them explicitly.
z.config(en());

export const TaskStatus = z.enum(TASK_STATUSES);
export type TaskStatus = z.infer<typeof TaskStatus>;

/** A calendar date `YYYY-MM-DD` that exists (2026-02-30 is rejected). */
export const IsoDate = z.iso.date();

/** A version as stored and returned. */
const version = z.number().check(z.int(), z.minimum(1), z.maximum(TASK_LIMITS.versionMax));
/** The version an edit names: one the edit can still increment. */
const editableVersion = z.number().check(z.int(), z.minimum(1), z.maximum(TASK_LIMITS.versionMax - 1));
const title = z.string().check(z.trim(), z.minLength(1), z.maxLength(TASK_LIMITS.titleMax));
const notes = z.string().check(z.maxLength(TASK_LIMITS.notesMax));
const tag = z.string().check(z.trim(), z.minLength(1), z.maxLength(TASK_LIMITS.tagMax));
const tags = z.array(tag).check(z.maxLength(TASK_LIMITS.tagsMax));

/** A task as the API returns it. */
export const Task = z.object({
  id: z.string(),
  title: z.string(),
  notes: z.string(),
  status: TaskStatus,
  dueDate: z.nullable(IsoDate),
  tags: z.array(z.string()),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  version,
});
export type Task = z.infer<typeof Task>;

/** Body of `POST /tasks`. */
export const CreateTaskInput = z.strictObject({
  title,
  notes: z._default(notes, ''),
  status: z._default(TaskStatus, 'todo'),
  dueDate: z._default(z.nullable(IsoDate), null),
  tags: z._default(tags, []),
});
export type CreateTaskInput = z.input<typeof CreateTaskInput>;

/** Body of `PATCH /tasks/{id}`: the caller's current `version` and at least one field to change. */
export const UpdateTaskInput = z
  .strictObject({
    version: editableVersion,
    title: z.optional(title),
    notes: z.optional(notes),
    status: z.optional(TaskStatus),
    dueDate: z.optional(z.nullable(IsoDate)),
    tags: z.optional(tags),
  })
  .check(
    z.refine((v) => Object.keys(v).some((k) => k !== 'version'), {
      message: 'at least one field besides version is required',
      path: ['title'],
    }),
  );
export type UpdateTaskInput = z.input<typeof UpdateTaskInput>;

/** Canonical decimal digits: no sign, exponent, hex prefix, spaces or leading zeros. */
const DECIMAL_INTEGER = /^(?:0|[1-9][0-9]*)$/;

/**
 * An integer query parameter: accepted only as canonical decimal digits (so `0x10`, `1e1`, `+5`
 * and `05` are refused, not coerced), then held to `[min, max]`.
 */
function queryInteger(min: number, max: number) {
  return z.pipe(
    z.pipe(
      z.string().check(z.regex(DECIMAL_INTEGER, { error: 'must be a whole number in decimal digits' })),
      z.transform(Number),
    ),
    z.number().check(z.int(), z.minimum(min), z.maximum(max)),
  );
}

/** Query string of `GET /tasks`. */
export const ListTasksQuery = z.strictObject({
  status: z.optional(TaskStatus),
  limit: z._default(queryInteger(1, TASK_LIMITS.listLimitMax), TASK_LIMITS.listLimitDefault),
  cursor: z.optional(z.string().check(z.minLength(1))),
});
export type ListTasksQuery = z.input<typeof ListTasksQuery>;

/** Response of `GET /tasks`: newest first; `nextCursor` is null on the last page. */
export const TaskPage = z.object({
  items: z.array(Task),
  nextCursor: z.nullable(z.string()),
});
export type TaskPage = z.infer<typeof TaskPage>;

/** Every API error body: `{"error":{"code","message","details"?},"requestId"}`. */
export const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.optional(z.unknown()),
  }),
  requestId: z.string(),
});
export type ErrorBody = z.infer<typeof ErrorBody>;
