import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { functionAssets, routeIdOf } from '../src/assembly.js';

const outdir = mkdtempSync(join(tmpdir(), 'bench-assembly-test-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

function lambda(assetPath: string, env: Record<string, unknown> = {}) {
  return {
    Type: 'AWS::Lambda::Function',
    Properties: { Handler: 'index.handler', Environment: { Variables: env } },
    Metadata: { 'aws:asset:path': assetPath },
  };
}

describe('routeIdOf', () => {
  it('picks the route whose id the logical id contains', () => {
    expect(routeIdOf('ApiGetTaskFunction1A2B3C', ['ListTasks', 'GetTask'])).toBe('GetTask');
    expect(routeIdOf('LogRetentionaae0aa3c', ['ListTasks', 'GetTask'])).toBeUndefined();
  });
});

describe('functionAssets', () => {
  it("maps each route's function to its bundled asset in the stage's nested assembly (CLI metadata)", () => {
    const stage = join(outdir, 'assembly-TaskTracker-dev');
    for (const asset of ['asset.aaa', 'asset.bbb', 'asset.ccc']) {
      mkdirSync(join(stage, asset), { recursive: true });
      writeFileSync(join(stage, asset, 'index.mjs'), 'export const handler = async () => ({});\n');
    }
    const template = {
      Resources: {
        ApiListTasksFunctionF00D: lambda('asset.aaa', {
          TABLE_NAME: { Ref: 'Table' },
          POWERTOOLS_LOG_LEVEL: 'INFO',
        }),
        ApiHealthFunctionBEEF: lambda('asset.bbb'),
        CustomLogRetention: lambda('asset.ccc'),
        Table: { Type: 'AWS::DynamoDB::Table' },
      },
    };
    writeFileSync(join(stage, 'TaskTrackerdevApi1234.template.json'), JSON.stringify(template));

    const assets = functionAssets(outdir);

    expect(assets.map((a) => a.routeId)).toEqual(['Health', 'ListTasks']);
    const list = assets[1];
    expect(list?.entry).toBe(join(stage, 'asset.aaa', 'index.mjs'));
    expect(list?.exportName).toBe('handler');
    // Only plain-string variables: intrinsics resolve to local values elsewhere.
    expect(list?.environment).toEqual({ POWERTOOLS_LOG_LEVEL: 'INFO' });
  });

  it('finds the asset through the asset manifest when the template has no asset metadata', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-assembly-manifest-'));
    try {
      const stage = join(dir, 'assembly-TaskTracker-dev');
      mkdirSync(join(dir, 'asset.f00d'), { recursive: true });
      mkdirSync(stage);
      writeFileSync(join(dir, 'asset.f00d', 'index.mjs'), 'export const handler = async () => ({});\n');
      const fn = {
        Type: 'AWS::Lambda::Function',
        Properties: { Handler: 'index.handler', Code: { S3Key: 'f00d.zip' } },
      };
      writeFileSync(
        join(stage, 'Api.template.json'),
        JSON.stringify({ Resources: { DeleteTaskFunction1: fn } }),
      );
      const manifest = {
        files: {
          f00d: { source: { path: '../asset.f00d' }, destinations: { d: { objectKey: 'f00d.zip' } } },
        },
      };
      writeFileSync(join(stage, 'Api.assets.json'), JSON.stringify(manifest));

      const assets = functionAssets(dir);

      expect(assets).toHaveLength(1);
      expect(assets[0]?.routeId).toBe('DeleteTask');
      expect(assets[0]?.entry).toBe(join(dir, 'asset.f00d', 'index.mjs'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
