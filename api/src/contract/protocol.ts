/**
 * The contract's plain values: limits, statuses, error codes and headers. Kept free of zod so a
 * module that validates nothing (the health handler, the HTTP response layer) bundles without it.
 */

/** Limits of a task's fields and of requests; the API, the web forms and the docs use these. */
export const TASK_LIMITS = {
  titleMax: 200,
  notesMax: 5000,
  tagsMax: 10,
  tagMax: 50,
  listLimitMax: 100,
  listLimitDefault: 20,
  bodyMaxBytes: 16 * 1024,
  /**
   * Largest version a task can carry. Versions count edits and travel as JSON numbers, so they
   * stay within the integers that JavaScript, JSON clients and the store's number mapping keep
   * exact (2^53 − 1); an edit writes `version + 1`, so the version it names must be below this.
   */
  versionMax: Number.MAX_SAFE_INTEGER,
} as const;

export const TASK_STATUSES = ['todo', 'doing', 'done'] as const;

/** Error codes the API returns, each with its HTTP status. */
export const ERROR_STATUS = {
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  idempotency_key_reused: 422,
  payload_too_large: 413,
  unsupported_media_type: 415,
  too_many_requests: 429,
  internal: 500,
} as const;
export type ErrorCode = keyof typeof ERROR_STATUS;

/** Header that makes `POST /tasks` safe to retry. */
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
