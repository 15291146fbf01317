/** Data persists in the data folder between runs; a corrupt folder is refused, not wiped. */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { readStageAssembly } from '../src/assembly/index.js';
import { type LocalCloud, LocalCloudError, startLocalCloud } from '../src/index.js';
import { buildFixtureApp } from './fixtures/app.js';
import { EPHEMERAL_PORTS, userPoolOf } from './support/cloud.js';

const outdir = mkdtempSync(join(tmpdir(), 'local-cloud-persist-'));
const assembly = readStageAssembly(buildFixtureApp(outdir).app.synth(), 'dev');
const dataDir = join(outdir, 'data');
const ports = EPHEMERAL_PORTS;

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

function dynamodb(cloud: LocalCloud): DynamoDBClient {
  return new DynamoDBClient({
    endpoint: cloud.url('dynamodb'),
    region: 'eu-west-1',
    credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
  });
}

function tableName(cloud: LocalCloud): string {
  const detail = cloud.describe().find((s) => s.name === 'DynamoDB')?.resources[0]?.detail ?? '';
  return detail.split(' ')[0] ?? '';
}

describe('the data folder', () => {
  it('keeps items, the table name and the user pool id between runs', async () => {
    const first = await startLocalCloud({ assembly, dataDir, ports, log: () => {} });
    const name = tableName(first);
    const client = dynamodb(first);
    await client.send(
      new PutItemCommand({
        TableName: name,
        Item: { pk: { S: 'USER#1' }, sk: { S: 'TASK#1' }, title: { S: 'kept' } },
      }),
    );
    client.destroy();
    const poolId = userPoolOf(first).id;
    await first.stop();

    const second = await startLocalCloud({ assembly, dataDir, ports, log: () => {} });
    try {
      expect(tableName(second)).toBe(name);
      expect(userPoolOf(second).id).toBe(poolId);
      const again = dynamodb(second);
      const item = await again.send(
        new GetItemCommand({ TableName: name, Key: { pk: { S: 'USER#1' }, sk: { S: 'TASK#1' } } }),
      );
      again.destroy();
      expect(item.Item?.title?.S).toBe('kept');
    } finally {
      await second.stop();
    }
  }, 30_000);

  it('refuses a data folder another local cloud is using, without suggesting --reset', async () => {
    const first = await startLocalCloud({ assembly, dataDir, ports, log: () => {} });
    try {
      await expect(startLocalCloud({ assembly, dataDir, ports, log: () => {} })).rejects.toThrow(
        new LocalCloudError(
          `The data folder ${dataDir} is in use by another local cloud (pid ${process.pid}); stop that one first, or use --in-memory or another --data-dir.`,
        ),
      );
    } finally {
      await first.stop();
    }
  }, 30_000);

  it('refuses a corrupt DynamoDB table file instead of crashing on the first read', async () => {
    const copy = join(outdir, 'data-bad-table');
    cpSync(dataDir, copy, { recursive: true });
    const folder = join(copy, 'dynamodb');
    const tables = readdirSync(folder).filter((f) => f.endsWith('.ldb'));
    expect(tables.length).toBeGreaterThan(0);
    for (const file of tables) writeFileSync(join(folder, file), 'garbage'.repeat(64));
    const started = startLocalCloud({ assembly, dataDir: copy, ports, log: () => {} });
    await expect(started).rejects.toBeInstanceOf(LocalCloudError);
    await expect(started).rejects.toThrow(/cannot be read .*--reset/);
    for (const file of tables) expect(readFileSync(join(folder, file), 'utf8')).toBe('garbage'.repeat(64));
  }, 30_000);

  it('refuses a data folder that is a file, naming the flag', async () => {
    const file = join(outdir, 'not-a-folder');
    writeFileSync(file, 'x');
    await expect(startLocalCloud({ assembly, dataDir: file, ports, log: () => {} })).rejects.toThrow(
      new LocalCloudError(`The data folder ${file} is a file; choose a folder with --data-dir <path>.`),
    );
  });

  it('refuses corrupt DynamoDB files with a one-line error naming the folder, and leaves them as they were', async () => {
    const folder = join(dataDir, 'dynamodb');
    const files = readdirSync(folder).filter((f) => f === 'CURRENT' || f.startsWith('MANIFEST'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) writeFileSync(join(folder, file), 'garbage');
    const started = startLocalCloud({ assembly, dataDir, ports, log: () => {} });
    await expect(started).rejects.toBeInstanceOf(LocalCloudError);
    await expect(started).rejects.toThrow(folder);
    await expect(started).rejects.toThrow(/--reset/);
    for (const file of files) expect(readFileSync(join(folder, file), 'utf8')).toBe('garbage');
  }, 30_000);
});
