/**
 * The laptop CLI: `npm run <synth|deploy|diff|bootstrap|destroy> -- --stage <name>`.
 * Prints what it is about to do, fails with one line on user mistakes, and hands the work to the
 * CDK CLI. `synth` needs no stage and no credentials; it checks every stage.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { STAGE_NAMES } from '../src/config/stages.js';
import { listStacks, validationFailures } from './assembly-report.js';

const INFRA_DIR = fileURLToPath(new URL('../', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const COMMANDS = ['synth', 'deploy', 'diff', 'bootstrap', 'destroy'] as const;
type Command = (typeof COMMANDS)[number];

/** Names from the CDK app; imported on demand, so argument and credential errors come back fast. */
async function appNames() {
  const [{ IMAGES_STACK_ID }, { WEB_IMAGE_REPOSITORY_NAME }, { stageId }, { WEB_DOCKERFILE }] =
    await Promise.all([
      import('../src/app.js'),
      import('../src/image-repository.js'),
      import('../src/stage.js'),
      import('../src/web.js'),
    ]);
  return { IMAGES_STACK_ID, WEB_IMAGE_REPOSITORY_NAME, stageId, WEB_DOCKERFILE };
}
type AppNames = Awaited<ReturnType<typeof appNames>>;

/** A user mistake: printed as one line, exit code 1. */
class UsageError extends Error {}

interface Args {
  readonly command: Command;
  readonly stage?: string;
  /** `-c key=value` pairs, forwarded to the CDK CLI. */
  readonly context: readonly string[];
}

function parseArgs(argv: readonly string[]): Args {
  const [command, ...rest] = argv;
  if (!COMMANDS.includes(command as Command)) {
    throw new UsageError(`unknown command "${command ?? ''}" (expected one of: ${COMMANDS.join(', ')})`);
  }
  let stage: string | undefined;
  const context: string[] = [];
  for (let i = 0; i < rest.length; i += 1) {
    const arg = rest[i];
    if (arg === '--stage') stage = rest[++i];
    else if (arg?.startsWith('--stage=')) stage = arg.slice('--stage='.length);
    else if ((arg === '-c' || arg === '--context') && rest[i + 1]?.includes('='))
      context.push(rest[++i] as string);
    else
      throw new UsageError(
        `unknown argument "${arg}" (usage: npm run ${command} -- --stage <name> [-c key=value])`,
      );
  }
  return { command: command as Command, context, ...(stage !== undefined ? { stage } : {}) };
}

function requireStage(command: Command, stage: string | undefined): string {
  const valid = STAGE_NAMES.join(', ');
  if (stage === undefined || stage === '') {
    throw new UsageError(
      `missing --stage (usage: npm run ${command} -- --stage <name>; valid stages: ${valid})`,
    );
  }
  if (!STAGE_NAMES.includes(stage)) throw new UsageError(`unknown stage "${stage}" (valid stages: ${valid})`);
  return stage;
}

/** Fails with a one-line hint unless the default credential chain finds credentials. */
async function requireCredentials(): Promise<void> {
  const { defaultProvider } = await import('@aws-sdk/credential-provider-node');
  try {
    await defaultProvider({ maxRetries: 0, timeout: 1000 })();
  } catch {
    throw new UsageError(
      'no AWS credentials found: run `aws configure` or `aws sso login`, or set AWS_PROFILE / AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
    );
  }
}

function run(executable: string, args: readonly string[], cwd = INFRA_DIR): number {
  const result = spawnSync(executable, args, { cwd, stdio: 'inherit' });
  return result.status ?? 1;
}

function cdk(args: readonly string[]): number {
  return run('npx', ['--no-install', 'cdk', ...args]);
}

function gitShortSha(): string {
  const result = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' });
  return result.status === 0 && result.stdout.trim() ? result.stdout.trim() : 'local';
}

function containerEngine(): string | undefined {
  return ['docker', 'podman', 'finch'].find(
    (engine) => spawnSync(engine, ['info'], { stdio: 'ignore', timeout: 10_000 }).status === 0,
  );
}

/**
 * Synthesizes the whole app (every stage and, unless `-c pipeline=false`, the pipeline) with
 * CloudFormation validation and cdk-nag; non-zero on any finding.
 */
