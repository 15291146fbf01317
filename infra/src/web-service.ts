import { WEB_HEALTH_PATH, WEB_PORT } from '@tasktracker/web/runtime-config';
import { Duration, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { Construct } from 'constructs';
import type { WebServiceConfig } from './config/stages.js';
import type { ImageRepositoryRef } from './image-repository.js';
import { checkProps } from './props.js';
import { type LogSettings, stageLogGroup } from './removal.js';

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

export interface WebServiceProps {
  /** The VPC whose private subnets the tasks run in. */
  readonly vpc: ec2.IVpc;
  /** Task size and the autoscaling bounds of the task count. */
  readonly sizing: WebServiceConfig;
  /** Where the web image lives. */
  readonly imageRepository: ImageRepositoryRef;
  /** Tag of the web image to run (a git SHA). */
  readonly imageTag: string;
  /** The container's environment: the SPA's runtime configuration. */
  readonly environment: Readonly<Record<string, string>>;
  /** Retention and removal of the container log group. */
  readonly logs: LogSettings;
}

/**
 * The web container on ECS Fargate: ARM64 task from the ECR image, read-only and non-root, in
 * private subnets with HTTPS-only egress, circuit breaker with rollback, CPU autoscaling.
 */
export class WebService extends Construct {
  public readonly cluster: ecs.Cluster;
  public readonly service: ecs.FargateService;

  constructor(scope: Construct, id: string, props: WebServiceProps) {
    super(scope, id);
    const { sizing, vpc } = props;
    checkProps(this, [
      !(Number.isInteger(sizing.minCount) && sizing.minCount >= 1) &&
        'sizing.minCount must be a positive integer',
      !(Number.isInteger(sizing.maxCount) && sizing.maxCount >= sizing.minCount) &&
        'sizing.maxCount must be an integer ≥ sizing.minCount',
      !/^[\w.-]{1,128}$/.test(props.imageTag) &&
        `imageTag must be a valid image tag (got "${props.imageTag}")`,
    ]);

    this.cluster = new ecs.Cluster(this, 'Cluster', {
      vpc,
      containerInsightsV2: ecs.ContainerInsights.ENHANCED,
    });

    const taskDefinition = new ecs.FargateTaskDefinition(this, 'Task', {
      cpu: sizing.cpu,
      memoryLimitMiB: sizing.memoryMiB,
      runtimePlatform: {
        cpuArchitecture: ecs.CpuArchitecture.ARM64,
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
    });
    const repository = ecr.Repository.fromRepositoryAttributes(
      this,
      'ImageRepository',
      props.imageRepository,
    );
    taskDefinition.addContainer(WEB_CONTAINER_NAME, {
      image: ecs.ContainerImage.fromEcrRepository(repository, props.imageTag),
      portMappings: [{ containerPort: WEB_PORT, protocol: ecs.Protocol.TCP }],
      environment: { ...props.environment },
      readonlyRootFilesystem: true,
      user: NON_ROOT_USER,
      logging: ecs.LogDrivers.awsLogs({
        logGroup: stageLogGroup(this, 'ContainerLogs', props.logs),
        streamPrefix: WEB_CONTAINER_NAME,
      }),
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
    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc,
      description: 'Web tasks: the container port from the load balancer, HTTPS out',
      allowAllOutbound: false,
    });
    securityGroup.addEgressRule(
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
      securityGroups: [securityGroup],
      circuitBreaker: { enable: true, rollback: true },
      healthCheckGracePeriod: Duration.seconds(60),
    });
    this.service
      .autoScaleTaskCount({ minCapacity: sizing.minCount, maxCapacity: sizing.maxCount })
      .scaleOnCpuUtilization('CpuScaling', { targetUtilizationPercent: WEB_CPU_TARGET_PERCENT });
  }
}
