/**
 * The task tracker's local profile: what the local cloud (`npm start`) needs to know about this
 * CDK app beyond its cloud assembly — how to synthesize a stage, and the variables that point the
 * web container at the local Cognito.
 */
import { TASK_LIMITS } from '@tasktracker/api/contract';
import { buildApp } from './src/app.js';
import { STAGE_NAMES } from './src/config/stages.js';
import { LOCAL_CONTAINER_METADATA_KEY } from './src/web-service.js';

export const profile = {
  stages: STAGE_NAMES,
  /** In process, without validation or nag (the `npm run synth` gate runs those). */
  synthesize: ({ stage, outdir }: { stage: string; outdir: string }) =>
    buildApp({ outdir, stages: [stage], pipeline: false, validation: false }).app.synth(),
  containerMetadataKey: LOCAL_CONTAINER_METADATA_KEY,
  // The functions' tracer needs an X-Ray daemon, which the local cloud does not run.
  functionEnvironment: () => ({
    POWERTOOLS_TRACE_ENABLED: 'false',
    AWS_XRAY_CONTEXT_MISSING: 'IGNORE_ERROR',
  }),
  // The game day loads the table through the API as users would: the largest task the API
  // accepts (3-byte characters up to each field's length) and the longest page of tasks.
  gameDay: {
    write: {
      method: 'POST',
      path: 'tasks',
      body: () =>
        JSON.stringify({ title: '€'.repeat(TASK_LIMITS.titleMax), notes: '€'.repeat(TASK_LIMITS.notesMax) }),
    },
    read: { method: 'GET', path: `tasks?limit=${TASK_LIMITS.listLimitMax}` },
  },
  containerEnvironment: (cloud: { endpoint(serviceId: string): string | undefined }) => {
    const cognito = cloud.endpoint('cognito');
    return cognito === undefined ? {} : { COGNITO_ENDPOINT: cognito, LOCAL_CODES_URL: `${cognito}/_local/` };
  },
};
