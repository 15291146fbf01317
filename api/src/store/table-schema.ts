/**
 * The tasks table, declared once: infra deploys it from this object, `tasksTableDefinition`
 * derives the test stand-ins' CreateTable request from it, and the store is the only code that
 * builds keys with it.
 *
 * Items:
 * - task:        pk `USER#<sub>`, sk `TASK#<id>`, gsi1pk `USER#<sub>#STATUS#<status>`, gsi1sk `TASK#<id>`
 * - idempotency: pk `USER#<sub>`, sk `IDEMPOTENCY#<key>`, `expiresAt` (epoch seconds, TTL)
 * Task ids sort by creation time, so a Query in reverse lists newest first.
 */
export const TABLE_SCHEMA = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** The attribute type of every key, base table and index alike (DynamoDB's `S`: string). */
  keyType: 'S',
  /** Reads of the index return whole items, so a filtered list needs no second read. */
  statusIndex: { name: 'byStatus', partitionKey: 'gsi1pk', sortKey: 'gsi1sk', projection: 'ALL' },
  ttlAttribute: 'expiresAt',
  /** On-demand capacity: a task tracker's traffic is spiky and mostly idle. */
  billingMode: 'PAY_PER_REQUEST',
} as const;

/**
 * {@link TABLE_SCHEMA} as a DynamoDB `CreateTable` request, for the stand-ins the API tests and
 * benchmarks create by hand (the local cloud creates tables from the template instead). TTL is not
 * part of CreateTable; the stand-ins do not expire items.
 */
export function tasksTableDefinition(tableName: string) {
  const { partitionKey, sortKey, statusIndex, keyType } = TABLE_SCHEMA;
  return {
    TableName: tableName,
    BillingMode: TABLE_SCHEMA.billingMode,
    AttributeDefinitions: [partitionKey, sortKey, statusIndex.partitionKey, statusIndex.sortKey].map(
      (name) => ({ AttributeName: name, AttributeType: keyType }),
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
        Projection: { ProjectionType: statusIndex.projection },
      },
    ],
  };
}
