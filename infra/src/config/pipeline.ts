/**
 * Typed configuration of the CI/CD pipeline, beside the stage configuration. Like stages.ts, it
 * holds no account id or ARN: the pipeline account comes from the CLI, the CodeConnections ARN
 * from an SSM parameter resolved at deploy time (so an offline synth needs neither).
 */
import { STAGE_NAMES } from './stages.js';

/** A stage the pipeline deploys, in pipeline order. */
export interface PipelineStageEntry {
  /** Name of a stage in `STAGES`. */
  readonly name: string;
  /** Whether a person must approve before this stage deploys. */
  readonly approval: boolean;
}

export interface PipelineConfig {
  /** Repository on the connection's provider (GitHub, GitLab, Bitbucket) as `owner/name`. */
  readonly repository: string;
  /** Branch whose pushes start the pipeline. */
  readonly branch: string;
  /**
   * SSM parameter (in the pipeline account and region) holding the CodeConnections connection ARN;
   * created once with `aws ssm put-parameter`.
   */
  readonly connectionArnParameter: string;
  /** Stages deployed in this order; each must exist in `STAGES`. */
  readonly stages: readonly PipelineStageEntry[];
  /** E-mail subscribed to the pipeline's notification topic (failures, pending approvals). @default none */
  readonly notificationEmail?: string;
}

/**
 * Environment variable that carries the commit being built in CodeBuild. The image step tags the
 * web image with it and `bin/app.ts` passes it to every stage as the image tag, so both agree.
 */
export const IMAGE_TAG_ENV = 'CODEBUILD_RESOLVED_SOURCE_VERSION';

/** The pipeline of this repository; override per checkout with the CDK context keys below. */
export const PIPELINE_CONFIG: PipelineConfig = {
  repository: 'example-org/tasktracker',
  branch: 'main',
  connectionArnParameter: '/tasktracker/pipeline/connection-arn',
  stages: [
    { name: 'dev', approval: false },
    { name: 'prod', approval: true },
  ],
};

/** CDK context keys (`cdk.json` or `-c key=value`) that override {@link PIPELINE_CONFIG}. */
export const PIPELINE_CONTEXT_KEYS = {
  repository: 'pipeline:repository',
  branch: 'pipeline:branch',
  connectionArnParameter: 'pipeline:connectionArnParameter',
  notificationEmail: 'pipeline:notificationEmail',
} as const;

/** A pipeline configuration that breaks a rule; the message names the key. */
export class PipelineConfigError extends Error {
  constructor(key: string, problem: string) {
    super(`pipeline config: ${key} ${problem}`);
    this.name = 'PipelineConfigError';
  }
}

/** Checks a pipeline configuration; throws a {@link PipelineConfigError} on the first problem. */
export function validatePipelineConfig(config: PipelineConfig, knownStages = STAGE_NAMES): PipelineConfig {
  const fail = (key: string, problem: string): never => {
    throw new PipelineConfigError(key, problem);
  };
  if (!/^[\w.-]+(\/[\w.-]+)+$/.test(config.repository))
    fail('repository', `must look like owner/name, got "${config.repository}"`);
  if (!/^[^\s~^:?*[\\]+$/.test(config.branch))
    fail('branch', `is not a valid git branch name: "${config.branch}"`);
  if (!/^\/[\w./-]+$/.test(config.connectionArnParameter)) {
    fail('connectionArnParameter', `must be an SSM parameter path like /tasktracker/pipeline/connection-arn`);
  }
  if (config.stages.length === 0) fail('stages', 'must name at least one stage');
  const seen = new Set<string>();
  for (const { name, approval } of config.stages) {
    if (!knownStages.includes(name))
      fail('stages', `names unknown stage "${name}" (valid stages: ${knownStages.join(', ')})`);
    if (seen.has(name)) fail('stages', `lists stage "${name}" twice`);
    if (name === 'prod' && !approval) fail('stages', 'must require a manual approval before "prod"');
    seen.add(name);
  }
  if (
    config.notificationEmail !== undefined &&
    !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(config.notificationEmail)
  ) {
    fail('notificationEmail', 'must be an e-mail address');
  }
  return config;
}

/**
 * The validated pipeline configuration with CDK context overrides applied; called by the app
 * entry point, which owns context access.
 */
export function resolvePipelineConfig(
  tryGetContext: (key: string) => unknown,
  base: PipelineConfig = PIPELINE_CONFIG,
): PipelineConfig {
  const override = (key: string): string | undefined => {
    const value = tryGetContext(key);
    if (value === undefined) return undefined;
    if (typeof value !== 'string') throw new PipelineConfigError(`context ${key}`, 'must be a string');
    return value;
  };
  const notificationEmail = override(PIPELINE_CONTEXT_KEYS.notificationEmail) ?? base.notificationEmail;
  return validatePipelineConfig({
    ...base,
    repository: override(PIPELINE_CONTEXT_KEYS.repository) ?? base.repository,
    branch: override(PIPELINE_CONTEXT_KEYS.branch) ?? base.branch,
    connectionArnParameter:
      override(PIPELINE_CONTEXT_KEYS.connectionArnParameter) ?? base.connectionArnParameter,
    ...(notificationEmail === undefined ? {} : { notificationEmail }),
  });
}

/**
 * Accounts, other than the pipeline's own, that pipeline stages deploy to. They need the
 * pipeline's cross-account KMS keys and pull access to the web image repository.
 * @param pipelineAccount the pipeline account, or undefined when unknown at synth time (then
 *   every pinned stage account counts: the safe side)
 * @param stageAccounts the `account` of each deployed stage (undefined = the pipeline's)
 */
export function crossAccountTargets(
  pipelineAccount: string | undefined,
  stageAccounts: readonly (string | undefined)[],
): string[] {
  const targets = stageAccounts.filter(
    (account): account is string => account !== undefined && account !== pipelineAccount,
  );
  return [...new Set(targets)];
}
