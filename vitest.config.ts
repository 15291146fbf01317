import { defineConfig } from 'vitest/config';

// One vitest run covers every workspace; each workspace's own vitest.config.ts defines its project.
export default defineConfig({
  test: {
    projects: ['api', 'infra', 'web', 'local', 'bench'],
  },
});
