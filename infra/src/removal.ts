import { RemovalPolicy } from 'aws-cdk-lib';
import type { StageConfig } from './config/stages.js';

/** The CDK removal policy of a stage's stateful resources. */
export function removalPolicyOf(config: StageConfig): RemovalPolicy {
  return config.removalPolicy === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
}
