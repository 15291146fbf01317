/**
 * The DynamoDB front: what the AWS SDK talks to at `AWS_ENDPOINT_URL_DYNAMODB`. It sees every
 * call before the local store does — the operation (`X-Amz-Target`), the caller's SigV4 access
 * key, the tables and indexes it touches — so guards (IAM, injected faults) can refuse it with
 * DynamoDB's own error, and it records what CloudWatch would: the capacity each call consumed,
 * per table and per global secondary index, asked of the store with `ReturnConsumedCapacity` (and,
 * for index writes the store does not count, worked out from the items before and after the write),
 * and the throttle events of the calls a guard throttled.
 */
import { Agent, type IncomingMessage, request, type ServerResponse } from 'node:http';
import { crc32 } from 'node:zlib';
import { LoopbackServer } from '../../loopback.js';
import type { MetricSink } from '../cloudwatch/metrics.js';
import { type Item, indexWriteUnits, keyOf, readUnits, type TableShape, writeUnits } from './index-units.js';

const TARGET_PREFIX = 'DynamoDB_20120810.';
/** DynamoDB's largest request (a BatchWriteItem of 25 × 400 KB items) with room for JSON overhead. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** A table, or an index of one, that a call reads or writes. */
export interface DynamoDbResource {
  readonly table: string;
  readonly index?: string;
  /** `arn:aws:dynamodb:<region>:<account>:table/<t>` or `…/index/<i>`; `*` for ListTables. */
  readonly arn: string;
}

/** One call as the front sees it before the store does. */
export interface DynamoDbCall {
  /** `Query`, `PutItem`, … */
  readonly operation: string;
  /** The IAM action: `dynamodb:Query`. */
  readonly action: string;
  /** The SigV4 access key the caller signed with, if it signed. */
  readonly accessKeyId: string | undefined;
  readonly resources: readonly DynamoDbResource[];
  readonly input: Readonly<Record<string, unknown>>;
}

/** DynamoDB's answer to a refused call: `{"__type":"com.amazonaws.dynamodb.v20120810#<type>","message"}`. */
export interface DynamoDbRejection {
  readonly status: number;
  readonly type: string;
  readonly message: string;
}

/** Looks at a call before the store does; a rejection is what the caller gets instead. */
export type DynamoDbGuard = (call: DynamoDbCall) => DynamoDbRejection | undefined;

/** The data-plane operations that read, and those that write (what capacity and throttles count). */
export const READS: ReadonlySet<string> = new Set([
  'GetItem',
  'BatchGetItem',
  'Query',
  'Scan',
  'TransactGetItems',
]);
export const WRITES: ReadonlySet<string> = new Set([
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'BatchWriteItem',
  'TransactWriteItems',
]);
/** The errors with which DynamoDB throttles a call (the SDK retries both). */
export const THROTTLING_ERRORS = new Set(['ProvisionedThroughputExceededException', 'ThrottlingException']);

/** One item a write touches: its table and key, and the item it puts (undefined for a delete). */
interface ItemWrite {
  readonly table: string;
  readonly key: Item;
  readonly put?: Item;
}

export interface DynamoDbFrontOptions {
  /** The public port (0 = ephemeral). */
  readonly port: number;
  /** Where the local store listens. */
  readonly storeUrl: string;
  readonly region: string;
  readonly accountId: string;
  readonly metrics: MetricSink;
  readonly log: (line: string) => void;
  /** Keys and global secondary indexes of each table, by name: what index writes cost. @default none */
  readonly tables?: ReadonlyMap<string, TableShape>;
}

export class DynamoDbFront {
  private readonly server = new LoopbackServer(
    (req, res) => this.handle(req, res),
    (res, err) => {
      this.options.log(`[DynamoDB] internal error: ${(err as Error).message}`);
      sendRejection(res, { status: 500, type: 'InternalServerError', message: 'Internal server error' });
    },
  );
  private readonly guards: DynamoDbGuard[] = [];
  private readonly agent = new Agent({ keepAlive: true });

  constructor(private readonly options: DynamoDbFrontOptions) {}

  get url(): string | undefined {
    return this.server.url;
  }

  /** Adds a guard; guards run in the order added and the first rejection wins. */
  addGuard(guard: DynamoDbGuard): void {
    this.guards.push(guard);
  }

  async start(): Promise<void> {
    await this.server.start(this.options.port);
  }

