/**
 * Typed errors the domain raises. Each carries its contract error code; the HTTP layer
 * maps codes to statuses in one place (`ERROR_STATUS`).
 */
import type { ErrorCode, Task } from '../contract/index.js';

/** One failing input field and why, as returned in a 400's `details`. */
export interface FieldIssue {
  readonly field: string;
  readonly message: string;
}

/** Base of every error a caller caused; anything else is a 500. */
export abstract class DomainError extends Error {
  abstract readonly code: ErrorCode;
  /** Extra machine-readable context for the response's `error.details`. */
  readonly details?: unknown;

  constructor(message: string, details?: unknown) {
    super(message);
    this.name = new.target.name;
    this.details = details;
  }
}

/** Input failed validation; `details` lists the failing fields. */
export class ValidationError extends DomainError {
  readonly code = 'validation_failed';
  declare readonly details: readonly FieldIssue[];

  constructor(issues: readonly FieldIssue[]) {
    const first = issues[0];
    const summary = first ? `${first.field}: ${first.message}` : 'invalid request';
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
    super(`Invalid request: ${summary}${more}`, issues);
  }

  /** A validation error about a single field. */
  static field(field: string, message: string): ValidationError {
    return new ValidationError([{ field, message }]);
  }
}

/** The caller has no identity (no `sub` claim). */
export class UnauthorizedError extends DomainError {
  readonly code = 'unauthorized';

  constructor() {
    super('Missing or invalid caller identity');
  }
}

/** The task does not exist or belongs to another user (never say which). */
export class NotFoundError extends DomainError {
  readonly code = 'not_found';

  constructor(id: string) {
    super(`Task ${id} not found`);
  }
}

/** The caller's `version` is stale; `details.current` is the task as stored. */
export class ConflictError extends DomainError {
  readonly code = 'conflict';
  declare readonly details: { readonly current: Task };

  constructor(current: Task) {
    super(`Task ${current.id} was changed by someone else (current version ${current.version})`, { current });
  }
}

/** An `Idempotency-Key` was reused with a different request body. */
export class IdempotencyKeyReusedError extends DomainError {
  readonly code = 'idempotency_key_reused';

  constructor() {
    super('Idempotency-Key was already used for a different request');
  }
}

/** The request body is larger than the API accepts. */
export class PayloadTooLargeError extends DomainError {
  readonly code = 'payload_too_large';

  constructor(limitBytes: number) {
    super(`Request body exceeds ${limitBytes} bytes`);
  }
}

/** The request body is not JSON. */
export class UnsupportedMediaTypeError extends DomainError {
  readonly code = 'unsupported_media_type';

  constructor() {
    super('Content-Type must be application/json');
  }
}
