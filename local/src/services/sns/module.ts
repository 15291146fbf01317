/**
 * The registry entry of SNS: the template's topics and subscriptions, delivered to the local
 * mailbox and to loopback HTTP(S) endpoints; its port serves the confirmation and unsubscribe links.
 */
import { type AssemblyResource, referencedResource } from '../../assembly/index.js';
import { generatedName, physicalName } from '../../intrinsics/physical-ids.js';
import type { ServiceModule } from '../../service.js';
import { LocalSns, stableId } from './index.js';

/** A topic's name: its literal `TopicName`, else CloudFormation's generated one. */
function topicName(resource: AssemblyResource): string {
  return physicalName(resource, 'TopicName', 256);
}

export const snsService: ServiceModule<LocalSns> = {
  id: 'sns',
  name: 'SNS',
  resourceTypes: ['AWS::SNS::Topic', 'AWS::SNS::Subscription'],
  physicalIds: {
    'AWS::SNS::Topic': (resource, arn) => {
      const name = topicName(resource);
      const topicArn = arn('sns', name);
      return { ref: topicArn, attributes: { TopicArn: topicArn, TopicName: name } };
    },
    // CloudFormation's Ref of a subscription is its ARN: the topic's ARN and a subscription id.
    'AWS::SNS::Subscription': (resource, arn) => {
      const topic = referencedResource(resource, 'TopicArn', 'AWS::SNS::Topic');
      const topicArn = arn('sns', topic ? topicName(topic) : generatedName(resource, 256));
      const subscriptionArn = `${topicArn}:${stableId(`${resource.stack.stackName}/${resource.logicalId}`)}`;
      return { ref: subscriptionArn, attributes: { Arn: subscriptionArn } };
    },
  },
  port: { name: 'sns', default: 9911 },
  create: (ctx) => {
    const sns = new LocalSns({
      ids: ctx.ids,
      port: ctx.port,
      ...(ctx.dataDir === undefined ? {} : { dataDir: ctx.dataDir }),
      log: ctx.log,
    });
    return sns.hasTopics ? sns : undefined;
  },
};
