/**
 * How every handler is bundled for Lambda. Infra's NodejsFunction and the API's bundle test
 * both use these settings, so the tested bundle is the deployed one.
 */
import type { BuildOptions } from 'esbuild';

/** The Node.js major version of the deployed Lambda runtime (infra's `nodejs24.x`). */
export const LAMBDA_NODE_MAJOR = 24;

export const HANDLER_BUNDLING = {
  /** ESM output, as the deployed `index.mjs`. */
  format: 'esm',
  /** The deployed runtime's Node.js, so esbuild keeps the syntax that runtime runs natively. */
  target: `node${LAMBDA_NODE_MAJOR}`,
  minify: true,
  /** Prefer packages' ESM builds: smaller bundles, better tree-shaking. */
  mainFields: ['module', 'main'],
  /**
   * Nothing is left external: each bundle carries exactly what it loads, at the lockfile's
   * versions, instead of the runtime's AWS SDK (which the handlers no longer import).
   */
  externalModules: [],
} as const;

/** HANDLER_BUNDLING as esbuild's own build options, for bundling a handler outside CDK. */
export function esbuildOptions(): BuildOptions {
  return {
    bundle: true,
    platform: 'node',
    format: HANDLER_BUNDLING.format,
    target: HANDLER_BUNDLING.target,
    minify: HANDLER_BUNDLING.minify,
    mainFields: [...HANDLER_BUNDLING.mainFields],
    external: [...HANDLER_BUNDLING.externalModules],
    logLevel: 'silent',
  };
}

/**
 * A sanity bound on a minified handler bundle (500 KB), not a performance budget: what costs
 * cold start is what the bundle does when it loads, which the bench measures. The bound catches
 * a dependency bundled by mistake. The API's bundle test holds every route to it.
 */
export const HANDLER_BUNDLE_MAX_BYTES = 500 * 1000;
