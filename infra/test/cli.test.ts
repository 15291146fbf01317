import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { assertPipelineDeployable } from '../src/config/pipeline.js';
import { assertStageDeployable, getStageConfig, STAGE_NAMES } from '../src/config/stages.js';

const INFRA_DIR = fileURLToPath(new URL('../', import.meta.url));
const emptyHome = mkdtempSync(join(tmpdir(), 'cli-test-home-'));
afterAll(() => rmSync(emptyHome, { recursive: true, force: true }));

/** An environment with no AWS configuration or credentials at all, plus `extra`. */
function withoutAws(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: emptyHome,
    AWS_CONFIG_FILE: join(emptyHome, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(emptyHome, 'credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    // The SDK's multi-line notice about Node 20 would hide whether our error is one line.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...extra,
  };
}

/** Runs a script of infra/scripts with `env`. */
function script(name: string, args: readonly string[], env = withoutAws()) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', `scripts/${name}`, ...args], {
    cwd: INFRA_DIR,
    encoding: 'utf8',
    env,
  });
  return { status: result.status, stderr: result.stderr.trim(), stdout: result.stdout.trim() };
}

/** Runs the CLI with an environment that holds no AWS configuration or credentials at all. */
const cli = (...args: string[]) => script('cli.ts', args);

/** The message `check` throws, or undefined when it passes. */
function refusalOf(check: () => void): string | undefined {
  try {
    check();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * What the CLI must print for a deploy the committed config may still refuse: the in-process
 * refusal while the config holds an example value (the refusals themselves are tested on
 * fixtures in config.test.ts and pipeline.test.ts), else the next check, credentials.
 */
function expectRefusedBeforeAws(stderr: string, refusal: string | undefined): void {
  if (refusal === undefined) expect(stderr).toMatch(/^error: no AWS credentials found/);
  else expect(stderr).toBe(`error: ${refusal}`);
}

describe('laptop CLI', () => {
  it('rejects an unknown stage in one line listing the valid stages', () => {
    const { status, stderr } = cli('deploy', '--stage', 'staging');
    expect(status).toBe(1);
    expect(stderr).toBe('error: unknown stage "staging" (valid stages: dev, prod)');
  });

  it('asks for --stage when it is missing', () => {
    const { status, stderr } = cli('diff');
    expect(status).toBe(1);
    expect(stderr).toBe(
      'error: missing --stage (usage: npm run diff -- --stage <name>; valid stages: dev, prod)',
    );
  });

  it('says how to configure credentials when there are none, without a stack trace', () => {
    const { status, stderr } = cli('deploy', '--stage', 'dev');
    expect(status).toBe(1);
    expect(stderr.split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^error: no AWS credentials found: run `aws configure`/);
  });

  it('refuses to destroy a production stage before touching AWS', () => {
    const { status, stderr } = cli('destroy', '--stage', 'prod');
    expect(status).toBe(1);
    expect(stderr).toMatch(/^error: refusing to destroy the production stage "prod"/);
  });

  it('refuses to deploy a stage that still holds a committed example value, naming the key, before touching AWS', () => {
    // Arrange
    const refusal = refusalOf(() => assertStageDeployable(getStageConfig('prod')));

    // Act
    const { status, stderr } = cli('deploy', '--stage', 'prod');

    // Assert
    expect(status).toBe(1);
    expectRefusedBeforeAws(stderr, refusal);
  });

  it('refuses to deploy the pipeline while its config holds a committed example value, before touching AWS', () => {
    // Arrange
    const refusal = refusalOf(() => assertPipelineDeployable());

    // Act
    const { status, stderr } = cli('deploy', '--pipeline');

    // Assert
    expect(status).toBe(1);
    expectRefusedBeforeAws(stderr, refusal);
  });

  it('rejects an unknown command and stray arguments', () => {
    expect(cli('launch').stderr).toBe(
      'error: unknown command "launch" (expected one of: synth, deploy, diff, bootstrap, destroy)',
    );
    expect(cli('deploy', '--force').stderr).toMatch(/^error: unknown argument "--force"/);
  });

  it('stops before deploying anything when the image is not in ECR and no container engine can build it', async () => {
    // Arrange: an ECR endpoint that holds no image, credentials that reach it, no engine on PATH.
    const requests: string[] = [];
    const ecr = createServer((request, response) => {
      requests.push(String(request.headers['x-amz-target']));
      response.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify({ __type: 'ImageNotFoundException', message: 'not found' }));
    });
    await new Promise<void>((resolve) => ecr.listen(0, '127.0.0.1', resolve));
    const port = (ecr.address() as AddressInfo).port;
    try {
      // Act
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', 'scripts/cli.ts', 'deploy', '--stage', 'dev'],
        {
          cwd: INFRA_DIR,
          env: {
            PATH: dirname(process.execPath),
            HOME: emptyHome,
            AWS_CONFIG_FILE: join(emptyHome, 'config'),
            AWS_SHARED_CREDENTIALS_FILE: join(emptyHome, 'credentials'),
            AWS_EC2_METADATA_DISABLED: 'true',
            AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
            AWS_SECRET_ACCESS_KEY: 'secret',
            AWS_REGION: 'us-east-1',
            AWS_ENDPOINT_URL_ECR: `http://127.0.0.1:${port}`,
            AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          },
        },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.stderr.on('data', (chunk) => (stderr += chunk));
      const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
      // Assert
      expect(status).toBe(1);
      expect(stderr.trim()).toMatch(
        /^error: web image tasktracker\/web:\w+ is not in ECR and no container engine \(docker, podman, finch\) is running to build it/,
      );
      expect(requests).toEqual(['AmazonEC2ContainerRegistry_V20150921.DescribeImages']);
      expect(stdout).not.toContain('Deploying');
    } finally {
      ecr.close();
    }
  }, 30_000);

  // Only a stage whose config pins no region can be without one (as every committed stage is).
  const regionless = STAGE_NAMES.find((name) => getStageConfig(name).region === undefined);
  it.skipIf(regionless === undefined)('the smoke test without a region says so in one line', () => {
    const result = script('smoke.ts', ['--stage', String(regionless)]);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `error: no AWS region to read stage "${regionless}" from: set AWS_REGION (or AWS_PROFILE with a region), or pin region in the stage's config`,
    );
  });

  it('the CDK app entry rejects an unknown -c stage in one line', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'bin/app.ts'], {
      cwd: INFRA_DIR,
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH ?? '',
        HOME: emptyHome,
        CDK_CONTEXT_JSON: JSON.stringify({ stage: 'qa' }),
      },
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe('error: unknown stage "qa" (valid stages: dev, prod)');
    // Loading aws-cdk-lib in a child takes seconds on a busy machine.
  }, 30_000);
});
