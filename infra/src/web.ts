import { WEB_ENV, WEB_HEALTH_PATH, WEB_PORT } from '@tasktracker/web/runtime-config';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Token, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { StageConfig } from './config/stages.js';
import type { ImageRepositoryRef } from './image-repository.js';
import { removalPolicyOf } from './removal.js';
import { WebAcl } from './waf.js';

/** Name of the web container in the task definition. */
export const WEB_CONTAINER_NAME = 'web';
/** The web image's Dockerfile, relative to the repository root (its build context). */
export const WEB_DOCKERFILE = 'web/Dockerfile';
/** Metadata key on the task definition telling the local cloud where the image's source is. */
export const LOCAL_CONTAINER_METADATA_KEY = 'tasktracker:local-container';
/** CPU utilization the service's autoscaling keeps the tasks at. */
export const WEB_CPU_TARGET_PERCENT = 60;
/** uid:gid of the `node` user of the official Node.js images. */
const NON_ROOT_USER = '1000:1000';

export interface WebStackProps extends StackProps {
  /** The stage being deployed. */
  readonly config: StageConfig;
  readonly vpc: ec2.IVpc;
  /** The REST API's invoke URL, handed to the SPA through its runtime config. */
  readonly apiUrl: string;
  readonly userPool: cognito.IUserPool;
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

    this.cluster = new ecs.Cluster(this, 'Cluster', {
      vpc,
      containerInsightsV2: ecs.ContainerInsights.ENHANCED,
    });