  async stop(): Promise<void> {
    this.agent.destroy();
    await this.server.stop();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    if (body === undefined) {
      sendRejection(res, { status: 413, type: 'ValidationException', message: 'Request too large.' });
      return;
    }
    const call = this.callOf(req, body);
    if (call) {
      for (const guard of this.guards) {
        const rejection = guard(call);
        if (rejection) {
          if (THROTTLING_ERRORS.has(rejection.type)) this.recordThrottle(call);
          sendRejection(res, rejection);
          return;
        }
      }
    }
    const tracksCapacity = call !== undefined && (READS.has(call.operation) || WRITES.has(call.operation));
    // A caller that asks for INDEXES already asks what the front needs: its request and the
    // store's answer pass as they are, without being serialized again.
    const askedIndexes = call?.input.ReturnConsumedCapacity === 'INDEXES';
    const forwarded =
      call && tracksCapacity && !askedIndexes
        ? Buffer.from(JSON.stringify({ ...call.input, ReturnConsumedCapacity: 'INDEXES' }))
        : body;
    const writes = call ? this.itemWrites(call) : [];
    const before = await Promise.all(writes.map((write) => this.storedItem(req, write)));
    const answer = await this.forward(req, forwarded);
    if (!call || !tracksCapacity || answer.status !== 200) {
      res.writeHead(answer.status, answer.headers).end(answer.body);
      return;
    }
    const output = JSON.parse(answer.body.toString('utf8')) as Record<string, unknown>;
    const measured = WRITES.has(call.operation)
      ? await this.recordWrites(req, writes, before)
      : this.recordReads(call, output);
    this.recordCapacity(call.operation, output.ConsumedCapacity, measured);
    if (askedIndexes) {
      res.writeHead(200, answer.headers).end(answer.body);
      return;
    }
    const asked = call.input.ReturnConsumedCapacity;
    const replied = Buffer.from(JSON.stringify(withConsumedCapacityAsAsked(output, asked)));
    res
      .writeHead(200, {
        ...answer.headers,
        'content-length': String(replied.length),
        // The SDK checks the body against this checksum; the body changed, so it must too.
        'x-amz-crc32': String(crc32(replied)),
      })
      .end(replied);
  }

  /** The call in the request, or undefined when it is not one the front can read (the store answers). */
  private callOf(req: IncomingMessage, body: Buffer): DynamoDbCall | undefined {
    const target = req.headers['x-amz-target'];
    if (typeof target !== 'string' || !target.startsWith(TARGET_PREFIX)) return undefined;
    let input: unknown;
    try {
      input = JSON.parse(body.toString('utf8') || '{}');
    } catch {
      return undefined;
    }
    if (typeof input !== 'object' || input === null || Array.isArray(input)) return undefined;
    const operation = target.slice(TARGET_PREFIX.length);
    const record = input as Record<string, unknown>;
    return {
      operation,
      action: `dynamodb:${operation}`,
      accessKeyId: accessKeyOf(req.headers.authorization),
      resources: resourcesOf(operation, record).map((r) => ({ ...r, arn: this.arnOf(r) })),
      input: record,
    };
  }

  private arnOf(resource: { table: string; index?: string }): string {
    if (resource.table === '*') return '*';
    const table = `arn:aws:dynamodb:${this.options.region}:${this.options.accountId}:table/${resource.table}`;
    return resource.index === undefined ? table : `${table}/index/${resource.index}`;
  }

  /** The store's own figures, for the tables whose units the front did not work out itself. */
  private recordCapacity(operation: string, consumed: unknown, measured: ReadonlySet<string>): void {
    const metric = READS.has(operation) ? 'ConsumedReadCapacityUnits' : 'ConsumedWriteCapacityUnits';
    for (const entry of [consumed].flat()) {
      if (typeof entry !== 'object' || entry === null) continue;
      const { TableName, Table, CapacityUnits, GlobalSecondaryIndexes } = entry as ConsumedCapacity;
      if (typeof TableName !== 'string' || measured.has(TableName)) continue;
      const tableUnits = Table?.CapacityUnits ?? CapacityUnits ?? 0;
      this.options.metrics.record('AWS/DynamoDB', metric, { TableName }, tableUnits);
      for (const [index, units] of Object.entries(GlobalSecondaryIndexes ?? {}))
        this.options.metrics.record(
          'AWS/DynamoDB',
          metric,
          { TableName, GlobalSecondaryIndexName: index },
          units.CapacityUnits ?? 0,
        );
    }
  }

  /**
   * A write's units from the item before and after it, for the template's tables: the table's
   * (the larger of the two, per KB of UTF-8 — the store counts a string's characters instead) and
   * each global secondary index's, which the store does not count at all. Returns the tables done.
   */
  private async recordWrites(
    req: IncomingMessage,
    writes: readonly ItemWrite[],
    before: ReadonlyArray<Item | undefined>,
  ): Promise<Set<string>> {
    const measured = new Set<string>();
    for (const [i, write] of writes.entries()) {
      const shape = this.options.tables?.get(write.table);
      if (!shape) continue;
      measured.add(write.table);
      const after = write.put ?? (await this.storedItem(req, write));
      const table = { TableName: write.table };
      const metric = 'ConsumedWriteCapacityUnits';
      this.options.metrics.record('AWS/DynamoDB', metric, table, writeUnits(before[i], after));
      for (const [index, units] of indexWriteUnits(shape, before[i], after))
        this.options.metrics.record(
          'AWS/DynamoDB',
          metric,
          { ...table, GlobalSecondaryIndexName: index },
          units,
        );
    }
    return measured;
  }

