/**
 * Configurations the tests build for themselves, so that no test depends on which values
 * `infra/src/config` holds. The committed file carries example values (`example-org/tasktracker`,
 * `tasks.example.com`, …) until a user replaces them with their own, and the pipeline runs this
 * suite on the user's file: it must pass both ways. Each fixture starts from the committed config
 * (so it stays valid as the config type grows) and sets the values it is about explicitly.
 */
import type { AppConfiguration } from '../../src/app.js';
import { example } from '../../src/config/examples.js';
import { PIPELINE_CONFIG, type PipelineConfig } from '../../src/config/pipeline.js';
import { STAGES, type StageConfig, type StageConfigs } from '../../src/config/stages.js';

/** A configuration without the accounts and regions a user may pin: every stage in the CLI's environment. */
export function environmentAgnostic(configuration: AppConfiguration): AppConfiguration {
  const { account: _account, region: _region, ...pipeline } = configuration.pipeline;
  const stages = Object.fromEntries(
    Object.entries(configuration.stages).map(([name, config]) => {
      const { account: _stageAccount, region: _stageRegion, ...rest } = config;
      return [name, rest];
    }),
  );
  return { stages, pipeline };
}

/** The committed stages and pipeline, in the CLI's environment whatever accounts the file pins. */
const committed = environmentAgnostic({ stages: STAGES, pipeline: PIPELINE_CONFIG });

function committedStage(name: string): StageConfig {
  const config = committed.stages[name];
  if (!config) throw new Error(`infra/src/config/stages.ts has no stage "${name}"`);
  return config;
}

/** A production stage holding the example values the repository ships with. */
export const EXAMPLE_PROD: StageConfig = {
  ...committedStage('prod'),
  domain: {
    name: example('tasks.example.com'),
    hostedZoneId: example('Z0000000EXAMPLE'),
    zoneName: example('example.com'),
  },
  email: { from: example('no-reply@example.com'), fromName: 'Task tracker' },
  alarmSubscriptions: { emails: ['oncall@example.com'] },
};

/** A non-production stage without a domain, SES or alarm subscriptions (dev as shipped). */
export const BARE_DEV: StageConfig = (() => {
  const { domain: _domain, email: _email, alarmSubscriptions: _alarms, ...bare } = committedStage('dev');
  return { ...bare, production: false };
})();

/** The stages as shipped: a bare dev and a prod holding example values. */
export const EXAMPLE_STAGES: StageConfigs = { dev: BARE_DEV, prod: EXAMPLE_PROD };

/** The pipeline as shipped: the example repository, deploying dev then (after approval) prod. */
export const EXAMPLE_PIPELINE: PipelineConfig = {
  ...committed.pipeline,
  repository: example('example-org/tasktracker'),
  stages: [
    { name: 'dev', approval: false },
    { name: 'prod', approval: true },
  ],
};

/** The app as shipped: what a deploy must refuse until the user sets their own values. */
export const EXAMPLE_CONFIGURATION: AppConfiguration = { stages: EXAMPLE_STAGES, pipeline: EXAMPLE_PIPELINE };

/** Realistic values a user would set: their own domain, zone, sender and on-call address. */
export const OWN_PROD: StageConfig = {
  ...EXAMPLE_PROD,
  domain: { name: 'tasks.acme-corp.io', hostedZoneId: 'Z04512343GQ7X2ABCDEF1', zoneName: 'acme-corp.io' },
  email: { from: 'no-reply@acme-corp.io', fromName: 'Task tracker' },
  alarmSubscriptions: { emails: ['oncall@acme-corp.io'] },
};

/** The app with the user's own values everywhere: a deploy accepts it. */
export const OWN_CONFIGURATION: AppConfiguration = {
  stages: { dev: BARE_DEV, prod: OWN_PROD },
  pipeline: { ...EXAMPLE_PIPELINE, repository: 'acme-corp/tasktracker' },
};

/** The committed configuration with every stage in the CLI's account and region. */
export const COMMITTED_IN_ONE_ENVIRONMENT: AppConfiguration = committed;
