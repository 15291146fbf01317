import { defineConfig } from 'vitest/config';

// The AWS SDK warns once per process that its 2027 releases need Node 22; every test worker would
// print it. Workers inherit this process's environment.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// Browser journeys against a whole local cloud: one cloud per file, files one at a time,
// because each file starts its own cloud and a browser on a 2-core machine.
export default defineConfig({
  test: {
    name: 'e2e',
    include: ['test/**/*.e2e.test.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // The UI answers after a round trip through the local API; poll like Playwright's own assertions.
    expect: { poll: { timeout: 10_000, interval: 100 } },
  },
});
