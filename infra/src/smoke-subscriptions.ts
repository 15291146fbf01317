/**
 * The smoke test's look at who a stage's alarms reach. SNS sends nothing to a subscription until
 * its endpoint confirms it, and an e-mail subscription from the template stays pending until
 * someone follows the link in SNS's confirmation e-mail: after a first deploy, or after an address
 * is added, the alarms may reach nobody. SNS's `ListSubscriptionsByTopic` shows such a
 * subscription with `PendingConfirmation` in place of its ARN.
 */
import { paginateListSubscriptionsByTopic, type SNSClient } from '@aws-sdk/client-sns';

/** What SNS lists in place of the ARN of a subscription its endpoint has not confirmed. */
export const PENDING_CONFIRMATION = 'PendingConfirmation';

/** A subscription of the alarm topic as the smoke test reports it. */
export interface AlarmSubscription {
  /** `email`, `https`, … */
  readonly protocol: string;
  /** The address or URL notified. */
  readonly endpoint: string;
  /** Whether the endpoint confirmed it: only then does SNS deliver to it. */
  readonly confirmed: boolean;
}

/** Every subscription of a topic, all pages of `ListSubscriptionsByTopic` read. */
export async function alarmSubscriptions(client: SNSClient, topicArn: string): Promise<AlarmSubscription[]> {
  const subscriptions: AlarmSubscription[] = [];
  for await (const page of paginateListSubscriptionsByTopic({ client }, { TopicArn: topicArn })) {
    for (const listed of page.Subscriptions ?? []) {
      subscriptions.push({
        protocol: listed.Protocol ?? 'unknown',
        endpoint: listed.Endpoint ?? 'unknown',
        confirmed: listed.SubscriptionArn !== PENDING_CONFIRMATION,
      });
    }
  }
  return subscriptions;
}

/** What to do about a pending subscription, by protocol: the e-mail protocols need a person. */
function confirmationStep(subscription: AlarmSubscription): string {
  if (subscription.protocol === 'email' || subscription.protocol === 'email-json') {
    return `open the e-mail "AWS Notification - Subscription Confirmation" that SNS sent to ${subscription.endpoint} and follow its "Confirm subscription" link (it expires after 3 days; "Request confirmation" on the subscription in the SNS console sends a new one)`;
  }
  return `the endpoint must visit the SubscribeURL of the SubscriptionConfirmation message SNS POSTed to it (an incident tool's SNS integration does this itself: check its setup; "Request confirmation" on the subscription in the SNS console sends a new one)`;
}

/**
 * One line per subscription, and the number still pending. A pending subscription is a failure
 * line that names its endpoint and how to confirm it; a topic nobody subscribes is a note (dev
 * may run so; the stage config requires a subscription in production stages).
 */
export function subscriptionReport(subscriptions: readonly AlarmSubscription[]): {
  readonly lines: readonly string[];
  readonly pending: number;
} {
  if (subscriptions.length === 0) {
    return { lines: ['note alarm topic: no subscriptions, so its alarms notify nobody'], pending: 0 };
  }
  const lines = subscriptions.map((subscription) => {
    const name = `alarm subscription ${subscription.protocol} ${subscription.endpoint}`;
    return subscription.confirmed
      ? `ok   ${name} (confirmed)`
      : `fail ${name} is pending confirmation, so alarms do not reach it: ${confirmationStep(subscription)}`;
  });
  return { lines, pending: subscriptions.filter((subscription) => !subscription.confirmed).length };
}
