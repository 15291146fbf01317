/**
 * What each use case may consume in DynamoDB capacity units, for tasks of ≤ 1 KB. The store's
 * tests and the bench's DynamoDB-cost figures are both held to these numbers.
 */
export const CAPACITY_BUDGET = {
  /** One eventually consistent GetItem of ≤ 4 KB. */
  getTask: 0.5,
  /** One eventually consistent Query returning a page of 20 small tasks (≤ 8 KB). */
  listPage: 1,
  /** One conditional write of one item ≤ 1 KB (create, claim, update or delete). */
  singleWrite: 1,
  /** A create with an Idempotency-Key: the task's PutItem + its idempotency record's. */
  createWithIdempotencyKey: 2,
} as const;
