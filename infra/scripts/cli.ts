/**
 * The laptop CLI: `npm run <synth|deploy|diff|bootstrap|destroy> -- --stage <name>`, and
 * `npm run deploy -- --pipeline` for the pipeline's first deploy.
 * Prints what it is about to do, fails with one line on user mistakes, and hands the work to the
 * CDK CLI. `synth` needs no stage and no credentials; it checks every stage.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertPipelineDeployable, PIPELINE_CONFIG, PipelineConfigError } from '../src/config/pipeline.js';
import {
  assertStageDeployable,
  getStageConfig,
  STAGE_NAMES,
  StageConfigError,
} from '../src/config/stages.js';
import { listStacks, validationFailures } from './assembly-report.js';
import { ecrImages, ImageUnavailableError, planImage, runningContainerEngine } from './image.js';

const INFRA_DIR = fileURLToPath(new URL('../', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The repository's pinned CDK CLI, run by this Node.js directly (an `npx` launch costs ~0.3 s of CPU). */
const CDK_CLI = createRequire(import.meta.url).resolve('aws-cdk/bin/cdk');
const COMMANDS = ['synth', 'deploy', 'diff', 'bootstrap', 'destroy'] as const;
type Command = (typeof COMMANDS)[number];

/**
 * The account and region `synth` uses when the environment names none: the CodeBuild synth and a
 * laptop with credentials always know theirs, and a template that needs an AWS lookup for a known
 * account fails there without credentials. Synthesizing for a known account makes that failure
 * show up offline too. (AWS documentation's example account; nothing is deployed to it.)
 */
const OFFLINE_SYNTH_ENV = { account: '123456789012', region: 'us-east-1' } as const;

/** Names from the CDK app; imported on demand, so argument and credential errors come back fast. */
async function appNames() {
  const [
    { IMAGES_STACK_ID },
    { WEB_IMAGE_REPOSITORY_NAME },
    { stageId },
    { WEB_DOCKERFILE },
    { PIPELINE_STACK_ID },
  ] = await Promise.all([
    import('../src/app.js'),
    import('../src/image-repository.js'),
    import('../src/stage.js'),
    import('../src/web-service.js'),
    import('../src/pipeline.js'),
  ]);
  return { IMAGES_STACK_ID, WEB_IMAGE_REPOSITORY_NAME, stageId, WEB_DOCKERFILE, PIPELINE_STACK_ID };
}
type AppNames = Awaited<ReturnType<typeof appNames>>;

/** A user mistake: printed as one line, exit code 1. */
class UsageError extends Error {}

interface Args {
  readonly command: Command;
  readonly stage?: string;
  /** `deploy --pipeline`: deploy the pipeline stack instead of a stage. */
  readonly pipeline: boolean;
  /** `-c key=value` pairs, forwarded to the CDK CLI. */
  readonly context: readonly string[];
}

