import { defineConfig } from 'vitest/config';

// The AWS SDK warns once per process that its 2027 releases need Node 22; every test worker would
// print it. Workers inherit this process's environment.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// One vitest run covers every workspace; each workspace's own vitest.config.ts defines its project.
export default defineConfig({
  test: {
    projects: ['api', 'infra', 'web', 'local', 'bench'],
  },
});