function synth(context: readonly string[]): number {
  const outdir = join(INFRA_DIR, 'cdk.out');
  const withPipeline = !context.some((pair) => pair.startsWith('pipeline='));
  const pairs = [...(withPipeline ? ['pipeline=true'] : []), ...context];
  console.log(`Synthesizing the app (${pairs.join(' ')}) with CloudFormation validation and cdk-nag…`);
  const started = Date.now();
  rmSync(join(outdir, 'validation-report.json'), { force: true });
  const status = cdk([
    'synth',
    '--quiet',
    '--no-notices',
    '--output',
    outdir,
    ...pairs.flatMap((pair) => ['-c', pair]),
  ]);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const failures = validationFailures(outdir);
  if (status !== 0 || failures.length > 0) {
    for (const failure of failures) console.error(`  ${failure}`);
    console.error(`error: synth failed after ${seconds}s (${failures.length} validation findings)`);
    return 1;
  }
  console.log('Stacks:');
  for (const stack of listStacks(outdir)) console.log(`  ${stack}`);
  console.log(`Synthesized in ${seconds}s with zero cdk-nag findings.`);
  return 0;
}

/** Builds and pushes the web image when a container engine runs; else says which tag must exist. */
function buildImage(imageTag: string, { WEB_IMAGE_REPOSITORY_NAME, WEB_DOCKERFILE }: AppNames): number {
  const engine = containerEngine();
  if (!engine) {
    console.log(
      `No running container engine (docker/podman/finch): skipping the image build; ${WEB_IMAGE_REPOSITORY_NAME}:${imageTag} must already exist in ECR.`,
    );
    return 0;
  }
  const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  const account = spawnSync('aws', ['sts', 'get-caller-identity', '--query', 'Account', '--output', 'text'], {
    encoding: 'utf8',
  }).stdout?.trim();
  if (!account || !region) {
    console.log(
      `Cannot resolve the ECR registry (needs the aws CLI and AWS_REGION): skipping the image build; ${WEB_IMAGE_REPOSITORY_NAME}:${imageTag} must already exist.`,
    );
    return 0;
  }
  const registry = `${account}.dkr.ecr.${region}.amazonaws.com`;
  const image = `${registry}/${WEB_IMAGE_REPOSITORY_NAME}:${imageTag}`;
  console.log(`Building and pushing ${image} with ${engine}…`);
  const password = spawnSync('aws', ['ecr', 'get-login-password', '--region', region], {
    encoding: 'utf8',
  }).stdout;
  const login = spawnSync(engine, ['login', '--username', 'AWS', '--password-stdin', registry], {
    input: password,
  });
  if (login.status !== 0) return 1;
  if (
    run(engine, ['build', '--platform', 'linux/arm64', '-f', WEB_DOCKERFILE, '-t', image, '.'], REPO_ROOT) !==
    0
  )
    return 1;
  // Tags are immutable: a tag that already exists was built from the same commit.
  return run(engine, ['push', image], REPO_ROOT);
}

async function main(argv: readonly string[]): Promise<number> {
  const { command, stage, context: extraContext } = parseArgs(argv);
  if (command === 'synth') return synth(extraContext);

  const stageName = requireStage(command, stage);
  if (command === 'destroy' && stageName === 'prod') {
    throw new UsageError(
      'refusing to destroy prod: delete its stacks in the CloudFormation console if you really mean it',
    );
  }
  await requireCredentials();
  const names = await appNames();
  const { IMAGES_STACK_ID, stageId } = names;
  const imageTag = gitShortSha();
  const stacks = `${stageId(stageName)}/*`;
  const context = [`stage=${stageName}`, `imageTag=${imageTag}`, ...extraContext].flatMap((pair) => [
    '-c',
    pair,
  ]);

  switch (command) {
    case 'bootstrap':
      console.log('Bootstrapping the CDK toolkit stack in the current account and region…');
      return cdk(['bootstrap', ...context]);
    case 'diff':
      console.log(
        `Diffing ${IMAGES_STACK_ID} and ${stacks} (image tag ${imageTag}) against what is deployed…`,
      );
      return cdk(['diff', ...context, IMAGES_STACK_ID, stacks]);
    case 'destroy':
      console.log(`Destroying ${stacks} (the image repository and retained resources stay)…`);
      return cdk(['destroy', ...context, stacks]);
    case 'deploy': {
      console.log(`Deploying ${IMAGES_STACK_ID}, then the web image ${imageTag}, then ${stacks}…`);
      if (cdk(['deploy', ...context, '--require-approval', 'never', IMAGES_STACK_ID]) !== 0) return 1;
      if (buildImage(imageTag, names) !== 0) return 1;
      return cdk(['deploy', ...context, '--require-approval', 'broadening', stacks]);
    }
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  console.error(`error: ${error.message}`);
  process.exitCode = 1;
}
