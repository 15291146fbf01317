/**
 * Typed configuration of the CI/CD pipeline, beside the stage configuration: the one place that
 * both a laptop deploy and the pipeline's own synth in CodeBuild read, so self-mutation rebuilds
 * exactly the pipeline that was deployed. It holds no ARN: the CodeConnections ARN comes from an
 * SSM parameter resolved at deploy time (so an offline synth needs none).
 */
import { example, findExampleValue } from './examples.js';
import { ACCOUNT_ID, EMAIL_ADDRESS, REGION_NAME } from './formats.js';
import { assertStageDeployable, getStageConfig, STAGES, type StageConfigs } from './stages.js';

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
  /**
   * The tooling account the pipeline and the web image repository live in.
   * @default the account of the CLI's credentials (in CodeBuild: the pipeline's own)
   */
  readonly account?: string;
  /** The pipeline's region. @default the CLI's region */
  readonly region?: string;
}

/**
 * Environment variable of the synth and image builds carrying the commit id of the source action
 * (its `CommitId` variable). The image step tags the web image with it and the synth passes it to
 * every stage as the image tag, so both agree.
 */
export const IMAGE_TAG_ENV = 'SOURCE_COMMIT_ID';

/**
 * The pipeline of this repository. Edit it here and commit: the pipeline's own synth reads this
 * file, not your command line. The repository is a committed example that a deploy refuses.
 */
export const PIPELINE_CONFIG: PipelineConfig = {
  repository: example('example-org/tasktracker'),
  branch: 'main',
  connectionArnParameter: '/tasktracker/pipeline/connection-arn',
  stages: [
    { name: 'dev', approval: false },
    { name: 'prod', approval: true },
  ],
};

/**
 * CDK context keys that earlier versions read as overrides. Settings given only on the laptop's
 * command line never reach the pipeline's own synth: self-mutation would re-create the pipeline
 * from the committed values. They are refused with a pointer to {@link PIPELINE_CONFIG}.
 */
export const RETIRED_PIPELINE_CONTEXT_KEYS = [
  'pipeline:repository',
  'pipeline:branch',
  'pipeline:connectionArnParameter',
  'pipeline:notificationEmail',
] as const;

/** A pipeline configuration that breaks a rule; the message names the key. */
export class PipelineConfigError extends Error {
  constructor(key: string, problem: string) {
    super(`pipeline config: ${key} ${problem}`);
    this.name = 'PipelineConfigError';
  }
}

/**
 * Checks a pipeline configuration; throws a {@link PipelineConfigError} on the first problem.
 * @param stages the stage configurations its `stages` name @default the committed `STAGES`
 */
export function validatePipelineConfig(
  config: PipelineConfig,
  stages: StageConfigs = STAGES,
): PipelineConfig {
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
  const knownStages = Object.keys(stages);
  const seen = new Set<string>();
  for (const { name, approval } of config.stages) {
    if (!knownStages.includes(name))
      fail('stages', `names unknown stage "${name}" (valid stages: ${knownStages.join(', ')})`);
    if (seen.has(name)) fail('stages', `lists stage "${name}" twice`);
    if (getStageConfig(name, stages).production && !approval) {
      fail('stages', `must require a manual approval before the production stage "${name}"`);
    }
    seen.add(name);
  }
  if (config.notificationEmail !== undefined && !EMAIL_ADDRESS.test(config.notificationEmail)) {
    fail('notificationEmail', 'must be an e-mail address');
  }
  if (config.account !== undefined && !ACCOUNT_ID.test(config.account)) fail('account', 'must be 12 digits');
  if (config.region !== undefined && !REGION_NAME.test(config.region)) {
    fail('region', 'must be a region name like eu-west-1');
  }
  return config;
}

/**
 * Refuses CDK context that tries to override the committed pipeline config; called by the app
 * entry point, which owns context access.
 */
export function refuseContextOverrides(tryGetContext: (key: string) => unknown): void {
  const given = RETIRED_PIPELINE_CONTEXT_KEYS.find((key) => tryGetContext(key) !== undefined);
  if (given) {
    throw new PipelineConfigError(
      given.slice('pipeline:'.length),
      `comes from infra/src/config/pipeline.ts, not from -c ${given}: the pipeline's own synth would not see the override`,
    );
  }
}

/**
 * Refuses to deploy the pipeline while its config, or the config of a stage it deploys, still
 * holds a committed example value; the error names the key.
 * @param stages the stage configurations its `stages` name @default the committed `STAGES`
 */
export function assertPipelineDeployable(
  config: PipelineConfig = PIPELINE_CONFIG,
  stages: StageConfigs = STAGES,
): void {
  const found = findExampleValue(config);
  if (found) {
    throw new PipelineConfigError(
      found.key,
      `is the committed example "${found.value}": set your own in infra/src/config/pipeline.ts before deploying`,
    );
  }
  for (const { name } of config.stages) assertStageDeployable(getStageConfig(name, stages));
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
