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
  /** Bundle the AWS SDK too, so the deployed and locally run code use the tested versions. */
  externalModules: [],
} as const;
