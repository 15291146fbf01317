import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { getStageConfig, STAGES } from '../src/config/stages.js';
import { NetworkStack } from '../src/network.js';
import { devStack } from './support/assembly.js';
import { testApp } from './support/synth.js';

const { template } = await devStack('Network');

describe('network stack', () => {
  it('creates one VPC with public and private-with-egress subnets in 2 AZs', () => {
    const t = template;
    t.resourceCountIs('AWS::EC2::VPC', 1);
    t.resourceCountIs('AWS::EC2::Subnet', 4);
    t.resourcePropertiesCountIs('AWS::EC2::Subnet', { MapPublicIpOnLaunch: true }, 2);
    t.resourcePropertiesCountIs('AWS::EC2::Subnet', { MapPublicIpOnLaunch: false }, 2);
  });

  it('creates the NAT gateways the stage config asks for', () => {
    template.resourceCountIs('AWS::EC2::NatGateway', STAGES.dev?.natGateways ?? -1);
  });

  it('logs the VPC traffic the stage asks for (dev: rejected flows only) with retention', () => {
    const t = template;
    t.hasResourceProperties('AWS::EC2::FlowLog', {
      ResourceType: 'VPC',
      TrafficType: STAGES.dev?.flowLogTraffic,
      LogDestinationType: 'cloud-watch-logs',
    });
    t.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: STAGES.dev?.logRetentionDays });
  });

  it('has gateway endpoints for DynamoDB and S3 on the private subnets', () => {
    const endpoints = template.findResources('AWS::EC2::VPCEndpoint', {
      Properties: { VpcEndpointType: 'Gateway' },
    });
    const services = Object.values(endpoints).map((e) => JSON.stringify(e.Properties.ServiceName));
    expect(services.some((s) => s.includes('.dynamodb'))).toBe(true);
    expect(services.some((s) => s.includes('.s3'))).toBe(true);
    expect(services).toHaveLength(2);
  });

  it('picks its zones at deploy time (Fn::GetAZs), so a synth for a known account needs no lookup', () => {
    const subnets = Object.values(template.findResources('AWS::EC2::Subnet'));
    const zones = subnets.map((subnet) => JSON.stringify(subnet.Properties.AvailabilityZone));
    expect(new Set(zones)).toEqual(
      new Set([0, 1].map((index) => JSON.stringify({ 'Fn::Select': [index, { 'Fn::GetAZs': '' }] }))),
    );
  });

  it('uses the zones a stage pins, when it pins them', () => {
    const config = { ...getStageConfig('dev'), availabilityZones: ['eu-west-1b', 'eu-west-1c'] as const };
    const pinned = Template.fromStack(new NetworkStack(testApp(), 'Network', { config }));
    const zones = Object.values(pinned.findResources('AWS::EC2::Subnet')).map(
      (s) => s.Properties.AvailabilityZone,
    );
    expect(new Set(zones)).toEqual(new Set(['eu-west-1b', 'eu-west-1c']));
  });

  it('has no interface endpoints in dev: they bill per AZ-hour, and the NAT carries that traffic', () => {
    template.resourcePropertiesCountIs('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Interface' }, 0);
  });

  it('has interface endpoints for ECR API, ECR Docker and CloudWatch Logs with private DNS in prod', () => {
    const prod = Template.fromStack(
      new NetworkStack(testApp(), 'Network', { config: getStageConfig('prod') }),
    );
    const endpoints = prod.findResources('AWS::EC2::VPCEndpoint', {
      Properties: { VpcEndpointType: 'Interface', PrivateDnsEnabled: true },
    });
    const services = Object.values(endpoints).map((e) => JSON.stringify(e.Properties.ServiceName));
    for (const suffix of ['.ecr.api', '.ecr.dkr', '.logs']) {
      expect(
        services.some((s) => s.includes(suffix)),
        suffix,
      ).toBe(true);
    }
    prod.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: [Match.objectLike({ FromPort: 443, ToPort: 443 })],
    });
    prod.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'ALL' });
  });
});
