/**
 * The registry entry of CloudWatch: alarms (single-metric and metric math), the metrics every
 * service records, log metric filters and the log groups they watch. Alarm actions publish to
 * the local SNS.
 */
import { iamService } from '../../iam/module.js';
import { refIsName } from '../../intrinsics/physical-ids.js';
import type { ServiceModule } from '../../service.js';
import { snsService } from '../sns/module.js';
import { LocalCloudWatch } from './index.js';

export const cloudwatchService: ServiceModule<LocalCloudWatch> = {
  id: 'cloudwatch',
  name: 'CloudWatch',
  resourceTypes: ['AWS::CloudWatch::Alarm', 'AWS::Logs::MetricFilter', 'AWS::Logs::LogGroup'],
  physicalIds: {
    'AWS::Logs::LogGroup': refIsName('LogGroupName', 'logs', (name) => `log-group:${name}:*`, 512),
  },
  // Alarm actions publish as cloudwatch.amazonaws.com: IAM judges them against the topic's policies.
  dependsOn: [iamService, snsService],
  create: (ctx) => {
    const iam = ctx.get(iamService);
    const sns = ctx.get(snsService);
    return new LocalCloudWatch({
      ...(iam && { actionError: (alarm: string, topic: string) => iam.alarmActionError(alarm, topic) }),
      ids: ctx.ids,
      log: ctx.log,
      periodScale: ctx.settings.alarmPeriodScale ?? 1,
      observed: ctx.observedMetrics(),
      ...(sns ? { topics: sns } : {}),
    });
  },
};
