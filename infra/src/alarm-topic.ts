import { ArnFormat, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { EMAIL_ADDRESS, isHttpsUrl } from './config/formats.js';
import type { AlarmSubscriptionConfig } from './config/stages.js';
import { checkProps } from './props.js';

export interface AlarmTopicProps {
  /** Shown as the sender of the notifications. */
  readonly displayName: string;
  /** CloudWatch may publish for this account's alarms whose names start with this, and no others. */
  readonly alarmNamePrefix: string;
  /** Who is notified. @default nobody (the stage config allows that outside production only) */
  readonly subscriptions?: AlarmSubscriptionConfig;
}

/**
 * The SNS topic alarms notify: KMS-encrypted with a key CloudWatch may use, TLS-only, with a
 * policy that lets CloudWatch publish for this account's alarms of this stage, and the stage's
 * e-mail and HTTPS subscriptions.
 */
export class AlarmTopic extends Construct {
  public readonly topic: sns.Topic;
  /** Encrypts the topic; CloudWatch may use it to publish. */
  public readonly key: kms.Key;
  /** Names of the alarms that may publish start with this. */
  public readonly alarmNamePrefix: string;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    const emails = props.subscriptions?.emails ?? [];
    const httpsEndpoint = props.subscriptions?.httpsEndpoint;
    checkProps(this, [
      // An empty prefix would let CloudWatch publish for every alarm of the account.
      props.alarmNamePrefix === '' && 'alarmNamePrefix must not be empty',
      ...emails.map(
        (email, i) =>
          !EMAIL_ADDRESS.test(email) &&
          `subscriptions.emails[${i}] must be an e-mail address (got "${email}")`,
      ),
      httpsEndpoint !== undefined &&
        !isHttpsUrl(httpsEndpoint) &&
        `subscriptions.httpsEndpoint must be an https:// URL (got "${httpsEndpoint}")`,
    ]);
    const stack = Stack.of(this);
    this.alarmNamePrefix = props.alarmNamePrefix;

    // An encrypted topic accepts CloudWatch's publications only if its key lets CloudWatch use it.
    this.key = new kms.Key(this, 'Key', {
      description: `Encrypts the ${props.displayName} topic`,
      enableKeyRotation: true,
    });
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
      }),
    );
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: props.displayName,
      masterKey: this.key,
      enforceSSL: true,
    });
    // A topic policy replaces SNS's default one: without this statement no alarm could publish.
    // The conditions keep another account's alarms (a confused deputy) from using the topic.
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: {
            'aws:SourceArn': stack.formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: `${props.alarmNamePrefix}*`,
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );

    for (const email of emails) {
      this.subscribe(`Email ${email}`, sns.SubscriptionProtocol.EMAIL, email);
    }
    if (httpsEndpoint !== undefined) this.subscribe('Https', sns.SubscriptionProtocol.HTTPS, httpsEndpoint);
  }

  /** The name of an alarm that may publish to this topic. */
  alarmName(id: string): string {
    return `${this.alarmNamePrefix}${id}`;
  }

  private subscribe(id: string, protocol: sns.SubscriptionProtocol, endpoint: string): void {
    // Keyed by address, so reordering the list does not replace (and unconfirm) a subscription.
    const subscription = new sns.Subscription(this, id, { topic: this.topic, protocol, endpoint });
    Validations.of(subscription).acknowledge({
      id: 'Serverless-SNSRedrivePolicy',
      reason:
        'An operator address: SNS retries delivery and counts failures in NumberOfNotificationsFailed; a dead-letter queue nobody reads adds nothing.',
    });
  }
}
