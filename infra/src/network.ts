import { Fn, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { Construct } from 'constructs';
import type { StageConfig } from './config/stages.js';
import { type LogSettings, stageLogGroup } from './removal.js';

/** How many availability zones the VPC spans. */
export const VPC_AZ_COUNT = 2;

/** The slice of stage config the network stack uses. */
export type NetworkSettings = Pick<
  StageConfig,
  'natGateways' | 'availabilityZones' | 'interfaceEndpoints' | 'flowLogTraffic'
> &
  LogSettings;

export interface NetworkStackProps extends StackProps {
  /** NAT gateways, zones, endpoints, flow logs and log retention of the stage. */
  readonly config: NetworkSettings;
}

/** The interface endpoints a stage may opt into: what the web tasks reach AWS for. */
const INTERFACE_ENDPOINTS = {
  EcrApiEndpoint: ec2.InterfaceVpcEndpointAwsService.ECR,
  EcrDockerEndpoint: ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER,
  LogsEndpoint: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
};

/**
 * The VPC: two AZs, public subnets for the load balancer and NAT gateways, private subnets with
 * egress for the web tasks, flow logs, gateway endpoints for S3 and DynamoDB and, per stage,
 * interface endpoints that keep ECR and logs traffic off the NAT gateways.
 */
export class NetworkStack extends Stack {
  /** The stage's VPC. */
  public readonly vpc: ec2.Vpc;
  private readonly zones: readonly string[] | undefined;

  constructor(scope: Construct, id: string, props: NetworkStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.zones = config.availabilityZones;

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: VPC_AZ_COUNT,
      natGateways: config.natGateways,
      subnetConfiguration: [
        { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
      ],
      // Every resource gets its own security group and none uses the default one; restricting it
      // would add a custom-resource Lambda to the stack for no gain.
      restrictDefaultSecurityGroup: false,
    });

    this.vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(stageLogGroup(this, 'FlowLogs', config)),
      trafficType: ec2.FlowLogTrafficType[config.flowLogTraffic],
    });

    const privateSubnets = { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
    this.vpc.addGatewayEndpoint('DynamoDbEndpoint', {
      service: ec2.GatewayVpcEndpointAwsService.DYNAMODB,
      subnets: [privateSubnets],
    });
    // ECR serves image layers from S3, so pulls stay off the NAT gateways too.
    this.vpc.addGatewayEndpoint('S3Endpoint', {
      service: ec2.GatewayVpcEndpointAwsService.S3,
      subnets: [privateSubnets],
    });
    if (!config.interfaceEndpoints) return;
    for (const [endpointId, service] of Object.entries(INTERFACE_ENDPOINTS)) {
      const endpoint = this.vpc.addInterfaceEndpoint(endpointId, {
        service,
        subnets: privateSubnets,
        privateDnsEnabled: true,
      });
      // The rule cannot evaluate the VPC CIDR token: the group admits HTTPS from inside the VPC only.
      Validations.of(endpoint).acknowledge({
        id: 'AwsSolutions-EC23',
        reason:
          'Ingress is port 443 from the VPC CIDR only (a token the rule cannot resolve), not 0.0.0.0/0.',
      });
    }
  }

  /**
   * The zones the VPC uses. CDK's default looks them up with AWS calls whenever the account is
   * known (a laptop with credentials, the pipeline's CodeBuild synth), which needs credentials
   * and a lookup role; the zones from stage config, else CloudFormation's `Fn::GetAZs` at deploy
   * time, need neither.
   */
  public override get availabilityZones(): string[] {
    if (this.zones) return [...this.zones];
    return Array.from({ length: VPC_AZ_COUNT }, (_, index) => Fn.select(index, Fn.getAzs()));
  }
}
