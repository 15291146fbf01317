/**
 * `npm start -- --assembly <dir>`: the local cloud runs a cloud assembly synthesized elsewhere
 * (by `cdk synth`, CI, another CDK app) as it is on disk, including edits made after the synth.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../src/assembly/index.js';
import { EMPTY_PROFILE, LocalCloudError } from '../src/index.js';
import { buildFixtureApp } from './fixtures/app.js';
import { startTestCloud } from './support/cloud.js';

// Inside the repository, so the fixture function finds the AWS SDK in its node_modules.
const root = join(REPO_ROOT, '.local-cloud');
let outdir: string;

beforeAll(() => {
  mkdirSync(root, { recursive: true });
  outdir = mkdtempSync(join(root, 'test-assembly-'));
});

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

interface FunctionProperties {
  Environment: { Variables: Record<string, unknown> };
}

const start = (assemblyDir: string, stage = 'dev') =>
  startTestCloud({ assemblyDir, stage, profile: EMPTY_PROFILE });

describe('running an already synthesized cloud assembly', () => {
  it('runs the templates as they are on disk, edited after the synth', async () => {
    // Arrange: synthesize, then change the function's environment in the Api template file.
    const dir = join(outdir, 'staged');
    buildFixtureApp(dir).app.synth();
    const stageDir = join(dir, 'assembly-Fixture-dev');
    const file = join(stageDir, readdirSync(stageDir).find((f) => /Api.*\.template\.json$/.test(f)) ?? '');
    const template = JSON.parse(readFileSync(file, 'utf8'));
    const resources = template.Resources as Record<string, { Type: string; Properties: FunctionProperties }>;
    const fn = Object.values(resources).find((r) => r.Type === 'AWS::Lambda::Function');
    if (!fn) throw new Error('the fixture has no function');
    fn.Properties.Environment.Variables.TABLE_NAME = 'edited-after-synth';
    writeFileSync(file, JSON.stringify(template));
    // Act
    const cloud = await start(dir);
    try {
      const response = await fetch(new URL('files/echo', cloud.url('apigateway')));
      // Assert
      expect(response.status).toBe(200);
      expect(((await response.json()) as { env: Record<string, string> }).env.TABLE_NAME).toBe(
        'edited-after-synth',
      );
      expect(cloud.assembly.stageName).toBe('Fixture-dev');
    } finally {
      await cloud.stop();
    }
  }, 60_000);

  it('runs an app without stages as one stage: its stacks', async () => {
    const dir = join(outdir, 'flat');
    const app = new App({ outdir: dir, builtinCloudFormationValidation: false, analyticsReporting: false });
    new dynamodb.Table(new Stack(app, 'Flat'), 'Table', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    });
    app.synth();
    const cloud = await start(dir);
    try {
      expect(cloud.endpoints().map((e) => e.id)).toContain('dynamodb');
    } finally {
      await cloud.stop();
    }
  });

  it.each([
    ['a folder that does not exist', (dir: string) => join(dir, 'missing'), /no such folder/],
    [
      'a folder that is not an assembly',
      (dir: string) => dir,
      /is not a cloud assembly \(it has no manifest\.json\)/,
    ],
    [
      'a manifest.json that is not an assembly manifest',
      (dir: string) => {
        writeFileSync(join(dir, 'manifest.json'), '{}');
        return dir;
      },
      /is not a cloud assembly: its manifest\.json has no "version"/,
    ],
  ])('refuses %s with one line', async (_case, pick, message) => {
    const dir = mkdtempSync(join(outdir, 'empty-'));
    const started = start(pick(dir));
    await expect(started).rejects.toBeInstanceOf(LocalCloudError);
    await expect(started).rejects.toThrow(message);
  });

  it('refuses a stage the assembly does not hold, listing those it does', async () => {
    const dir = join(outdir, 'staged-2');
    buildFixtureApp(dir).app.synth();
    await expect(start(dir, 'prod')).rejects.toThrow(
      'The cloud assembly has no stage "prod" (stages: Fixture-dev); choose one with --stage <name>.',
    );
  });
});
