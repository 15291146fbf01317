import { TABLE_SCHEMA, tasksTableDefinition } from '@tasktracker/api/table-schema';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { DataStack } from '../src/data.js';
import { devStack } from './support/assembly.js';
import { testApp } from './support/synth.js';

const { template: devTemplate } = await devStack('Data');

describe('data stack', () => {
  it('creates the tasks table on demand with PITR and encryption', () => {
    devTemplate.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { SSEEnabled: true },
      Replicas: [{ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }],
    });
  });

  it('takes keys, the status index and the TTL attribute from the API table schema', () => {
    const { statusIndex } = TABLE_SCHEMA;
    devTemplate.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [
        { AttributeName: TABLE_SCHEMA.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE_SCHEMA.sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: statusIndex.name,
          KeySchema: [
            { AttributeName: statusIndex.partitionKey, KeyType: 'HASH' },
            { AttributeName: statusIndex.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
      TimeToLiveSpecification: { AttributeName: TABLE_SCHEMA.ttlAttribute, Enabled: true },
    });
  });

  it('deploys exactly the table the API tests create: one declaration, two renderings', () => {
    const table = Object.values(devTemplate.findResources('AWS::DynamoDB::GlobalTable'))[0]?.Properties;
    const request = tasksTableDefinition('unused');
    expect(table.BillingMode).toBe(request.BillingMode);
    expect(table.KeySchema).toEqual(request.KeySchema);
    expect(new Set(table.AttributeDefinitions.map((a: object) => JSON.stringify(a)))).toEqual(
      new Set(request.AttributeDefinitions.map((a) => JSON.stringify(a))),
    );
    expect(table.GlobalSecondaryIndexes).toEqual(request.GlobalSecondaryIndexes);
  });

  it('lets dev delete the table', () => {
    const table = Object.values(devTemplate.findResources('AWS::DynamoDB::GlobalTable'))[0];
    expect(table?.DeletionPolicy).toBe('Delete');
    expect(JSON.stringify(table?.Properties.Replicas)).toContain('"DeletionProtectionEnabled":false');
  });

  it('retains and deletion-protects the prod table', () => {
    // The stack takes only the slice of stage config it uses.
    const stack = new DataStack(testApp(), 'Data', {
      config: { removalPolicy: 'retain', deletionProtection: true },
    });
    const table = Object.values(Template.fromStack(stack).findResources('AWS::DynamoDB::GlobalTable'))[0];
    expect(table?.DeletionPolicy).toBe('Retain');
    expect(table?.UpdateReplacePolicy).toBe('Retain');
    expect(JSON.stringify(table?.Properties.Replicas)).toContain('"DeletionProtectionEnabled":true');
  });
});
