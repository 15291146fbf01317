/**
 * The CDK app entry (`cdk.json`). The only place that reads CDK context and the environment:
 * `-c stage=dev[,prod]` limits the stages, `-c imageTag=…` picks the web image (default:
 * `git rev-parse --short HEAD`, else `local`; the pipeline passes its source commit),
 * `-c pipeline=true` adds the pipeline stack, `-c deploy=true` refuses committed example values
 * (the laptop deploy and the pipeline's synth set it), and the CLI's CDK_DEFAULT_ACCOUNT/REGION
 * become the env of stages that pin none.
 *
 * `cdk.json` starts it with two V8 flags that cut the CPU a synth needs by about half and change
 * no result: `--liftoff-only` (aws-cdk-lib's CloudFormation validator is 9 MB of WebAssembly that
 * runs once; optimizing it with TurboFan cost more than it saved) and `--single-threaded-gc`
 * (parallel GC helpers cost more CPU than they save on a 2-core machine running other work).
 */
import { execFileSync } from 'node:child_process';
import { App } from 'aws-cdk-lib';
import { buildApp } from '../src/app.js';
import { ConstructPropsError } from '../src/props.js';

function gitShortSha(): string | undefined {
  try {
    return (
      execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: 'pipe' }).trim() ||
      undefined
    );
  } catch {
    return undefined;
  }
}

/** Context values arrive as strings from `-c`, or as JSON values from cdk.json. */
function contextString(name: string): string | undefined {
  const value = probe.node.tryGetContext(name) as unknown;
  return value === undefined || value === null || value === '' ? undefined : String(value);
}

// Context is read through a throwaway app: buildApp creates the real one.
const probe = new App({ autoSynth: false });

const stageFilter = contextString('stage');
const imageTag = contextString('imageTag') ?? gitShortSha() ?? 'local';
const account = process.env.CDK_DEFAULT_ACCOUNT;
const region = process.env.CDK_DEFAULT_REGION;

try {
  buildApp({
    ...(stageFilter ? { stages: stageFilter.split(',').map((name) => name.trim()) } : {}),
    pipeline: contextString('pipeline') === 'true',
    forDeploy: contextString('deploy') === 'true',
    validation: contextString('validation') !== 'false',
    imageTag,
    env: { ...(account ? { account } : {}), ...(region ? { region } : {}) },
  }).app.synth();
} catch (error) {
  // Bad stage names, invalid stage or pipeline config and construct props a config produced are
  // user mistakes: one line, no stack trace.
  const oneLine =
    error instanceof ConstructPropsError ||
    (error instanceof Error && /^(unknown stage|stage "|pipeline config: )/.test(error.message));
  if (oneLine) {
    console.error(`error: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
