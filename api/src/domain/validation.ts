/** Turns contract (zod) validation failures into a ValidationError naming each failing field. */
import type * as z from 'zod/mini';
import { type FieldIssue, ValidationError } from './errors.js';

function messageOf(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && issue.message.endsWith('received undefined')) return 'is required';
  if (issue.code === 'invalid_type' && issue.message.endsWith('received NaN')) return 'must be a number';
  return issue.message;
}

function fieldIssues(issue: z.core.$ZodIssue, whole: string): FieldIssue[] {
  if (issue.code === 'unrecognized_keys' && issue.path.length === 0) {
    return issue.keys.map((key) => ({ field: key, message: 'is not a known field' }));
  }
  const field = issue.path.length === 0 ? whole : issue.path.map(String).join('.');
  return [{ field, message: messageOf(issue) }];
}

/**
 * Parses `value` with a contract schema, or throws a ValidationError.
 * @param whole the field name reported when the value as a whole is wrong (e.g. `body`)
 */
export function parseWith<S extends z.ZodMiniType>(schema: S, value: unknown, whole: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ValidationError(result.error.issues.flatMap((issue) => fieldIssues(issue, whole)));
}
