/**
 * The registry entry of CloudWatch (alarms, metrics, log metric filters and the log groups they
 * watch) and, until SNS has a module of its own, the alarm topics alarms publish to.
 */

import { iamService } from '../../iam/module.js';
import { generatedName, literalProperty } from '../../intrinsics/physical-ids.js';
import type { ServiceModule } from '../../service.js';
import { LocalCloudWatch } from './index.js';

export const cloudwatchService: ServiceModule<LocalCloudWatch> = {
  id: 'cloudwatch',
  name: 'CloudWatch',
  resourceTypes: [
    'AWS::CloudWatch::Alarm',
    'AWS::Logs::MetricFilter',
    'AWS::Logs::LogGroup',
    'AWS::SNS::Topic',
  ],
  physicalIds: {
    'AWS::Logs::LogGroup': (resource, arn) => {
      const name = literalProperty(resource, 'LogGroupName') ?? generatedName(resource, 512);
      return { ref: name, attributes: { Arn: arn('logs', `log-group:${name}:*`) } };
    },
    'AWS::SNS::Topic': (resource, arn) => {
      const name = literalProperty(resource, 'TopicName') ?? generatedName(resource, 256);
      const topicArn = arn('sns', name);
      return { ref: topicArn, attributes: { TopicArn: topicArn, TopicName: name } };
    },
  },
  // Alarm actions publish as cloudwatch.amazonaws.com: IAM judges them against the topic's policies.
  dependsOn: [iamService],
  create: (ctx) => {
    const iam = ctx.get(iamService);
    return new LocalCloudWatch({
      ...(iam && { actionError: (alarm: string, topic: string) => iam.alarmActionError(alarm, topic) }),
      ids: ctx.ids,
      ...(ctx.dataDir === undefined ? {} : { dataDir: ctx.dataDir }),
      log: ctx.log,
      periodScale: ctx.settings.alarmPeriodScale ?? 1,
      observed: ctx.observedMetrics(),
    });
  },
};
