/**
 * DynamoDB: a front (see front.ts) before dynalite — the DynamoDB API over LevelDB — on
 * 127.0.0.1, with every `AWS::DynamoDB::Table` of the assembly created from its template (keys,
 * GSIs, LSIs, billing). Clients talk to the front; only the front talks to the store.
 */
import { existsSync, mkdirSync } from 'node:fs';
import type { Server, ServerResponse } from 'node:http';
import { join } from 'node:path';
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DynamoDBClient,
  ListTablesCommand,
} from '@aws-sdk/client-dynamodb';
import { Level } from 'level';
import { type AssemblyResource, resourcesOf } from '../../assembly/index.js';
import { LocalCloudError } from '../../errors.js';
import { LOCAL_ACCOUNT_ID, type PhysicalIds } from '../../intrinsics/physical-ids.js';
import { closeServer, listenOnLoopback } from '../../loopback.js';
import {
  addedAndRemoved,
  type LocalService,
  planOf,
  type ReloadPlan,
  ReloadRefused,
  type ServiceContext,
  type ServiceDescription,
} from '../../service.js';
import type { MetricSink } from '../cloudwatch/metrics.js';
import { DynamoDbFront, type DynamoDbGuard } from './front.js';
import { type TableShape, tableShapeOf } from './index-units.js';
import { createLocalStoreServer } from './store.js';

/** How long a stop waits for the store's requests in flight. */
const STORE_DRAIN_MS = 5_000;

/** `GlobalTable` is what CDK's `TableV2` synthesizes; locally it is one table, replicas aside. */
export const TABLE_TYPES = ['AWS::DynamoDB::Table', 'AWS::DynamoDB::GlobalTable'] as const;

export interface LocalDynamoDbOptions {
  readonly ids: PhysicalIds;
  readonly port: number;
  /** Tables persist under `<dataDir>/dynamodb`; undefined keeps them in memory. */
  readonly dataDir?: string;
  readonly metrics: MetricSink;
  readonly log: (line: string) => void;
}

export class LocalDynamoDb implements LocalService {
  private server: Server | undefined;
  private readonly storeRequests = new InFlight();
  private storeUrl: string | undefined;
  private front: DynamoDbFront | undefined;
  private readonly guards: DynamoDbGuard[] = [];
  private tables: AssemblyResource[];
  /** The template's tables' keys and indexes, by name, as the front counts units with them. */
  private readonly shapes = new Map<string, TableShape>();

  constructor(private options: LocalDynamoDbOptions) {
    this.tables = TABLE_TYPES.flatMap((type) => resourcesOf(options.ids.source, type));
  }

  /**
   * Infra live reload: a new table is created; a removed one leaves the template (its items stay
   * in the store, as a table kept by its removal policy would). A table whose keys or indexes
   * change cannot change in place: AWS replaces it, losing its items.
   */
  reload(ctx: ServiceContext): ReloadPlan {
    const tables = TABLE_TYPES.flatMap((type) => resourcesOf(ctx.ids.source, type));
    const key = (table: AssemblyResource) => `${table.stack.stackName}/${table.logicalId}`;
    const before = new Map(
      this.tables.map((table) => [key(table), this.createTableInput(table, this.options.ids)]),
    );
    const after = new Map(tables.map((table) => [key(table), this.createTableInput(table, ctx.ids)]));
    for (const [name, input] of after) {
      const old = before.get(name);
      if (old === undefined) continue;
      const change = structuralChange(old, input);
      if (change)
        throw new ReloadRefused(
          `the table ${name} changes ${change}; to apply it locally, restart with --reset (deletes the local data).`,
        );
    }
    return planOf(addedAndRemoved(before.keys(), after.keys(), 'table'), async () => {
      this.options = { ...this.options, ids: ctx.ids };
      this.tables = tables;
      if (this.storeUrl !== undefined) await this.createTables(this.storeUrl);
      this.setShapes();
    });
  }

  private setShapes(): void {
    this.shapes.clear();
    const names = this.tableNames();
    for (const [i, name] of names.entries()) this.shapes.set(name, this.shapeOf(this.tables[i]));
  }

