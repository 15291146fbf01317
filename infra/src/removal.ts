import { RemovalPolicy } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { StageConfig } from './config/stages.js';

/** The slice of stage config every construct that keeps logs uses. */
export type LogSettings = Pick<StageConfig, 'logRetentionDays' | 'removalPolicy'>;

/** The CDK removal policy of a stage's stateful resources. */
export function removalPolicyOf(config: Pick<StageConfig, 'removalPolicy'>): RemovalPolicy {
  return config.removalPolicy === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
}

/** A log group with the stage's retention, kept or deleted with the stage's other data. */
export function stageLogGroup(
  scope: Construct,
  id: string,
  settings: LogSettings,
  logGroupName?: string,
): logs.LogGroup {
  return new logs.LogGroup(scope, id, {
    ...(logGroupName === undefined ? {} : { logGroupName }),
    retention: settings.logRetentionDays,
    removalPolicy: removalPolicyOf(settings),
  });
}
