/**
 * How every handler is bundled for Lambda. Infra's NodejsFunction and the API's bundle test
 * both use these settings, so the tested bundle is the deployed one.
 */
export const HANDLER_BUNDLING = {
  /** ESM output; the Lambda runtime this targets is Node.js 22. */
  format: 'esm',
  target: 'node22',
  minify: true,
  /** Prefer packages' ESM builds: smaller bundles (the AWS SDK tree-shakes better). */
  mainFields: ['module', 'main'],
  /**
   * aws-xray-sdk-core (under the Powertools tracer) calls require() for Node built-ins when
   * tracing is on; an ESM bundle has no require unless the banner provides one.
   */
  banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  /**
   * Leave the AWS SDK v3 out: every Lambda Node.js runtime since nodejs18.x ships it, and this
   * is NodejsFunction's own default. It keeps each bundle under HANDLER_BUNDLE_BUDGET_BYTES (the
   * DynamoDB client and the SDK core it pulls in are ~340 KB minified). The trade: deployed
   * functions run the runtime's SDK version, not the lockfile's. Locally (the bundle test, the
   * local cloud) Node resolves `@aws-sdk/*` from the repo's node_modules.
   */
  externalModules: ['@aws-sdk/*'],
} as const;

/**
 * A sanity bound on a minified handler bundle (500 KB), not a performance budget: what costs
 * cold start is what the bundle does when it loads, which the bench measures. The bound catches
 * a dependency bundled by mistake. The API's bundle test holds every route to it.
 */
export const HANDLER_BUNDLE_MAX_BYTES = 500 * 1000;