  /** The front's URL: what clients (and functions, as AWS_ENDPOINT_URL_DYNAMODB) call. */
  get url(): string {
    const url = this.front?.url;
    if (url === undefined) throw new Error('The local DynamoDB has not been started.');
    return url;
  }

  get endpoint(): string | undefined {
    return this.front?.url;
  }

  /** Lets a guard (IAM, an injected fault) look at every call before the store does. */
  addGuard(guard: DynamoDbGuard): void {
    if (this.front) this.front.addGuard(guard);
    else this.guards.push(guard);
  }

  /** The physical names of the template's tables, in template order. */
  tableNames(): string[] {
    return this.tables.map((table) => this.options.ids.ref(table.stack, table.logicalId) ?? table.logicalId);
  }

  private shapeOf(table: AssemblyResource | undefined): TableShape {
    if (!table) return { keys: [], indexes: [] };
    return tableShapeOf({
      KeySchema: this.options.ids.resolve(table, 'KeySchema'),
      GlobalSecondaryIndexes: this.options.ids.resolve(table, 'GlobalSecondaryIndexes'),
    });
  }

  /** Whether the assembly declares any table (no table, nothing to serve). */
  get hasTables(): boolean {
    return this.tables.length > 0;
  }

  get folder(): string | undefined {
    return this.options.dataDir === undefined ? undefined : join(this.options.dataDir, 'dynamodb');
  }

  async start(): Promise<void> {
    const folder = this.folder;
    if (folder !== undefined && !existsSync(folder)) mkdirSync(folder, { recursive: true });
    if (folder !== undefined) await this.checkFolder(folder);
    const server = createLocalStoreServer(folder === undefined ? {} : { path: folder });
    this.storeRequests.watch(server);
    // The store listens where only the front finds it; the front takes the public port.
    this.storeUrl = await listenOnLoopback(server, 0);
    this.server = server;
    await this.createTables(this.storeUrl);
    this.setShapes();
    const front = new DynamoDbFront({
      port: this.options.port,
      storeUrl: this.storeUrl,
      region: this.options.ids.source.region,
      accountId: LOCAL_ACCOUNT_ID,
      metrics: this.options.metrics,
      log: this.options.log,
      tables: this.shapes,
    });
    for (const guard of this.guards.splice(0)) front.addGuard(guard);
    await front.start();
    this.front = front;
  }

  async stop(): Promise<void> {
    const front = this.front;
    this.front = undefined;
    await front?.stop();
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    // The front no longer forwards anything; let the store finish what it already started, so no
    // operation reaches a closed database (dynalite throws outside any request for that).
    await this.storeRequests.drained(STORE_DRAIN_MS);
    await closeServer(server);
  }

  describe(): ServiceDescription {
    return {
      name: 'DynamoDB',
      resources: this.tables.map((table) => ({
        logicalId: table.logicalId,
        type: table.type,
        ...(this.endpoint === undefined ? {} : { url: this.endpoint }),
        detail: `${this.options.ids.ref(table.stack, table.logicalId)}${table.properties.TimeToLiveSpecification ? ' (TTL not enforced locally)' : ''}`,
      })),
    };
  }

  /**
   * Opens the LevelDB folder and reads every entry once before dynalite does: a corrupt one is
   * refused, untouched (dynalite would crash the process on a corrupt table file mid-read).
   */
  private async checkFolder(folder: string): Promise<void> {
    const db = new Level(folder, { createIfMissing: true });
    try {
      await db.open();
      for await (const _ of db.iterator({ fillCache: false })) {
        // Reading is the check: LevelDB verifies each block it reads.
      }
    } catch (err) {
      const { cause: reason } = err as Error & { cause?: Error & { code?: string } };
      if (reason?.code === 'LEVEL_LOCKED')
        throw new LocalCloudError(
          `The data folder ${this.options.dataDir} is in use by another local cloud; stop that one first, or use --in-memory or another --data-dir.`,
        );
      const cause = reason?.message ?? (err as Error).message;
      throw new LocalCloudError(
        `The DynamoDB data folder ${folder} cannot be read (${cause.split('\n')[0]}); run with --reset to start afresh (nothing was deleted).`,
      );
    } finally {
      await db.close();
    }
  }

