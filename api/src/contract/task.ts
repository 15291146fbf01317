/**
 * The task tracker's request/response contract, shared by the API (input validation)
 * and the web app (forms and response parsing). One definition, imported by both.
 */
// A namespace import lets bundlers drop the parts of zod (e.g. its locales) the schemas do not use.
import * as z from 'zod';

/** Limits of a task's fields and of requests; the API, the web forms and the docs use these. */
export const TASK_LIMITS = {
  titleMax: 200,
  notesMax: 5000,
  tagsMax: 10,
  tagMax: 50,
  listLimitMax: 100,
  listLimitDefault: 20,
  bodyMaxBytes: 16 * 1024,
} as const;

export const TASK_STATUSES = ['todo', 'doing', 'done'] as const;
export const TaskStatus = z.enum(TASK_STATUSES);
export type TaskStatus = z.infer<typeof TaskStatus>;

/** A calendar date `YYYY-MM-DD` that exists (2026-02-30 is rejected). */
export const IsoDate = z.iso.date();

const title = z.string().trim().min(1).max(TASK_LIMITS.titleMax);
const notes = z.string().max(TASK_LIMITS.notesMax);
const tags = z.array(z.string().trim().min(1).max(TASK_LIMITS.tagMax)).max(TASK_LIMITS.tagsMax);

/** A task as the API returns it. */
export const Task = z.object({
  id: z.string(),
  title: z.string(),
  notes: z.string(),
  status: TaskStatus,
  dueDate: IsoDate.nullable(),
  tags: z.array(z.string()),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  version: z.number().int().positive(),
});
export type Task = z.infer<typeof Task>;

/** Body of `POST /tasks`. */
export const CreateTaskInput = z.strictObject({
  title,
  notes: notes.default(''),
  status: TaskStatus.default('todo'),
  dueDate: IsoDate.nullable().default(null),
  tags: tags.default([]),
});
export type CreateTaskInput = z.input<typeof CreateTaskInput>;

/** Body of `PATCH /tasks/{id}`: the caller's current `version` and at least one field to change. */
export const UpdateTaskInput = z
  .strictObject({
    version: z.number().int().positive(),
    title: title.optional(),
    notes: notes.optional(),
    status: TaskStatus.optional(),
    dueDate: IsoDate.nullable().optional(),
    tags: tags.optional(),
  })
  .refine((v) => Object.keys(v).some((k) => k !== 'version'), {
    message: 'at least one field besides version is required',
    path: ['title'],
  });
export type UpdateTaskInput = z.input<typeof UpdateTaskInput>;

/** Query string of `GET /tasks`. */
export const ListTasksQuery = z.strictObject({
  status: TaskStatus.optional(),
  limit: z.coerce.number().int().min(1).max(TASK_LIMITS.listLimitMax).default(TASK_LIMITS.listLimitDefault),
  cursor: z.string().min(1).optional(),
});
export type ListTasksQuery = z.input<typeof ListTasksQuery>;

/** Response of `GET /tasks`: newest first; `nextCursor` is null on the last page. */
export const TaskPage = z.object({
  items: z.array(Task),
  nextCursor: z.string().nullable(),
});
export type TaskPage = z.infer<typeof TaskPage>;

/** Error codes the API returns, each with its HTTP status. */
export const ERROR_STATUS = {
  validation_failed: 400,
  unauthorized: 401,
  not_found: 404,
  conflict: 409,
  idempotency_key_reused: 422,
  payload_too_large: 413,
  unsupported_media_type: 415,
  internal: 500,
} as const;
export type ErrorCode = keyof typeof ERROR_STATUS;

/** Every API error body: `{"error":{"code","message","details"?},"requestId"}`. */
export const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
  }),
  requestId: z.string(),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/** Header that makes `POST /tasks` safe to retry. */
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