  /**
   * A read's units from the items it returned, when they are the items it read (no projection,
   * no filter): per 4 KB of UTF-8, halved for an eventually consistent read. Returns the tables done.
   */
  private recordReads(call: DynamoDbCall, output: Record<string, unknown>): Set<string> {
    const { input, operation } = call;
    const measured = new Set<string>();
    const whole = ![
      'ProjectionExpression',
      'AttributesToGet',
      'FilterExpression',
      'QueryFilter',
      'ScanFilter',
    ].some((key) => input[key] !== undefined);
    const table = input.TableName;
    if (!whole || typeof table !== 'string' || !this.options.tables?.has(table)) return measured;
    const consistent = input.ConsistentRead === true;
    let units: number | undefined;
    if (operation === 'GetItem')
      units = readUnits([isItem(output.Item) ? output.Item : undefined], consistent, true);
    if (
      (operation === 'Query' || operation === 'Scan') &&
      input.Select !== 'COUNT' &&
      Array.isArray(output.Items)
    )
      units = readUnits(output.Items.filter(isItem), consistent, false);
    if (units === undefined) return measured;
    const dimensions: Record<string, string> =
      typeof input.IndexName === 'string'
        ? { TableName: table, GlobalSecondaryIndexName: input.IndexName }
        : { TableName: table };
    this.options.metrics.record('AWS/DynamoDB', 'ConsumedReadCapacityUnits', dimensions, units);
    measured.add(table);
    return measured;
  }

  /** The item writes of a call on the template's tables (none for other calls). */
  private itemWrites(call: DynamoDbCall): ItemWrite[] {
    const known = (table: unknown): table is string =>
      typeof table === 'string' && this.options.tables?.has(table) === true;
    const { input, operation } = call;
    if (operation === 'PutItem' && known(input.TableName) && isItem(input.Item)) {
      const shape = this.options.tables?.get(input.TableName);
      return shape ? [{ table: input.TableName, key: keyOf(shape, input.Item), put: input.Item }] : [];
    }
    if (
      (operation === 'UpdateItem' || operation === 'DeleteItem') &&
      known(input.TableName) &&
      isItem(input.Key)
    )
      return [{ table: input.TableName, key: input.Key }];
    if (operation !== 'BatchWriteItem' || !isItem(input.RequestItems)) return [];
    return Object.entries(input.RequestItems).flatMap(([table, requests]) => {
      const shape = this.options.tables?.get(table);
      if (!shape || !Array.isArray(requests)) return [];
      return requests.flatMap(
        (request: { PutRequest?: { Item?: unknown }; DeleteRequest?: { Key?: unknown } }) => {
          const put = request.PutRequest?.Item;
          if (isItem(put)) return [{ table, key: keyOf(shape, put), put }];
          const key = request.DeleteRequest?.Key;
          return isItem(key) ? [{ table, key }] : [];
        },
      );
    });
  }

  /** The item as the store holds it now (a consistent read), or undefined. */
  private async storedItem(req: IncomingMessage, write: ItemWrite): Promise<Item | undefined> {
    const answer = await this.forward(
      req,
      Buffer.from(JSON.stringify({ TableName: write.table, Key: write.key, ConsistentRead: true })),
      `${TARGET_PREFIX}GetItem`,
    );
    if (answer.status !== 200) return undefined;
    const { Item: item } = JSON.parse(answer.body.toString('utf8')) as { Item?: unknown };
    return isItem(item) ? item : undefined;
  }

  /**
   * A throttled call, as CloudWatch counts it: one `ThrottledRequests` for the operation, and one
   * read or write throttle event per table or index it touched.
   */
  private recordThrottle(call: DynamoDbCall): void {
    const metric = READS.has(call.operation) ? 'ReadThrottleEvents' : 'WriteThrottleEvents';
    for (const resource of call.resources) {
      if (resource.table === '*') continue;
      const table = { TableName: resource.table };
      this.options.metrics.record(
        'AWS/DynamoDB',
        'ThrottledRequests',
        { ...table, Operation: call.operation },
        1,
      );
      if (!READS.has(call.operation) && !WRITES.has(call.operation)) continue;
      const dimensions =
        resource.index === undefined ? table : { ...table, GlobalSecondaryIndexName: resource.index };
      this.options.metrics.record('AWS/DynamoDB', metric, dimensions, 1);
    }
  }

