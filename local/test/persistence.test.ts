/** Data persists in the data folder between runs; a corrupt folder is refused, not wiped. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { readStageAssembly } from '../src/assembly/index.js';
import { type LocalCloud, LocalCloudError, startLocalCloud } from '../src/index.js';
import { buildFixtureApp } from './fixtures/app.js';

const outdir = mkdtempSync(join(tmpdir(), 'local-cloud-persist-'));
const assembly = readStageAssembly(buildFixtureApp(outdir).app.synth(), 'dev');
const dataDir = join(outdir, 'data');
const ports = { api: 0, web: 0, cognito: 0, dynamodb: 0 };

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

function dynamodb(cloud: LocalCloud): DynamoDBClient {
  return new DynamoDBClient({
    endpoint: cloud.urls.dynamodb,
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
    const poolId = first.userPool.id;
    await first.stop();

    const second = await startLocalCloud({ assembly, dataDir, ports, log: () => {} });
    try {
      expect(tableName(second)).toBe(name);
      expect(second.userPool.id).toBe(poolId);
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
