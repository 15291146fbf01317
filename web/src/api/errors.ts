import type { Task } from '@tasktracker/api/contract';

/** Field name → the first problem with it, ready to show next to the field. */
export type FieldErrors = Readonly<Record<string, string>>;

/** An API call that failed: the contract's error code and message, or a network or parse failure. */
export class ApiError extends Error {
  override readonly name: string = 'ApiError';
  constructor(
    /** HTTP status; 0 when the server could not be reached. */
    readonly status: number,
    /** The contract's error code (`validation_failed`, `not_found`, …), or `network` / `bad_response`. */
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly requestId?: string,
  ) {
    super(message);
  }

  /** Per-field messages from a `validation_failed` error's details (empty for other errors). */
  get fieldErrors(): FieldErrors {
    return this.code === 'validation_failed' ? fieldErrorsFrom(this.details) : {};
  }
}

/**
 * What a task form shows for a failed save: the API's per-field messages when it sent some,
 * otherwise one form-level message (the error's own, or `fallback` for something not an Error).
 */
export function saveErrors(error: unknown, fallback: string): FieldErrors {
  const fieldErrors = error instanceof ApiError ? error.fieldErrors : {};
  if (Object.keys(fieldErrors).length > 0) return fieldErrors;
  return { form: error instanceof Error ? error.message : fallback };
}

/** A stale edit (409): `current` is the task as it is now on the server, when the API sent it. */
export class ConflictError extends ApiError {
  override readonly name = 'ConflictError';
  constructor(
    message: string,
    readonly current: Task | undefined,
    details?: unknown,
    requestId?: string,
  ) {
    super(409, 'conflict', message, details, requestId);
  }
}

interface IssueLike {
  readonly path?: unknown;
  readonly message?: unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fromIssues(issues: readonly unknown[]): Record<string, string> {
  // Field names come from the server: a Map keeps `constructor` an ordinary field.
  const out = new Map<string, string>();
  for (const issue of issues) {
    if (!isRecord(issue)) continue;
    const { path, message } = issue as IssueLike;
    const first = Array.isArray(path) ? path[0] : typeof path === 'string' ? path.split('.')[0] : undefined;
    const field = first === undefined || first === '' ? 'form' : String(first);
    if (typeof message === 'string' && !out.has(field)) out.set(field, message);
  }
  return Object.fromEntries(out);
}

/**
 * Reads per-field messages out of a validation error's `details`, accepting the shapes a zod-based
 * API may send: an issue list (`[{path, message}]` or `{issues: [...]}`), a flattened error
 * (`{fieldErrors: {title: ['…']}}`) or a plain map (`{title: '…'}`).
 */
export function fieldErrorsFrom(details: unknown): FieldErrors {
  if (Array.isArray(details)) return fromIssues(details);
  if (!isRecord(details)) return {};
  if (Array.isArray(details.issues)) return fromIssues(details.issues);
  const map = isRecord(details.fieldErrors) ? details.fieldErrors : details;
  const out = new Map<string, string>();
  for (const [field, value] of Object.entries(map)) {
    const message = Array.isArray(value) ? value.find((v) => typeof v === 'string') : value;
    if (typeof message === 'string') out.set(field, message);
  }
  return Object.fromEntries(out);
}