  /** Creates the template's tables that do not exist yet; existing ones (and their items) are kept. */
  private async createTables(storeUrl: string): Promise<void> {
    const client = new DynamoDBClient({
      endpoint: storeUrl,
      region: this.options.ids.source.region,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    try {
      const existing = new Set(await this.listTables(client));
      for (const table of this.tables) {
        const input = this.createTableInput(table, this.options.ids);
        if (existing.has(input.TableName ?? '')) continue;
        await client.send(new CreateTableCommand(input));
      }
    } finally {
      client.destroy();
    }
  }

  private async listTables(client: DynamoDBClient): Promise<string[]> {
    try {
      return (await client.send(new ListTablesCommand({}))).TableNames ?? [];
    } catch (err) {
      throw new LocalCloudError(
        `The DynamoDB data folder ${this.folder ?? '(memory)'} cannot be read (${(err as Error).message.split('\n')[0]}); run with --reset to start afresh (nothing was deleted).`,
      );
    }
  }

  private createTableInput(table: AssemblyResource, ids: PhysicalIds): CreateTableCommandInput {
    const props = (name: string) => ids.resolve(table, name);
    const onDemand = props('BillingMode') === 'PAY_PER_REQUEST';
    const throughput = (value: unknown) =>
      onDemand
        ? undefined
        : ((value as CreateTableCommandInput['ProvisionedThroughput']) ?? {
            ReadCapacityUnits: 5,
            WriteCapacityUnits: 5,
          });
    const gsis = (
      props('GlobalSecondaryIndexes') as
        | NonNullable<CreateTableCommandInput['GlobalSecondaryIndexes']>
        | undefined
    )?.map((index) => ({
      IndexName: index.IndexName,
      KeySchema: index.KeySchema,
      Projection: index.Projection,
      ProvisionedThroughput: throughput(index.ProvisionedThroughput),
    }));
    return {
      TableName: ids.ref(table.stack, table.logicalId),
      AttributeDefinitions: props('AttributeDefinitions') as CreateTableCommandInput['AttributeDefinitions'],
      KeySchema: props('KeySchema') as CreateTableCommandInput['KeySchema'],
      BillingMode: onDemand ? 'PAY_PER_REQUEST' : 'PROVISIONED',
      ProvisionedThroughput: throughput(props('ProvisionedThroughput')),
      ...(gsis?.length ? { GlobalSecondaryIndexes: gsis } : {}),
      ...(props('LocalSecondaryIndexes')
        ? {
            LocalSecondaryIndexes: props(
              'LocalSecondaryIndexes',
            ) as CreateTableCommandInput['LocalSecondaryIndexes'],
          }
        : {}),
    };
  }
}

/** What a table's change means, if the local store cannot make it in place; undefined if it can. */
function structuralChange(
  before: CreateTableCommandInput,
  after: CreateTableCommandInput,
): string | undefined {
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  if (
    !same(before.TableName, after.TableName) ||
    !same(before.KeySchema, after.KeySchema) ||
    !same(before.LocalSecondaryIndexes, after.LocalSecondaryIndexes)
  )
    return 'its name, key schema or local indexes, which replaces it on AWS (its items are lost)';
  if (
    !same(before.GlobalSecondaryIndexes, after.GlobalSecondaryIndexes) ||
    !same(before.AttributeDefinitions, after.AttributeDefinitions)
  )
    return 'its global secondary indexes, which AWS builds in place and the local store cannot';
  return undefined;
}

/** Counts a server's requests from arrival to the end of their response. */
class InFlight {
  private count = 0;
  private readonly waiters: Array<() => void> = [];

  watch(server: Server): void {
    server.on('request', (_req, res: ServerResponse) => {
      this.count++;
      res.once('close', () => {
        this.count--;
        if (this.count === 0) for (const wake of this.waiters.splice(0)) wake();
      });
    });
  }

  /** Resolves when no request is in flight, or after `timeoutMs`. */
  drained(timeoutMs: number): Promise<void> {
    if (this.count === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
