import { TABLE_SCHEMA } from '@tasktracker/api/table-schema';
import { Stack, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import type { StageConfig } from './config/stages.js';
import { removalPolicyOf } from './removal.js';

export interface DataStackProps extends StackProps {
  /** The stage being deployed. */
  readonly config: StageConfig;
}

/** The tasks table: on-demand, point-in-time recovery, encrypted, keys from the API's table schema. */
export class DataStack extends Stack {
  /** The tasks table. */
  public readonly table: dynamodb.TableV2;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const { config } = props;
    const { statusIndex } = TABLE_SCHEMA;

    this.table = new dynamodb.TableV2(this, 'Tasks', {
      partitionKey: { name: TABLE_SCHEMA.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE_SCHEMA.sortKey, type: dynamodb.AttributeType.STRING },
      billing: dynamodb.Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryptionV2.awsManagedKey(),
      timeToLiveAttribute: TABLE_SCHEMA.ttlAttribute,
      deletionProtection: config.deletionProtection,
      removalPolicy: removalPolicyOf(config),
      globalSecondaryIndexes: [
        {
          indexName: statusIndex.name,
          partitionKey: { name: statusIndex.partitionKey, type: dynamodb.AttributeType.STRING },
          sortKey: { name: statusIndex.sortKey, type: dynamodb.AttributeType.STRING },
          projectionType: dynamodb.ProjectionType.ALL,
        },
      ],
    });
  }
}
