/**
 * The hostile-client suite's shared parts: requests derived from the contract, the targets they
 * run against, what every reply must be, and the property that runs them. The API's in-process
 * suite and the local cloud's through-the-gateway suite both run these, so both try the same cases.
 */

export { loadApi } from '../api.js';
export * from './cases.js';
export * from './contract-values.js';
export * from './regressions.js';
export * from './replies.js';
export * from './suite.js';
export * from './targets.js';
