/**
 * The `dynamodb-throttle` fault: while it is active on a table, the front answers the table's
 * reads, writes or both as DynamoDB does when a table is over its throughput — HTTP 400
 * `ProvisionedThroughputExceededException`, which the AWS SDK retries with backoff before giving
 * up — and the throttle events reach CloudWatch like any other throttled call.
 */
import type { FaultRegistry } from '../../faults.js';
import { type DynamoDbCall, READS, WRITES } from './front.js';
import type { LocalDynamoDb } from './index.js';

/** Defines the fault kind and the front guard that honours it. */
export function throttleOnFault(dynamodb: LocalDynamoDb, faults: FaultRegistry): void {
  faults.define({
    name: 'dynamodb-throttle',
    description:
      "The table's reads, writes or both are throttled with ProvisionedThroughputExceededException (the SDK retries them).",
    targets: () => dynamodb.tableNames(),
    parameters: {
      operations: {
        type: 'choice',
        description: 'which calls are throttled',
        choices: ['reads', 'writes', 'all'],
        default: 'all',
      },
    },
  });
  dynamodb.addGuard((call) => {
    const throttled = call.resources.some((resource) => {
      const fault = faults.active('dynamodb-throttle', resource.table);
      return fault !== undefined && affects(String(fault.parameters.operations), call);
    });
    if (!throttled) return undefined;
    return {
      status: 400,
      type: 'ProvisionedThroughputExceededException',
      message:
        'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
    };
  });
}

function affects(operations: string, call: DynamoDbCall): boolean {
  if (operations === 'reads') return READS.has(call.operation);
  if (operations === 'writes') return WRITES.has(call.operation);
  return READS.has(call.operation) || WRITES.has(call.operation);
}
