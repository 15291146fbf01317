import { WEB_ENV, WEB_PORT } from '@tasktracker/web/runtime-config';
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type { Construct } from 'constructs';
import type { StageConfig } from './config/stages.js';
import type { ImageRepositoryRef } from './image-repository.js';
import {
  managedRuleGroup,
  RegionalWebAcl,
  visibility,
  WAF_MANAGED_RULE_GROUPS,
  WAF_RATE_LIMIT_PER_5_MIN,
} from './waf.js';
import { WebLoadBalancer } from './web-load-balancer.js';
import { WebService } from './web-service.js';

/** The slice of stage config the web stack uses. */
export type WebSettings = Pick<StageConfig, 'name' | 'web' | 'domain' | 'logRetentionDays' | 'removalPolicy'>;

export interface WebStackProps extends StackProps {
  /** Name, task sizing, domain and log retention of the stage. */
  readonly config: WebSettings;
  /** The VPC the load balancer and tasks run in. */
  readonly vpc: ec2.IVpc;
  /** The REST API's invoke URL, handed to the SPA through its runtime config. */
  readonly apiUrl: string;
  /** The pool the SPA signs users in to. */
  readonly userPool: cognito.IUserPool;
  /** The SPA's app client. */
  readonly userPoolClient: cognito.IUserPoolClient;
  /** Where the web image lives. */
  readonly imageRepository: ImageRepositoryRef;
  /** Tag of the web image to run (a git SHA). */
  readonly imageTag: string;
}

/** The web tier: ECS Fargate service behind an internet-facing ALB with WAF, TLS when a domain is set. */
export class WebStack extends Stack {
  public readonly cluster: ecs.Cluster;
  public readonly service: ecs.FargateService;
  public readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  /** The URL users open. */
  public readonly webUrl: CfnOutput;

  constructor(scope: Construct, id: string, props: WebStackProps) {
    super(scope, id, props);
    const { config, vpc } = props;

    const web = new WebService(this, 'Service', {
      vpc,
      sizing: config.web,
      imageRepository: props.imageRepository,
      imageTag: props.imageTag,
      environment: {
        [WEB_ENV.apiUrl]: props.apiUrl,
        [WEB_ENV.region]: this.region,
        [WEB_ENV.userPoolId]: props.userPool.userPoolId,
        [WEB_ENV.userPoolClientId]: props.userPoolClient.userPoolClientId,
        [WEB_ENV.port]: String(WEB_PORT),
      },
      logs: config,
    });
    this.cluster = web.cluster;
    this.service = web.service;

    const front = new WebLoadBalancer(this, 'LoadBalancer', {
      vpc,
      service: web.service,
      ...(config.domain ? { domain: config.domain } : {}),
      accessLogDays: config.logRetentionDays,
    });
    this.loadBalancer = front.loadBalancer;

    // The web app serves static files and GETs: the managed rule sets apply unchanged here (the
    // ALB forwards at most 8 KB of a body to WAF anyway).
    const aclName = `tasktracker-${config.name}`;
    new RegionalWebAcl(this, 'Waf', {
      name: aclName,
      resourceArn: this.loadBalancer.loadBalancerArn,
      rules: [
        ...WAF_MANAGED_RULE_GROUPS.map((group, index) => managedRuleGroup(group, index, aclName)),
        {
          name: 'RateLimitPerIp',
          priority: WAF_MANAGED_RULE_GROUPS.length,
          action: { block: {} },
          statement: { rateBasedStatement: { limit: WAF_RATE_LIMIT_PER_5_MIN, aggregateKeyType: 'IP' } },
          visibilityConfig: visibility(aclName, 'RateLimitPerIp'),
        },
      ],
      logs: config,
    });

    this.webUrl = new CfnOutput(this, 'WebUrl', { value: front.url, description: 'URL of the web app' });
  }
}
