import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { STAGES } from '../src/config/stages.js';
import { devAssembly } from './support/assembly.js';

let template: () => Template;
beforeAll(async () => {
  const assembly = await devAssembly();
  template = () => assembly.template('Network');
}, 120_000);

describe('network stack', () => {
  it('creates one VPC with public and private-with-egress subnets in 2 AZs', () => {
    const t = template();
    t.resourceCountIs('AWS::EC2::VPC', 1);
    t.resourceCountIs('AWS::EC2::Subnet', 4);
    t.resourcePropertiesCountIs('AWS::EC2::Subnet', { MapPublicIpOnLaunch: true }, 2);
    t.resourcePropertiesCountIs('AWS::EC2::Subnet', { MapPublicIpOnLaunch: false }, 2);
  });

  it('creates the NAT gateways the stage config asks for', () => {
    template().resourceCountIs('AWS::EC2::NatGateway', STAGES.dev?.natGateways ?? -1);
  });

  it('logs all VPC traffic to a CloudWatch log group with retention', () => {
    const t = template();
    t.hasResourceProperties('AWS::EC2::FlowLog', {
      ResourceType: 'VPC',
      TrafficType: 'ALL',
      LogDestinationType: 'cloud-watch-logs',
    });
    t.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: STAGES.dev?.logRetentionDays });
  });

  it('has gateway endpoints for DynamoDB and S3 on the private subnets', () => {
    const endpoints = template().findResources('AWS::EC2::VPCEndpoint', {
      Properties: { VpcEndpointType: 'Gateway' },
    });
    const services = Object.values(endpoints).map((e) => JSON.stringify(e.Properties.ServiceName));
    expect(services.some((s) => s.includes('.dynamodb'))).toBe(true);
    expect(services.some((s) => s.includes('.s3'))).toBe(true);
    expect(services).toHaveLength(2);
  });

  it('has interface endpoints for ECR API, ECR Docker and CloudWatch Logs with private DNS', () => {
    const endpoints = template().findResources('AWS::EC2::VPCEndpoint', {
      Properties: { VpcEndpointType: 'Interface', PrivateDnsEnabled: true },
    });
    const services = Object.values(endpoints).map((e) => JSON.stringify(e.Properties.ServiceName));
    for (const suffix of ['.ecr.api', '.ecr.dkr', '.logs']) {
      expect(
        services.some((s) => s.includes(suffix)),
        suffix,
      ).toBe(true);
    }
    template().hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: [Match.objectLike({ FromPort: 443, ToPort: 443 })],
    });
  });
});
