/**
 * The task tracker's local profile: what the local cloud (`npm start`) needs to know about this
 * CDK app beyond its cloud assembly — how to synthesize a stage, the variables that point the web
 * container at the local Cognito, the web app's dev server for live reload, and the demo user.
 */
import { TASK_LIMITS } from '@tasktracker/api/contract';
import { LOCAL_HANDLER_METADATA_KEY } from './src/api-functions.js';
import { buildApp } from './src/app.js';
import { STAGE_NAMES } from './src/config/stages.js';
import { LOCAL_CONTAINER_METADATA_KEY } from './src/web-service.js';

export const profile = {
  stages: STAGE_NAMES,
  /**
   * In process, without validation or nag (the `npm run synth` gate runs those). While the local
   * cloud watches it bundles the functions itself, so CDK's bundling is skipped (seconds a synth).
   */
  synthesize: ({
    stage,
    outdir,
    skipFunctionBundling,
  }: {
    stage: string;
    outdir: string;
    skipFunctionBundling?: boolean;
  }) =>
    buildApp({
      outdir,
      stages: [stage],
      pipeline: false,
      validation: false,
      ...(skipFunctionBundling ? { context: { 'aws:cdk:bundling-stacks': [] } } : {}),
    }).app.synth(),
  containerMetadataKey: LOCAL_CONTAINER_METADATA_KEY,
  handlerMetadataKey: LOCAL_HANDLER_METADATA_KEY,
  // The SPA's Vite dev server (HMR) stands in for the web container while the local cloud watches;
  // it serves /config.json from the container's environment (web/vite.config.ts).
  devServer: {
    directory: 'web',
    command: (port: number) => ['vite', '--port', String(port), '--strictPort', '--clearScreen', 'false'],
  },
  // `npm start -- --demo`: try the app without signing up. Local only; it passes the pool's policy.
  demoUser: { email: 'demo@example.com', password: 'Demo-pass-1!' },
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