  private forward(
    req: IncomingMessage,
    body: Buffer,
    target?: string,
  ): Promise<{ status: number; headers: Record<string, string | string[]>; body: Buffer }> {
    // Header names are the client's: a null-prototype record keeps `__proto__` an ordinary name.
    const headers: Record<string, string | string[]> = Object.create(null);
    for (const [name, value] of Object.entries(req.headers))
      if (value !== undefined && name !== 'content-length' && name !== 'host') headers[name] = value;
    headers['content-length'] = String(body.length);
    if (target !== undefined) headers['x-amz-target'] = target;
    return new Promise((resolve, reject) => {
      const upstream = request(
        this.options.storeUrl,
        { method: req.method ?? 'POST', path: req.url ?? '/', headers, agent: this.agent },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            const out: Record<string, string | string[]> = Object.create(null);
            for (const [name, value] of Object.entries(response.headers))
              if (value !== undefined && name !== 'connection' && name !== 'keep-alive') out[name] = value;
            resolve({ status: response.statusCode ?? 500, headers: out, body: Buffer.concat(chunks) });
          });
          response.on('error', reject);
        },
      );
      upstream.on('error', reject);
      upstream.end(body);
    });
  }
}

function isItem(value: unknown): value is Item {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

interface ConsumedCapacity {
  TableName?: unknown;
  CapacityUnits?: number;
  Table?: { CapacityUnits?: number };
  GlobalSecondaryIndexes?: Record<string, { CapacityUnits?: number }>;
  LocalSecondaryIndexes?: Record<string, { CapacityUnits?: number }>;
}

/** The tables (and indexes) an operation names, as IAM sees them. */
function resourcesOf(
  operation: string,
  input: Record<string, unknown>,
): Array<{ table: string; index?: string }> {
  if (operation === 'ListTables') return [{ table: '*' }];
  if (operation === 'BatchGetItem' || operation === 'BatchWriteItem') {
    const items = input.RequestItems;
    return typeof items === 'object' && items !== null ? Object.keys(items).map((table) => ({ table })) : [];
  }
  if (operation === 'TransactGetItems' || operation === 'TransactWriteItems') {
    const items = Array.isArray(input.TransactItems) ? input.TransactItems : [];
    return items.flatMap((item: unknown) =>
      Object.values(typeof item === 'object' && item !== null ? item : {}).flatMap((part: unknown) => {
        const table = (part as { TableName?: unknown } | null)?.TableName;
        return typeof table === 'string' ? [{ table }] : [];
      }),
    );
  }
  if (typeof input.TableName !== 'string') return [];
  return [
    typeof input.IndexName === 'string'
      ? { table: input.TableName, index: input.IndexName }
      : { table: input.TableName },
  ];
}

/** Gives the caller the consumed capacity it asked for (none, TOTAL or INDEXES), not what the front asked. */
function withConsumedCapacityAsAsked(
  output: Record<string, unknown>,
  asked: unknown,
): Record<string, unknown> {
  if (asked === 'INDEXES' || output.ConsumedCapacity === undefined) return output;
  const { ConsumedCapacity, ...rest } = output;
  if (asked !== 'TOTAL') return rest;
  const total = (entry: unknown) => {
    const { TableName, CapacityUnits } = (entry ?? {}) as ConsumedCapacity;
    return { TableName, CapacityUnits };
  };
  return {
    ...rest,
    ConsumedCapacity: Array.isArray(ConsumedCapacity) ? ConsumedCapacity.map(total) : total(ConsumedCapacity),
  };
}

/** The access key of a SigV4 `Authorization` header (`… Credential=<key>/<date>/<region>/dynamodb/aws4_request, …`). */
export function accessKeyOf(authorization: string | undefined): string | undefined {
  return /Credential=([^/,\s]+)\//.exec(authorization ?? '')?.[1];
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * Errors DynamoDB's request layer answers before the service runs, with their wire shape: the
 * `com.amazon.coral.service` namespace, and AccessDeniedException's message as `Message`.
 */
const CORAL_ERRORS = new Map([
  ['AccessDeniedException', 'Message'],
  ['UnrecognizedClientException', 'message'],
  ['ThrottlingException', 'message'],
]);

function sendRejection(res: ServerResponse, rejection: DynamoDbRejection): void {
  const coralKey = CORAL_ERRORS.get(rejection.type);
  const body = JSON.stringify(
    coralKey === undefined
      ? { __type: `com.amazonaws.dynamodb.v20120810#${rejection.type}`, message: rejection.message }
      : { __type: `com.amazon.coral.service#${rejection.type}`, [coralKey]: rejection.message },
  );
  res
    .writeHead(rejection.status, {
      'content-type': 'application/x-amz-json-1.0',
      'content-length': String(Buffer.byteLength(body)),
      'x-amz-crc32': String(crc32(body)),
    })
    .end(body);
}
