/**
 * A stage of one DynamoDB table, `tasks`, keyed by `pk` with a `byStatus` index, and what the
 * DynamoDB front's tests do with it: start it, call it, read the metrics it records.
 */
import { DynamoDBClient, type DynamoDBClientConfig, QueryCommand } from '@aws-sdk/client-dynamodb';
import { EMPTY_PROFILE, type LocalCloud } from '../../src/index.js';
import { metricKey } from '../../src/services/cloudwatch/metrics.js';
import { cloudwatchService } from '../../src/services/cloudwatch/module.js';
import { stackAssembly } from './assembly.js';
import { startTestCloud } from './cloud.js';
import { startedAroundTests } from './hooks.js';

export const TABLE = 'tasks';

/** The index's dimensions, as CloudWatch records its metrics. */
export const BY_STATUS = { GlobalSecondaryIndexName: 'byStatus', TableName: TABLE } as const;

const ASSEMBLY = stackAssembly('Data', {
  Table: {
    Type: 'AWS::DynamoDB::Table',
    Properties: {
      TableName: TABLE,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'status', AttributeType: 'S' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: BY_STATUS.GlobalSecondaryIndexName,
          KeySchema: [{ AttributeName: 'status', KeyType: 'HASH' }],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    },
  },
});

/** The stage's running cloud and a client of its DynamoDB, readable once started. */
export interface TableCloud {
  readonly cloud: LocalCloud;
  readonly client: DynamoDBClient;
  /** The lines the cloud has logged so far. */
  readonly logged: readonly string[];
}

/**
 * Before the tests of the file, starts the stage (as tests run one, with no app profile) and a
 * client of its DynamoDB signing with `accessKeyId`, `config` added; after them, stops both.
 */
export function useTableCloud(accessKeyId: string, config: DynamoDBClientConfig = {}): TableCloud {
  return startedAroundTests(
    'The table cloud',
    async () => {
      const logged: string[] = [];
      const cloud = await startTableCloud((line) => logged.push(line));
      return { cloud, client: dynamoDbClient(cloud, accessKeyId, config), logged };
    },
    async ({ cloud, client }) => {
      client.destroy();
      await cloud.stop();
    },
    30_000,
  );
}

/** Starts the stage as tests run one, with no app profile, logging to `log`. */
export function startTableCloud(log: (line: string) => void = () => {}): Promise<LocalCloud> {
  return startTestCloud({ assembly: ASSEMBLY, profile: EMPTY_PROFILE, log });
}

/** A client of the cloud's DynamoDB, signing with `accessKeyId`; `config` adds to that. */
export function dynamoDbClient(
  cloud: LocalCloud,
  accessKeyId: string,
  config: DynamoDBClientConfig = {},
): DynamoDBClient {
  return new DynamoDBClient({
    endpoint: cloud.url('dynamodb'),
    region: 'eu-west-1',
    credentials: { accessKeyId, secretAccessKey: 'local' },
    ...config,
  });
}

/** The query of the `byStatus` index for the items of one status. */
export function queryByStatus(status: string): QueryCommand {
  return new QueryCommand({
    TableName: TABLE,
    IndexName: BY_STATUS.GlobalSecondaryIndexName,
    KeyConditionExpression: '#s = :s',
    ExpressionAttributeNames: { '#s': 'status' },
    ExpressionAttributeValues: { ':s': { S: status } },
  });
}

/** The sum of what the cloud has recorded so far for an `AWS/DynamoDB` metric with these dimensions. */
export function dynamoDbTotal(
  cloud: LocalCloud,
  metricName: string,
  dimensions: Record<string, string>,
): number {
  const points = cloud
    .service(cloudwatchService)
    ?.metrics.datapoints(metricKey('AWS/DynamoDB', metricName, dimensions), 0, Date.now() + 1);
  return (points ?? []).reduce((a, b) => a + b, 0);
}
