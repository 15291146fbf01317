import { describe, expect, it } from 'vitest';
import { parseDockerfile } from '../src/services/ecs/index.js';

describe('parseDockerfile', () => {
  it("reads the final stage's WORKDIR, ENV and CMD, ignoring earlier stages and HEALTHCHECK's CMD", () => {
    const dockerfile = [
      'FROM node:22 AS build',
      'WORKDIR /src',
      'ENV BUILD_ONLY=1',
      'CMD ["npm", "run", "build"]',
      'FROM node:22-slim AS runtime',
      'ENV NODE_ENV=production \\',
      '    PORT=8080',
      'ENV LEGACY value with spaces',
      'WORKDIR /app',
      'HEALTHCHECK --interval=30s \\',
      '  CMD ["node", "-e", "1"]',
      'CMD ["node", "dist/server/server.mjs"]',
    ].join('\n');
    expect(parseDockerfile(dockerfile)).toEqual({
      workdir: '/app',
      argv: ['node', 'dist/server/server.mjs'],
      env: { NODE_ENV: 'production', PORT: '8080', LEGACY: 'value with spaces' },
    });
  });

  it('runs a shell-form CMD through /bin/sh -c after the ENTRYPOINT', () => {
    expect(parseDockerfile('FROM x\nENTRYPOINT ["tini", "--"]\nCMD node server.js').argv).toEqual([
      'tini',
      '--',
      '/bin/sh',
      '-c',
      'node server.js',
    ]);
  });
});
