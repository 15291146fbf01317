import { WEB_HEALTH_PATH, WEB_PORT } from '@tasktracker/web/runtime-config';
import { Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { DomainConfig } from './config/stages.js';
import { checkProps } from './props.js';
import { WebDomain, webOrigin } from './web-domain.js';

/** ALB access logs are kept at least this long, whatever the stage's log retention. */
const MIN_ACCESS_LOG_DAYS = 30;

export interface WebLoadBalancerProps {
  /** The VPC whose public subnets the load balancer sits in. */
  readonly vpc: ec2.IVpc;
  /** The service the load balancer forwards to. */
  readonly service: ecs.FargateService;
  /** Serve HTTPS on this name (HTTP redirects to it). @default plain HTTP on the load balancer's DNS name */
  readonly domain?: DomainConfig;
  /** Days the access logs are kept (at least 30). */
  readonly accessLogDays: number;
}

/**
 * The internet-facing ALB in front of the web service: invalid headers dropped, access logs to
 * an SSL-only bucket, and either HTTPS with an ACM certificate plus an HTTP→HTTPS redirect (with a
 * domain) or plain HTTP.
 */
export class WebLoadBalancer extends Construct {
  public readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  /** The URL users open. */
  public readonly url: string;

  constructor(scope: Construct, id: string, props: WebLoadBalancerProps) {
    super(scope, id);
    checkProps(this, [
      !(Number.isInteger(props.accessLogDays) && props.accessLogDays > 0) &&
        'accessLogDays must be a positive integer',
    ]);

    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'Alb', {
      vpc: props.vpc,
      internetFacing: true,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      dropInvalidHeaderFields: true,
    });
    Validations.of(this.loadBalancer).acknowledge({
      id: 'AwsSolutions-EC23',
      reason:
        'An internet-facing load balancer must accept HTTP(S) from anywhere; the WAF web ACL filters it.',
    });
    this.enableAccessLogs(props.accessLogDays);

    const listener = props.domain
      ? this.addHttpsListener(props.domain)
      : this.loadBalancer.addListener('Http', { port: 80, open: true });
    listener.addTargets('Web', {
      port: WEB_PORT,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targets: [props.service],
      deregistrationDelay: Duration.seconds(30),
      healthCheck: { path: WEB_HEALTH_PATH, healthyHttpCodes: '200', interval: Duration.seconds(15) },
    });
    this.url = props.domain ? webOrigin(props.domain) : `http://${this.loadBalancer.loadBalancerDnsName}`;
  }

  /** HTTPS on 443 with the domain's certificate (TLS 1.2+, 1.3 preferred); port 80 redirects there. */
  private addHttpsListener(domain: DomainConfig): elbv2.ApplicationListener {
    const { certificate } = new WebDomain(this, 'Domain', { domain, loadBalancer: this.loadBalancer });
    this.loadBalancer.addRedirect({ sourcePort: 80, targetPort: 443 });
    return this.loadBalancer.addListener('Https', {
      port: 443,
      open: true,
      certificates: [certificate],
      sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
    });
  }

  /** Access logs to an S3 bucket that only accepts TLS and expires old logs. */
  private enableAccessLogs(days: number): void {
    const bucket = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED, // the only encryption ALB log delivery supports
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: Duration.days(Math.max(days, MIN_ACCESS_LOG_DAYS)) }],
      // Kept when the stack goes (a non-empty bucket cannot be deleted anyway); the lifecycle
      // rule empties it.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This bucket holds access logs itself; logging its own access would log the log writes.',
    });
    const prefix = 'alb';
    const stack = Stack.of(this);
    if (!Token.isUnresolved(stack.region)) {
      // The region's ELB log-delivery principal is known: let CDK grant exactly it.
      this.loadBalancer.logAccessLogs(bucket, prefix);
      return;
    }
    // Environment-agnostic synth: grant the log-delivery service principal (every region since
    // 2022); deploys from the CLI or the pipeline know their region and take the branch above.
    bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('logdelivery.elasticloadbalancing.amazonaws.com')],
        actions: ['s3:PutObject'],
        resources: [bucket.arnForObjects(`${prefix}/AWSLogs/${stack.account}/*`)],
      }),
    );
    this.loadBalancer.setAttribute('access_logs.s3.enabled', 'true');
    this.loadBalancer.setAttribute('access_logs.s3.bucket', bucket.bucketName);
    this.loadBalancer.setAttribute('access_logs.s3.prefix', prefix);
    this.loadBalancer.node.addDependency(bucket);
    if (bucket.policy) this.loadBalancer.node.addDependency(bucket.policy);
  }
}
