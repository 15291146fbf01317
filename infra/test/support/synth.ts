/**
 * Stages built in process for what the shared dev assembly does not cover: the configured prod
 * stage, and test-only configs.
 */
import { App } from 'aws-cdk-lib';
import { type BuiltApp, buildApp } from '../../src/app.js';
import { getStageConfig, type StageConfig } from '../../src/config/stages.js';
import { TaskTrackerStage } from '../../src/stage.js';

/**
 * CDK context that skips asset bundling: templates are complete without it (assets keep their
 * hashes' places), and a test that reads templates should not pay for six esbuild runs.
 */
export const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] } as const;

const IMAGE_REPOSITORY = {
  repositoryArn: 'arn:aws:ecr:eu-west-1:111111111111:repository/tasktracker/web',
  repositoryName: 'tasktracker/web',
};

/** A stage built from a test-only config, in its own app, without bundling. */
export function synthesizedStage(config: StageConfig): TaskTrackerStage {
  const app = new App({ builtinCloudFormationValidation: false, context: NO_BUNDLING });
  const stage = new TaskTrackerStage(app, `TaskTracker-${config.name}`, {
    config,
    imageTag: 'abc1234',
    imageRepository: IMAGE_REPOSITORY,
  });
  app.synth();
  return stage;
}

/** The dev config, for tests that derive variants from it. */
export const DEV_CONFIG: StageConfig = getStageConfig('dev');

let prod: BuiltApp | undefined;
/** The whole app as configured (every stage, the pipeline), built once per test file without bundling. */
export function configuredApp(): BuiltApp {
  prod ??= buildApp({ validation: false, pipeline: true, imageTag: 'abc1234', context: NO_BUNDLING });
  return prod;
}

/** The configured prod stage (HTTPS on the committed example domain, SES e-mail). */
export function prodStage(): TaskTrackerStage {
  const stage = configuredApp().stages.prod;
  if (!stage) throw new Error('the app has no prod stage');
  return stage;
}

/** An app for stacks built directly in a test: the offline CloudFormation validator costs seconds per synth. */
export function testApp(): App {
  return new App({ builtinCloudFormationValidation: false });
}