function parseArgs(argv: readonly string[]): Args {
  const [command, ...rest] = argv;
  if (!COMMANDS.includes(command as Command)) {
    throw new UsageError(`unknown command "${command ?? ''}" (expected one of: ${COMMANDS.join(', ')})`);
  }
  let stage: string | undefined;
  let pipeline = false;
  const context: string[] = [];
  for (let i = 0; i < rest.length; i += 1) {
    const arg = rest[i];
    if (arg === '--stage') stage = rest[++i];
    else if (arg?.startsWith('--stage=')) stage = arg.slice('--stage='.length);
    else if (arg === '--pipeline' && command === 'deploy') pipeline = true;
    else if ((arg === '-c' || arg === '--context') && rest[i + 1]?.includes('='))
      context.push(rest[++i] as string);
    else
      throw new UsageError(
        `unknown argument "${arg}" (usage: npm run ${command} -- --stage <name> [-c key=value])`,
      );
  }
  if (pipeline && stage !== undefined) throw new UsageError('give either --stage or --pipeline, not both');
  return { command: command as Command, pipeline, context, ...(stage !== undefined ? { stage } : {}) };
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

function run(
  executable: string,
  args: readonly string[],
  cwd = INFRA_DIR,
  env?: Record<string, string>,
): number {
  const result = spawnSync(executable, args, {
    cwd,
    stdio: 'inherit',
    ...(env ? { env: { ...process.env, ...env } } : {}),
  });
  return result.status ?? 1;
}

function cdk(args: readonly string[], env?: Record<string, string>): number {
  return run(process.execPath, [CDK_CLI, ...args], INFRA_DIR, env);
}

function gitShortSha(): string {
  const result = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' });
  return result.status === 0 && result.stdout.trim() ? result.stdout.trim() : 'local';
}

/**
 * Synthesizes the whole app (every stage and, unless `-c pipeline=false`, the pipeline) with
 * CloudFormation validation and cdk-nag; non-zero on any finding.
 */
function synth(context: readonly string[]): number {
  const outdir = join(INFRA_DIR, 'cdk.out');
  const withPipeline = !context.some((pair) => pair.startsWith('pipeline='));
  const pairs = [...(withPipeline ? ['pipeline=true'] : []), ...context];
  const account = process.env.CDK_DEFAULT_ACCOUNT ?? OFFLINE_SYNTH_ENV.account;
  const region = process.env.CDK_DEFAULT_REGION ?? OFFLINE_SYNTH_ENV.region;
  console.log(
    `Synthesizing the app (${pairs.join(' ')}) for account ${account} in ${region}, as the pipeline does, with CloudFormation validation and cdk-nag…`,
  );
  const started = Date.now();
  rmSync(join(outdir, 'validation-report.json'), { force: true });
  const status = cdk(
    ['synth', '--quiet', '--no-notices', '--output', outdir, ...pairs.flatMap((pair) => ['-c', pair])],
    { CDK_DEFAULT_ACCOUNT: account, CDK_DEFAULT_REGION: region },
  );
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

/** Builds the web image for ARM64 (the tasks' architecture) and pushes it to the registry. */
async function buildAndPush(
  engine: string,
  image: string,
  registry: string,
  password: string,
  dockerfile: string,
): Promise<number> {
  console.log(`Building and pushing ${image} with ${engine}…`);
  const login = spawnSync(engine, ['login', '--username', 'AWS', '--password-stdin', registry], {
    input: password,
  });
  if (login.status !== 0) return 1;
  if (
    run(engine, ['build', '--platform', 'linux/arm64', '-f', dockerfile, '-t', image, '.'], REPO_ROOT) !== 0
  )
    return 1;
  return run(engine, ['push', image], REPO_ROOT);
}

/** Deploys a stage: image repository, then the image (only if ECR lacks it), then the stage's stacks. */
async function deployStage(
  stageName: string,
  imageTag: string,
  context: readonly string[],
  names: AppNames,
): Promise<number> {
  const { IMAGES_STACK_ID, WEB_IMAGE_REPOSITORY_NAME, WEB_DOCKERFILE, stageId } = names;
  const image = `${WEB_IMAGE_REPOSITORY_NAME}:${imageTag}`;
  // The repository lives with the pipeline, in the tooling account and region.
  const ecr = await ecrImages(PIPELINE_CONFIG.region);
  // Decided before anything deploys: a stage must not roll out an image that cannot exist.
  const plan = planImage(
    image,
    await ecr.exists(WEB_IMAGE_REPOSITORY_NAME, imageTag),
    runningContainerEngine(),
  );
  const stacks = `${stageId(stageName)}/*`;
  console.log(
    plan.action === 'use-existing'
      ? `Deploying ${IMAGES_STACK_ID}, then ${stacks} with the web image ${image}, already in ECR (not rebuilt)…`
      : `Deploying ${IMAGES_STACK_ID}, then building ${image} with ${plan.engine}, then ${stacks}…`,
  );
  if (cdk(['deploy', ...context, '--require-approval', 'never', IMAGES_STACK_ID]) !== 0) return 1;
  if (plan.action === 'build-and-push') {
    const { registry, password } = await ecr.login();
    const status = await buildAndPush(
      plan.engine,
      `${registry}/${image}`,
      registry,
      password,
      WEB_DOCKERFILE,
    );
    if (status !== 0) return status;
  }
  return cdk(['deploy', ...context, '--require-approval', 'broadening', stacks]);
}

async function main(argv: readonly string[]): Promise<number> {
  const { command, stage, pipeline, context: extraContext } = parseArgs(argv);
  if (command === 'synth') return synth(extraContext);
  if (pipeline) {
    // Refused before AWS is touched: a pipeline from a placeholder repository never runs.
    assertPipelineDeployable();
    await requireCredentials();
    const { PIPELINE_STACK_ID } = await appNames();
    console.log(
      `Deploying ${PIPELINE_STACK_ID} (and the image repository it pushes to); from now on pushes deploy…`,
    );
    const context = ['pipeline=true', 'deploy=true', ...extraContext].flatMap((pair) => ['-c', pair]);
    return cdk(['deploy', ...context, '--require-approval', 'broadening', PIPELINE_STACK_ID]);
  }

  const stageName = requireStage(command, stage);
  const config = getStageConfig(stageName);
  if (command === 'destroy' && config.production) {
    throw new UsageError(
      `refusing to destroy the production stage "${stageName}": delete its stacks in the CloudFormation console if you really mean it`,
    );
  }
  if (command === 'deploy') assertStageDeployable(config);
  await requireCredentials();
  const names = await appNames();
  const { IMAGES_STACK_ID, stageId } = names;
  const imageTag = gitShortSha();
  const stacks = `${stageId(stageName)}/*`;
  const pairs = [
    `stage=${stageName}`,
    `imageTag=${imageTag}`,
    ...(command === 'deploy' ? ['deploy=true'] : []),
  ];
  const context = [...pairs, ...extraContext].flatMap((pair) => ['-c', pair]);

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
    case 'deploy':
      return deployStage(stageName, imageTag, context, names);
  }
}

/** Mistakes a user fixes: printed as one line, exit code 1, no stack trace. */
const ONE_LINE_ERRORS = [UsageError, StageConfigError, PipelineConfigError, ImageUnavailableError];

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if (!ONE_LINE_ERRORS.some((type) => error instanceof type)) throw error;
  console.error(`error: ${(error as Error).message}`);
  process.exitCode = 1;
}
