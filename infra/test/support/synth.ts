/** Stages built from test-only configs, for what the configured stages do not cover (e.g. a domain). */
import { App } from 'aws-cdk-lib';
import { STAGES, type StageConfig } from '../../src/config/stages.js';
import { TaskTrackerStage } from '../../src/stage.js';

const IMAGE_REPOSITORY = {
  repositoryArn: 'arn:aws:ecr:eu-west-1:111111111111:repository/tasktracker/web',
  repositoryName: 'tasktracker/web',
};

/** A stage built from a test-only config (e.g. with a domain), in its own app. */
export function synthesizedStage(config: StageConfig): TaskTrackerStage {
  const app = new App({ builtinCloudFormationValidation: false });
  const stage = new TaskTrackerStage(app, `TaskTracker-${config.name}`, {
    config,
    imageTag: 'abc1234',
    imageRepository: IMAGE_REPOSITORY,
  });
  app.synth();
  return stage;
}

/** A test config derived from dev with a custom domain. */
export const DOMAIN_CONFIG: StageConfig = {
  ...(STAGES.dev as StageConfig),
  name: 'domaintest',
  domain: { name: 'tasks.example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com' },
  alarmSubscriptions: { emails: ['oncall@example.com'], httpsEndpoint: 'https://alerts.example.com/sns' },
};

/** An app for stacks built directly in a test: the offline CloudFormation validator costs seconds per synth. */
export function testApp(): App {
  return new App({ builtinCloudFormationValidation: false });
}
