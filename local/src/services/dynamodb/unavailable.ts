/**
 * The `dynamodb-unavailable` fault: while it is active on a table, the front answers every call on
 * it as DynamoDB does when it cannot serve a request — HTTP 500 `InternalServerError`, which the
 * AWS SDK and the API's store retry with backoff before giving up — and nothing reaches the store, so no
 * write is half-done. The local cloud's log says when the table became unavailable, when it came
 * back and how many calls it refused in between.
 */
import type { FaultRegistry } from '../../faults.js';
import type { LocalDynamoDb } from './index.js';

const KIND = 'dynamodb-unavailable';

/** Defines the fault kind and the front guard that honours it. */
export function unavailableOnFault(
  dynamodb: LocalDynamoDb,
  faults: FaultRegistry,
  log: (line: string) => void,
): void {
  /** Calls refused per active fault, by fault id. */
  const refused = new Map<string, number>();
  faults.define({
    name: KIND,
    description:
      'Every call on the table fails with 500 InternalServerError, as when DynamoDB cannot serve it (the SDK retries it); the stored items are untouched.',
    targets: () => dynamodb.tableNames(),
    start: (fault) => {
      refused.set(fault.id, 0);
      log(
        `[DynamoDB] table ${fault.target} is unavailable (fault ${fault.id}): every call answers 500 InternalServerError until the fault is cleared`,
      );
    },
    stop: (fault) => {
      log(
        `[DynamoDB] table ${fault.target} is available again; it refused ${refused.get(fault.id) ?? 0} calls while unavailable (fault ${fault.id})`,
      );
      refused.delete(fault.id);
    },
  });
  dynamodb.addGuard((call) => {
    for (const resource of call.resources) {
      const fault = faults.active(KIND, resource.table);
      if (!fault) continue;
      refused.set(fault.id, (refused.get(fault.id) ?? 0) + 1);
      return { status: 500, type: 'InternalServerError', message: 'Internal server error' };
    }
    return undefined;
  });
}
