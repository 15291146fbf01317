import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COST_TABLE_DOC, configuredCostTable, withCostTable } from '../src/cost/cost-table-doc.js';
import { idleCostLines } from '../src/cost/idle-cost.js';
import { PRICES } from '../src/cost/prices.js';

describe('idle cost', () => {
  it('the table in docs/deploy.md is the one the synthesized stages and the dated prices give (npm run cost-table)', () => {
    // Arrange
    const page = readFileSync(COST_TABLE_DOC, 'utf8');
    // Act
    const expected = withCostTable(page, configuredCostTable());
    // Assert
    expect(page, 'the cost table in docs/deploy.md is stale: run `npm run cost-table`').toBe(expected);
  }, 120_000);

  it('prices what the templates hold: NAT gateways, their addresses, endpoints per AZ, tasks', () => {
    const templates = [
      {
        Resources: {
          Nat: { Type: 'AWS::EC2::NatGateway' },
          Eip: { Type: 'AWS::EC2::EIP' },
          Endpoint: {
            Type: 'AWS::EC2::VPCEndpoint',
            Properties: { VpcEndpointType: 'Interface', SubnetIds: ['a', 'b'] },
          },
          Task: { Type: 'AWS::ECS::TaskDefinition', Properties: { Cpu: '512', Memory: '1024' } },
          Scaling: {
            Type: 'AWS::ApplicationAutoScaling::ScalableTarget',
            Properties: { ScalableDimension: 'ecs:service:DesiredCount', MinCapacity: 3 },
          },
        },
      },
    ];
    const lines = new Map(idleCostLines(templates, PRICES).map((line) => [line.item, line.monthlyUsd]));
    expect(lines.get('NAT gateways')).toBeCloseTo(730 * PRICES.natGatewayHour);
    expect(lines.get('Public IPv4 addresses (NAT, ALB per AZ)')).toBeCloseTo(730 * PRICES.publicIpv4Hour);
    expect(lines.get('Interface endpoints (per AZ)')).toBeCloseTo(2 * 730 * PRICES.interfaceEndpointAzHour);
    expect(lines.get('Fargate web tasks (ARM64)')).toBeCloseTo(
      3 * 730 * (0.5 * PRICES.fargateArmVcpuHour + 1 * PRICES.fargateArmGbHour),
    );
  });
});
