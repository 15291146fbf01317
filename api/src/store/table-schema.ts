/**
 * The tasks table's key schema. Infra creates the table from it; the store is the only
 * code that builds keys with it.
 *
 * Items:
 * - task:        pk `USER#<sub>`, sk `TASK#<id>`, gsi1pk `USER#<sub>#STATUS#<status>`, gsi1sk `TASK#<id>`
 * - idempotency: pk `USER#<sub>`, sk `IDEMPOTENCY#<key>`, `expiresAt` (epoch seconds, TTL)
 * Task ids sort by creation time, so a Query in reverse lists newest first.
 */
export const TABLE_SCHEMA = {
  partitionKey: 'pk',
  sortKey: 'sk',
  statusIndex: { name: 'byStatus', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  ttlAttribute: 'expiresAt',
} as const;

/** How long an idempotency record makes a create replayable. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;
