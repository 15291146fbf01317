/**
 * The bench's view of a DynamoDB-API store: an SDK client for it, and a recording proxy that
 * asks the store for the consumed capacity of every call passing through it. The store itself
 * is the API's local store (`@tasktracker/api/test-support/local-store`), as the tests run it.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LOCAL_STORE_AWS_ENV } from '@tasktracker/api/test-support/local-store';

function listen(server: Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve(`http://127.0.0.1:${port}`);
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

export function storeClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: LOCAL_STORE_AWS_ENV.AWS_REGION,
    credentials: {
      accessKeyId: LOCAL_STORE_AWS_ENV.AWS_ACCESS_KEY_ID,
      secretAccessKey: LOCAL_STORE_AWS_ENV.AWS_SECRET_ACCESS_KEY,
    },
  });
}

/** One DynamoDB call seen by the recording proxy. */
export interface RecordedCall {
  /** The operation, e.g. `GetItem` (from X-Amz-Target). */
  readonly operation: string;
  /** Capacity units the store reports for the call (0 when it reports none). */
  readonly capacityUnits: number;
  /** Whether the operation reads (RCU) or writes (WCU). */
  readonly kind: 'read' | 'write' | 'other';
}

const READS = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems']);
const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);

export interface RecordingProxy {
  readonly endpoint: string;
  /** Calls since the last `take()`, which clears them. */
  take(): RecordedCall[];
  close(): Promise<void>;
}

/** Sum of `CapacityUnits` in a response's ConsumedCapacity (an object or a list of them). */
export function capacityOf(response: unknown): number {
  if (typeof response !== 'object' || response === null) return 0;
  const consumed = (response as { ConsumedCapacity?: unknown }).ConsumedCapacity;
  const list = Array.isArray(consumed) ? consumed : consumed === undefined ? [] : [consumed];
  return list.reduce<number>((sum, c) => {
    const units = (c as { CapacityUnits?: unknown }).CapacityUnits;
    return sum + (typeof units === 'number' ? units : 0);
  }, 0);
}

/**
 * An HTTP proxy in front of `target` that adds `ReturnConsumedCapacity: TOTAL` to every
 * request that does not already ask for it, and records what the store answers. The store does not verify signatures, so
 * the rewritten body is accepted; responses pass through unchanged.
 */
export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  let calls: RecordedCall[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const operation =
        String(req.headers['x-amz-target'] ?? '')
          .split('.')
          .pop() ?? '';
      let body = Buffer.concat(chunks);
      try {
        const json = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
        const asked = json.ReturnConsumedCapacity;
        if ((READS.has(operation) || WRITES.has(operation)) && (asked === undefined || asked === 'NONE')) {
          json.ReturnConsumedCapacity = 'TOTAL';
        }
        body = Buffer.from(JSON.stringify(json));
      } catch {
        // Not JSON: forward it untouched and let the store answer the error.
      }
      const headers = { ...req.headers, 'content-length': String(body.length) };
      delete headers['transfer-encoding'];
      const upstream = httpRequest(`${target}${req.url ?? '/'}`, { method: req.method, headers }, (up) => {
        const out: Buffer[] = [];
        up.on('data', (c: Buffer) => out.push(c));
        up.on('end', () => {
          const payload = Buffer.concat(out);
          let parsed: unknown;
          try {
            parsed = JSON.parse(payload.toString('utf8'));
          } catch {
            parsed = undefined;
          }
          const kind = READS.has(operation) ? 'read' : WRITES.has(operation) ? 'write' : 'other';
          calls.push({ operation, capacityUnits: capacityOf(parsed), kind });
          res.writeHead(up.statusCode ?? 502, up.headers);
          res.end(payload);
        });
      });
      upstream.on('error', (err) => {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`bench proxy: ${err.message}`);
      });
      upstream.end(body);
    });
  });
  const endpoint = await listen(server);
  return {
    endpoint,
    take() {
      const taken = calls;
      calls = [];
      return taken;
    },
    close: () => close(server),
  };
}
