import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { AlarmTopic, type AlarmTopicProps } from '../src/alarm-topic.js';
import {
  assertStageDeployable,
  STAGES,
  type StageConfig,
  StageConfigError,
  validateStageConfig,
} from '../src/config/stages.js';
import { ConstructPropsError } from '../src/props.js';
import { BARE_DEV, OWN_PROD } from './support/config-fixtures.js';
import { testApp } from './support/synth.js';

const prod = STAGES.prod as StageConfig;

/** The template of a stack holding only an alarm topic. */
function topicTemplate(props: Partial<AlarmTopicProps> = {}): Template {
  const stack = new Stack(testApp(), 'Topic');
  new AlarmTopic(stack, 'Alarms', {
    displayName: 'Test alarms',
    alarmNamePrefix: 'TaskTracker-test-',
    ...props,
  });
  return Template.fromStack(stack);
}

describe('alarm topic', () => {
  it('refuses subscriptions that are not an e-mail address or an https:// URL, naming each, before creating anything', () => {
    // Act
    const build = () =>
      topicTemplate({
        subscriptions: { emails: ['ops@acme-corp.io', 'nobody'], httpsEndpoint: 'http://hooks.acme-corp.io' },
      });

    // Assert
    expect(build).toThrow(ConstructPropsError);
    expect(build).toThrow(
      'Topic/Alarms: subscriptions.emails[1] must be an e-mail address (got "nobody"); subscriptions.httpsEndpoint must be an https:// URL (got "http://hooks.acme-corp.io")',
    );
  });

  it('lets CloudWatch publish for this account’s alarms with the stage prefix only, and keeps the TLS deny', () => {
    // Arrange + Act
    const template = topicTemplate();

    // Assert
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          {
            Sid: 'CloudWatchAlarmsPublish',
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Resource: { Ref: Match.stringLikeRegexp('^AlarmsTopic') },
            Condition: {
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
              ArnLike: {
                'aws:SourceArn': {
                  'Fn::Join': [
                    '',
                    [
                      'arn:',
                      { Ref: 'AWS::Partition' },
                      ':cloudwatch:',
                      { Ref: 'AWS::Region' },
                      ':',
                      { Ref: 'AWS::AccountId' },
                      ':alarm:TaskTracker-test-*',
                    ],
                  ],
                },
              },
            },
          },
        ]),
      },
    });
  });

  it('encrypts the topic with a rotating key whose policy lets CloudWatch use it', () => {
    // Arrange + Act
    const template = topicTemplate();

    // Assert
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AlarmsKey'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
          }),
        ]),
      },
    });
  });

  it('subscribes every configured e-mail and the HTTPS endpoint', () => {
    // Arrange
    const subscriptions = {
      emails: ['a@example.com', 'b@example.com'],
      httpsEndpoint: 'https://alerts.example.com/sns',
    };

    // Act
    const template = topicTemplate({ subscriptions });

    // Assert
    const endpoints = Object.values(template.findResources('AWS::SNS::Subscription')).map(
      (r) => `${r.Properties.Protocol} ${r.Properties.Endpoint}`,
    );
    expect(endpoints.sort()).toEqual([
      'email a@example.com',
      'email b@example.com',
      'https https://alerts.example.com/sns',
    ]);
  });

  it('keeps each e-mail subscription when the list is reordered', () => {
    // Arrange
    const ids = (emails: string[]) =>
      Object.keys(
        topicTemplate({ subscriptions: { emails } }).findResources('AWS::SNS::Subscription'),
      ).sort();

    // Act
    const before = ids(['a@example.com', 'b@example.com']);
    const after = ids(['b@example.com', 'a@example.com']);

    // Assert
    expect(after).toEqual(before);
  });
});

describe('stage config: alarm subscriptions', () => {
  it('refuses a production stage that subscribes nobody, naming the stage and key', () => {
    // Arrange
    const { alarmSubscriptions: _, ...unsubscribed } = prod;
    const emptied = { ...prod, alarmSubscriptions: { emails: [] } };

    // Act + Assert
    for (const config of [unsubscribed, emptied]) {
      expect(() => validateStageConfig(config)).toThrow(StageConfigError);
      expect(() => validateStageConfig(config)).toThrow(
        'stage "prod": alarmSubscriptions must name an e-mail address or HTTPS endpoint in a production stage',
      );
    }
  });

  it('accepts a production stage subscribed by an HTTPS endpoint only, and a dev stage with nobody', () => {
    // Arrange
    const httpsOnly = {
      ...prod,
      alarmSubscriptions: { emails: [], httpsEndpoint: 'https://hooks.example.com/x' },
    };

    // Act + Assert
    expect(validateStageConfig(httpsOnly)).toBe(httpsOnly);
    expect(validateStageConfig(BARE_DEV)).toBe(BARE_DEV);
  });

  it('refuses to deploy while an alarm address is under a domain reserved for examples', () => {
    // Arrange: a stage with every other value its own.
    const config = {
      ...OWN_PROD,
      alarmSubscriptions: { emails: ['oncall@acme-corp.io', 'ops@example.org'] },
    };

    // Act + Assert
    expect(() => assertStageDeployable(config)).toThrow(
      'stage "prod": alarmSubscriptions.emails[1] is the committed example "ops@example.org"',
    );
  });

  it.each([
    [
      { emails: ['ops@example.com', 'OPS@example.com'] },
      'alarmSubscriptions.emails[1] repeats OPS@example.com',
    ],
    [{ emails: ['not an address'] }, 'alarmSubscriptions.emails[0] must be an e-mail address'],
    [
      { emails: [], httpsEndpoint: 'http://hooks.example.com/x' },
      'alarmSubscriptions.httpsEndpoint must be an https:// URL',
    ],
    [
      { emails: [], httpsEndpoint: 'hooks.example.com' },
      'alarmSubscriptions.httpsEndpoint must be an https:// URL',
    ],
  ])('refuses bad subscriptions (%#), naming the key', (alarmSubscriptions, message) => {
    expect(() => validateStageConfig({ ...prod, alarmSubscriptions })).toThrow(`stage "prod": ${message}`);
  });
});