    const taskDefinition = new ecs.FargateTaskDefinition(this, 'Task', {
      cpu: config.web.cpu,
      memoryLimitMiB: config.web.memoryMiB,
      runtimePlatform: {
        cpuArchitecture: ecs.CpuArchitecture.ARM64,
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
    });
    const containerLogs = new logs.LogGroup(this, 'ContainerLogs', {
      retention: config.logRetentionDays,
      removalPolicy: removalPolicyOf(config),
    });
    const repository = ecr.Repository.fromRepositoryAttributes(
      this,
      'ImageRepository',
      props.imageRepository,
    );
    taskDefinition.addContainer(WEB_CONTAINER_NAME, {
      image: ecs.ContainerImage.fromEcrRepository(repository, props.imageTag),
      portMappings: [{ containerPort: WEB_PORT, protocol: ecs.Protocol.TCP }],
      environment: {
        [WEB_ENV.apiUrl]: props.apiUrl,
        [WEB_ENV.region]: Stack.of(this).region,
        [WEB_ENV.userPoolId]: props.userPool.userPoolId,
        [WEB_ENV.userPoolClientId]: props.userPoolClient.userPoolClientId,
        [WEB_ENV.port]: String(WEB_PORT),
      },
      readonlyRootFilesystem: true,
      user: NON_ROOT_USER,
      logging: ecs.LogDrivers.awsLogs({ logGroup: containerLogs, streamPrefix: WEB_CONTAINER_NAME }),
      healthCheck: {
        command: [
          'CMD',
          'node',
          '-e',
          `fetch('http://127.0.0.1:${WEB_PORT}${WEB_HEALTH_PATH}').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))`,
        ],
        interval: Duration.seconds(30),
        timeout: Duration.seconds(5),
        retries: 3,
        startPeriod: Duration.seconds(10),
      },
    });
    // The local cloud builds or runs the container from source; this says where the source is.
    (taskDefinition.node.defaultChild as ecs.CfnTaskDefinition).addMetadata(LOCAL_CONTAINER_METADATA_KEY, {
      dockerfile: WEB_DOCKERFILE,
      containerName: WEB_CONTAINER_NAME,
    });
    Validations.of(taskDefinition).acknowledge({
      id: 'AwsSolutions-ECS2',
      reason:
        'The environment holds only public client configuration (API URL, region, user pool and client ids); no secrets.',
    });
    Validations.of(taskDefinition).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'ecr:GetAuthorizationToken has no resource-level permissions; pulls are scoped to the one repository.',
    });

    // The web server calls nothing itself: its tasks need HTTPS out only, for the image pull and
    // logs (VPC endpoints, S3 gateway). DNS to the VPC resolver is not subject to security groups.
    const serviceSecurityGroup = new ec2.SecurityGroup(this, 'ServiceSecurityGroup', {
      vpc,
      description: 'Web tasks: the container port from the load balancer, HTTPS out',
      allowAllOutbound: false,
    });
    serviceSecurityGroup.addEgressRule(
      ec2.Peer.anyIpv4(),
      ec2.Port.tcp(443),
      'HTTPS to AWS APIs (ECR, CloudWatch Logs, S3)',
    );

    this.service = new ecs.FargateService(this, 'Service', {
      cluster: this.cluster,
      taskDefinition,
      // No desiredCount: autoscaling owns the task count (registering its target at minCount
      // scales a new service up at once), so a deploy never resets a scaled-out service.
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      assignPublicIp: false,
      securityGroups: [serviceSecurityGroup],
      circuitBreaker: { enable: true, rollback: true },
      healthCheckGracePeriod: Duration.seconds(60),
    });
    const scaling = this.service.autoScaleTaskCount({
      minCapacity: config.web.minCount,
      maxCapacity: config.web.maxCount,
    });
    scaling.scaleOnCpuUtilization('CpuScaling', { targetUtilizationPercent: WEB_CPU_TARGET_PERCENT });

    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc,
      internetFacing: true,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      dropInvalidHeaderFields: true,
    });
    Validations.of(this.loadBalancer).acknowledge({
      id: 'AwsSolutions-EC23',
      reason:
        'An internet-facing load balancer must accept HTTP(S) from anywhere; the WAF web ACL filters it.',
    });
    this.enableAccessLogs(config);
    new WebAcl(this, 'Waf', { config, resourceArn: this.loadBalancer.loadBalancerArn });

    const listener = this.addListener(config);
    listener.addTargets('Web', {
      port: WEB_PORT,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targets: [this.service],
      deregistrationDelay: Duration.seconds(30),
      healthCheck: { path: WEB_HEALTH_PATH, healthyHttpCodes: '200', interval: Duration.seconds(15) },
    });

    const url = config.domain
      ? `https://${config.domain.name}`
      : `http://${this.loadBalancer.loadBalancerDnsName}`;
    this.webUrl = new CfnOutput(this, 'WebUrl', { value: url, description: 'URL of the web app' });
  }

  /** HTTPS with an ACM certificate and an HTTP redirect when a domain is set; else plain HTTP. */
  private addListener(config: StageConfig): elbv2.ApplicationListener {
    if (!config.domain) {
      return this.loadBalancer.addListener('Http', { port: 80, open: true });
    }
    const zone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', {
      hostedZoneId: config.domain.hostedZoneId,
      zoneName: config.domain.zoneName,
    });
    const certificate = new acm.Certificate(this, 'Certificate', {
      domainName: config.domain.name,
      validation: acm.CertificateValidation.fromDns(zone),
    });
    this.loadBalancer.addRedirect({ sourcePort: 80, targetPort: 443 });
    new route53.ARecord(this, 'Alias', {
      zone,
      recordName: config.domain.name,
      target: route53.RecordTarget.fromAlias(new targets.LoadBalancerTarget(this.loadBalancer)),
    });
    return this.loadBalancer.addListener('Https', {
      port: 443,
      open: true,
      certificates: [certificate],
      sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
    });
  }

  /** Access logs to an S3 bucket that only accepts TLS and expires old logs. */
  private enableAccessLogs(config: StageConfig): void {
    const bucket = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED, // the only encryption ALB log delivery supports
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: Duration.days(Math.max(config.logRetentionDays, 30)) }],
      // Kept when the stack goes (a non-empty bucket cannot be deleted anyway); the lifecycle
      // rule empties it.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This bucket holds access logs itself; logging its own access would log the log writes.',
    });
    const prefix = 'alb';
    if (!Token.isUnresolved(this.region)) {
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
        resources: [bucket.arnForObjects(`${prefix}/AWSLogs/${this.account}/*`)],
      }),
    );
    this.loadBalancer.setAttribute('access_logs.s3.enabled', 'true');
    this.loadBalancer.setAttribute('access_logs.s3.bucket', bucket.bucketName);
    this.loadBalancer.setAttribute('access_logs.s3.prefix', prefix);
    this.loadBalancer.node.addDependency(bucket);
    if (bucket.policy) this.loadBalancer.node.addDependency(bucket.policy);
  }
}
