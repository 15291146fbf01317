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

/**
 * The table as a DynamoDB `CreateTable` request: what infra declares, for the stand-ins the API
 * tests and benchmarks create by hand (the local cloud creates tables from the template instead).
 */
export function tasksTableDefinition(tableName: string) {
  const { partitionKey, sortKey, statusIndex } = TABLE_SCHEMA;
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: [partitionKey, sortKey, statusIndex.partitionKey, statusIndex.sortKey].map(
      (name) => ({ AttributeName: name, AttributeType: 'S' as const }),
    ),
    KeySchema: [
      { AttributeName: partitionKey, KeyType: 'HASH' as const },
      { AttributeName: sortKey, KeyType: 'RANGE' as const },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: statusIndex.name,
        KeySchema: [
          { AttributeName: statusIndex.partitionKey, KeyType: 'HASH' as const },
          { AttributeName: statusIndex.sortKey, KeyType: 'RANGE' as const },
        ],
        Projection: { ProjectionType: 'ALL' as const },
      },
    ],
  };
}
