import { TABLE_SCHEMA } from '@tasktracker/api/table-schema';
import { Stack, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import type { StageConfig } from './config/stages.js';
import { removalPolicyOf } from './removal.js';

/** The slice of stage config the data stack uses. */
export type DataSettings = Pick<StageConfig, 'removalPolicy' | 'deletionProtection'>;

export interface DataStackProps extends StackProps {
  /** What happens to the table when its stack goes, and whether it may be deleted at all. */
  readonly config: DataSettings;
}

/** The schema's DynamoDB terms this stack knows, in CDK's; a new one fails the synth by name. */
const ATTRIBUTE_TYPES: ReadonlyMap<string, dynamodb.AttributeType> = new Map([
  ['S', dynamodb.AttributeType.STRING],
]);
const PROJECTIONS: ReadonlyMap<string, dynamodb.ProjectionType> = new Map([
  ['ALL', dynamodb.ProjectionType.ALL],
]);
const BILLING_MODES: ReadonlyMap<string, dynamodb.Billing> = new Map([
  ['PAY_PER_REQUEST', dynamodb.Billing.onDemand()],
]);

function mapped<T>(map: ReadonlyMap<string, T>, key: string, what: string): T {
  const value = map.get(key);
  if (value === undefined) throw new Error(`the table schema's ${what} "${key}" has no CDK equivalent here`);
  return value;
}

/**
 * The tasks table: every property of its shape (keys, index, projection, TTL, billing) comes from
 * the API's `TABLE_SCHEMA`, the one declaration; this adds only what deploying needs (point-in-time
 * recovery, encryption, deletion rules).
 */
export class DataStack extends Stack {
  /** The tasks table. */
  public readonly table: dynamodb.TableV2;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const { config } = props;
    const { statusIndex } = TABLE_SCHEMA;
    const key = (name: string): dynamodb.Attribute => ({
      name,
      type: mapped(ATTRIBUTE_TYPES, TABLE_SCHEMA.keyType, 'key type'),
    });

    this.table = new dynamodb.TableV2(this, 'Tasks', {
      partitionKey: key(TABLE_SCHEMA.partitionKey),
      sortKey: key(TABLE_SCHEMA.sortKey),
      billing: mapped(BILLING_MODES, TABLE_SCHEMA.billingMode, 'billing mode'),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryptionV2.awsManagedKey(),
      timeToLiveAttribute: TABLE_SCHEMA.ttlAttribute,
      deletionProtection: config.deletionProtection,
      removalPolicy: removalPolicyOf(config),
      globalSecondaryIndexes: [
        {
          indexName: statusIndex.name,
          partitionKey: key(statusIndex.partitionKey),
          sortKey: key(statusIndex.sortKey),
          projectionType: mapped(PROJECTIONS, statusIndex.projection, 'projection'),
        },
      ],
    });
  }
}
