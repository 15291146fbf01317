/**
 * The registry entry of SNS: the template's topics and subscriptions, delivered to the local
 * mailbox and to loopback HTTP(S) endpoints; its port serves the confirmation and unsubscribe links.
 */
import type { AssemblyResource } from '../../assembly/index.js';
import { generatedName, literalProperty } from '../../intrinsics/physical-ids.js';
import type { ServiceModule } from '../../service.js';
import { LocalSns, stableId } from './index.js';

/** A topic's name: its literal `TopicName`, else CloudFormation's generated one. */
function topicName(resource: AssemblyResource): string {
  return literalProperty(resource, 'TopicName') ?? generatedName(resource, 256);
}

/** The topic a subscription's `TopicArn: { Ref }` names in its own stack, if it does. */
function referencedTopic(subscription: AssemblyResource): AssemblyResource | undefined {
  const ref = (subscription.properties.TopicArn as { Ref?: unknown } | undefined)?.Ref;
  const resources = subscription.stack.template.Resources ?? {};
  if (typeof ref !== 'string' || !Object.hasOwn(resources, ref)) return undefined;
  const topic = resources[ref];
  if (topic?.Type !== 'AWS::SNS::Topic') return undefined;
  return {
    stack: subscription.stack,
    logicalId: ref,
    type: topic.Type,
    properties: topic.Properties ?? {},
    metadata: topic.Metadata ?? {},
  };
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
      const topic = referencedTopic(resource);
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
