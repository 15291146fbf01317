import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';

const dockerfile = await readFile(new URL('../Dockerfile', import.meta.url), 'utf8');
const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as {
  scripts: Record<string, string>;
};

describe('web Dockerfile', () => {
  it('pins Node to an exact release for every stage', () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:\d+\.\d+\.\d+-bookworm-slim$/m);
    expect(dockerfile.match(/^FROM \$\{NODE_IMAGE\}/gm)).toHaveLength(2);
  });

  it('runs the bundle the build script writes, as a non-root user, with a health check on /healthz', () => {
    const outfile = /--outfile=(\S+)/.exec(pkg.scripts['build:server'] ?? '')?.[1];
    expect(outfile).toBe('dist/server/server.mjs');
    expect(dockerfile).toContain(`CMD ["node", "${outfile}"]`);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\n.*\/healthz/m);
    expect(dockerfile).toContain('EXPOSE 8080');
  });

  it('ships only dist/ in the final stage (no node_modules)', () => {
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('FROM '));
    expect(runtime.match(/^COPY .*/gm)).toEqual(['COPY --from=build /src/web/dist ./dist']);
  });
});
