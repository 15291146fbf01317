import { App, type Environment, ReferenceStrength } from 'aws-cdk-lib';
import { DEFAULT_CROSS_STACK_REFERENCES } from 'aws-cdk-lib/cx-api';
import {
  assertPipelineDeployable,
  PIPELINE_CONFIG,
  type PipelineConfig,
  refuseContextOverrides,
  validatePipelineConfig,
} from './config/pipeline.js';
import { assertStageDeployable, getStageConfig, STAGES, type StageConfigs } from './config/stages.js';
import { ImageRepositoryStack } from './image-repository.js';
import { addNagChecks } from './nag.js';
import { PIPELINE_STACK_ID, PipelineStack } from './pipeline.js';
import { stageId, TaskTrackerStage } from './stage.js';

/** Id of the stack holding the web image repository, shared by every stage. */
export const IMAGES_STACK_ID = 'TaskTracker-Images';

/** What an app is built from: the stages and the pipeline that deploys them. */
export interface AppConfiguration {
  /** Every stage's configuration, by stage name. */
  readonly stages: StageConfigs;
  /** The pipeline's configuration; its `stages` name entries of `stages`. */
  readonly pipeline: PipelineConfig;
}

/** The configuration committed in `infra/src/config`: what the CLI, the pipeline and the local cloud build. */
export const COMMITTED_CONFIGURATION: AppConfiguration = { stages: STAGES, pipeline: PIPELINE_CONFIG };

export interface BuildAppOptions {
  /** The configuration to build. @default {@link COMMITTED_CONFIGURATION} */
  readonly configuration?: AppConfiguration;
  /** Cloud assembly directory. @default CDK's (cdk.out, or the CLI's --output) */
  readonly outdir?: string;
  /** Names of the stages to build. @default every configured stage */
  readonly stages?: readonly string[];
  /** Also build the CodePipeline stack. @default false */
  readonly pipeline?: boolean;
  /** CloudFormation validation and cdk-nag during synth. @default true */
  readonly validation?: boolean;
  /** Tag of the web image every stage runs. @default 'local' */
  readonly imageTag?: string;
  /** The CLI's account/region, used by stages that pin neither. @default environment-agnostic */
  readonly env?: Environment;
  /**
   * The assembly is for a deployment: refuse committed example values (see `example()`) in the
   * built stages and, with `pipeline`, in the pipeline config. @default false (synth accepts them)
   */
  readonly forDeploy?: boolean;
  /** CDK context values for in-process builds. @default none */
  readonly context?: Record<string, unknown>;
}

export interface BuiltApp {
  readonly app: App;
  /** The image repository stack. */
  readonly images: ImageRepositoryStack;
  /** The stages built, by stage name. */
  readonly stages: Readonly<Record<string, TaskTrackerStage>>;
}

/**
 * Builds the CDK app: the image repository stack and one stage per configured stage. Throws on
 * unknown stage names or invalid stage config. Side-effect free until `app.synth()`.
 */
export function buildApp(options: BuildAppOptions = {}): BuiltApp {
  const validation = options.validation ?? true;
  const app = new App({
    ...(options.outdir ? { outdir: options.outdir } : {}),
    ...(options.context ? { context: options.context } : {}),
    builtinCloudFormationValidation: validation,
    // Weak references (Fn::GetStackOutput) between every pair of stacks: an export another stack
    // imports cannot be deleted, so with strong ones removing a route or replacing the table would
    // fail at deploy. Set in code, after any CLI context, so every build (CLI, tests, the local
    // cloud) agrees.
    postCliContext: { [DEFAULT_CROSS_STACK_REFERENCES]: ReferenceStrength.WEAK },
  });
  refuseContextOverrides((key) => app.node.tryGetContext(key));
  const configuration = options.configuration ?? COMMITTED_CONFIGURATION;
  const configs = (options.stages ?? Object.keys(configuration.stages)).map((name) =>
    getStageConfig(name, configuration.stages),
  );
  const imageTag = options.imageTag ?? 'local';
  const cliEnv = options.env ?? {};
  const pipelineConfig = validatePipelineConfig(configuration.pipeline, configuration.stages);
  if (options.forDeploy) {
    for (const config of configs) assertStageDeployable(config);
    if (options.pipeline) assertPipelineDeployable(pipelineConfig, configuration.stages);
  }
  // The image repository lives with the pipeline that pushes to it: the tooling account.
  const toolingAccount = pipelineConfig.account ?? cliEnv.account;
  const toolingRegion = pipelineConfig.region ?? cliEnv.region;
  const toolingEnv: Environment = {
    ...(toolingAccount ? { account: toolingAccount } : {}),
    ...(toolingRegion ? { region: toolingRegion } : {}),
  };

  const pullAccounts = configs.flatMap((config) => (config.account ? [config.account] : []));
  const images = new ImageRepositoryStack(app, IMAGES_STACK_ID, {
    env: toolingEnv,
    pullAccounts,
    description: 'Task tracker: web image repository',
  });

  const stages: Record<string, TaskTrackerStage> = {};
  for (const config of configs) {
    const account = config.account ?? cliEnv.account;
    const region = config.region ?? cliEnv.region;
    stages[config.name] = new TaskTrackerStage(app, stageId(config.name), {
      config,
      imageTag,
      imageRepository: images.ref,
      env: { ...(account ? { account } : {}), ...(region ? { region } : {}) },
    });
  }

  if (options.pipeline) {
    // ── Pipeline: the pipeline stack is added here (see pipeline.ts). ──
    new PipelineStack(app, PIPELINE_STACK_ID, {
      env: toolingEnv,
      description: 'Task tracker: CI/CD pipeline',
      config: pipelineConfig,
      stages,
      imageRepository: images.repository,
    });
  }

  if (validation) addNagChecks(app);
  return { app, images, stages };
}
