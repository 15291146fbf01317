import { Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { StageConfig } from './config/stages.js';
import { removalPolicyOf } from './removal.js';

export interface NetworkStackProps extends StackProps {
  /** The stage being deployed. */
  readonly config: StageConfig;
}

/**
 * The VPC: two AZs, public subnets for the load balancer and NAT gateways, private subnets with
 * egress for the web tasks, flow logs, and endpoints that keep ECR, logs, S3 and DynamoDB traffic
 * off the NAT gateways.
 */
export class NetworkStack extends Stack {
  /** The stage's VPC. */
  public readonly vpc: ec2.Vpc;

  constructor(scope: Construct, id: string, props: NetworkStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: config.natGateways,
      subnetConfiguration: [
        { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
      ],
      // Every resource gets its own security group and none uses the default one; restricting it
      // would add a custom-resource Lambda to the stack for no gain.
      restrictDefaultSecurityGroup: false,
    });

    const flowLogGroup = new logs.LogGroup(this, 'FlowLogs', {
      retention: config.logRetentionDays,
      removalPolicy: removalPolicyOf(config),
    });
    this.vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogGroup),
      trafficType: ec2.FlowLogTrafficType.ALL,
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
    const interfaceEndpoints = {
      EcrApiEndpoint: ec2.InterfaceVpcEndpointAwsService.ECR,
      EcrDockerEndpoint: ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER,
      LogsEndpoint: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
    };
    for (const [endpointId, service] of Object.entries(interfaceEndpoints)) {
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
}
