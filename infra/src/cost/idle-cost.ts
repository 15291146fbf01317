/**
 * What each stage costs per month with no traffic at all, computed from its synthesized
 * templates (resource counts, sizes, task counts) and the dated unit prices in `prices.ts`. The
 * table in docs/deploy.md is this module's output; a test fails when the two differ.
 */
import type { Prices } from './prices.js';

/** The part of a CloudFormation template the counts read. */
export interface CostTemplate {
  readonly Resources?: Readonly<
    Record<string, { readonly Type: string; readonly Properties?: Record<string, unknown> }>
  >;
}

/** One billed item of a stage: what is counted and its monthly price when idle. */
export interface CostLine {
  readonly item: string;
  /** How the amount comes about, e.g. `2 × 730 h × $0.045`. */
  readonly basis: string;
  readonly monthlyUsd: number;
}

/**
 * Bytes one VPC flow log record takes in CloudWatch Logs (a default-format line of ~120 bytes
 * plus the 26 bytes CloudWatch counts per event). An estimate: record lengths vary with addresses.
 */
export const FLOW_LOG_RECORD_BYTES = 150;

type Resource = { readonly Type: string; readonly Properties?: Record<string, unknown> };

function resourcesOf(templates: readonly CostTemplate[], type: string): Resource[] {
  return templates.flatMap((template) =>
    Object.values(template.Resources ?? {}).filter((r) => r.Type === type),
  );
}

/** An amount in dollars and cents. */
const usd = (amount: number): string => `$${amount.toFixed(2)}`;
/** A unit price as listed (sub-cent prices keep their digits). */
const unit = (price: number): string => `$${price}`;
const count = (items: readonly unknown[]): number => items.length;

/** The idle cost lines of one stage, from all of its templates. */
export function idleCostLines(templates: readonly CostTemplate[], prices: Prices): CostLine[] {
  const hours = prices.hoursPerMonth;
  const props = (r: Resource) => r.Properties ?? {};
  const lines: CostLine[] = [];

  const nat = count(resourcesOf(templates, 'AWS::EC2::NatGateway'));
  lines.push({
    item: 'NAT gateways',
    basis: `${nat} × ${hours} h × ${unit(prices.natGatewayHour)}`,
    monthlyUsd: nat * hours * prices.natGatewayHour,
  });

  const albs = resourcesOf(templates, 'AWS::ElasticLoadBalancingV2::LoadBalancer').filter(
    (r) => props(r).Scheme === 'internet-facing',
  );
  const albZones = albs.reduce(
    (sum, r) => sum + ((props(r).Subnets as unknown[] | undefined)?.length ?? 0),
    0,
  );
  const eips = count(resourcesOf(templates, 'AWS::EC2::EIP'));
  lines.push({
    item: 'Public IPv4 addresses (NAT, ALB per AZ)',
    basis: `${eips + albZones} × ${hours} h × ${unit(prices.publicIpv4Hour)}`,
    monthlyUsd: (eips + albZones) * hours * prices.publicIpv4Hour,
  });

  const endpointZones = resourcesOf(templates, 'AWS::EC2::VPCEndpoint')
    .filter((r) => props(r).VpcEndpointType === 'Interface')
    .reduce((sum, r) => sum + ((props(r).SubnetIds as unknown[] | undefined)?.length ?? 0), 0);
  lines.push({
    item: 'Interface endpoints (per AZ)',
    basis: `${endpointZones} × ${hours} h × ${unit(prices.interfaceEndpointAzHour)}`,
    monthlyUsd: endpointZones * hours * prices.interfaceEndpointAzHour,
  });

  lines.push({
    item: 'Application Load Balancer',
    basis: `${albs.length} × ${hours} h × ${unit(prices.albHour)}`,
    monthlyUsd: albs.length * hours * prices.albHour,
  });

  const acls = resourcesOf(templates, 'AWS::WAFv2::WebACL');
  const rules = acls.reduce((sum, r) => sum + ((props(r).Rules as unknown[] | undefined)?.length ?? 0), 0);
  lines.push({
    item: 'WAF web ACLs and rules',
    basis: `${acls.length} × ${unit(prices.wafWebAclMonth)} + ${rules} rules × ${unit(prices.wafRuleMonth)}`,
    monthlyUsd: acls.length * prices.wafWebAclMonth + rules * prices.wafRuleMonth,
  });

  lines.push(fargateLine(templates, prices));

  const pools = resourcesOf(templates, 'AWS::Cognito::UserPool');
  const tiers = pools.map((r) => String(props(r).UserPoolTier ?? 'ESSENTIALS'));
  const perMau = tiers.includes('PLUS') ? prices.cognitoPlusMau : prices.cognitoEssentialsMau;
  lines.push({
    item: `Cognito (${tiers.join(', ').toLowerCase()} tier)`,
    basis: `0 active users; then ${unit(perMau)} per monthly active user`,
    monthlyUsd: 0,
  });

  const alarms = count(resourcesOf(templates, 'AWS::CloudWatch::Alarm'));
  const dashboards = count(resourcesOf(templates, 'AWS::CloudWatch::Dashboard'));
  lines.push({
    item: 'CloudWatch alarms and dashboards',
    basis: `${alarms} × ${unit(prices.alarmMonth)} + ${dashboards} × ${unit(prices.dashboardMonth)}`,
    monthlyUsd: alarms * prices.alarmMonth + dashboards * prices.dashboardMonth,
  });

  const keys = count(resourcesOf(templates, 'AWS::KMS::Key'));
  lines.push({
    item: 'KMS keys',
    basis: `${keys} × ${unit(prices.kmsKeyMonth)}`,
    monthlyUsd: keys * prices.kmsKeyMonth,
  });

  lines.push(flowLogLine(templates, albZones, prices));
  return lines;
}

/** The web tasks autoscaling never goes under, at their Fargate ARM64 price. */
function fargateLine(templates: readonly CostTemplate[], prices: Prices): CostLine {
  const targets = resourcesOf(templates, 'AWS::ApplicationAutoScaling::ScalableTarget').filter(
    (r) => r.Properties?.ScalableDimension === 'ecs:service:DesiredCount',
  );
  const tasks = targets.reduce((sum, r) => sum + Number(r.Properties?.MinCapacity ?? 0), 0);
  const [definition, ...others] = resourcesOf(templates, 'AWS::ECS::TaskDefinition');
  if (!definition || others.length > 0)
    throw new Error('the cost table expects exactly one task definition per stage');
  const vcpu = Number(definition.Properties?.Cpu) / 1024;
  const gb = Number(definition.Properties?.Memory) / 1024;
  const hourly = vcpu * prices.fargateArmVcpuHour + gb * prices.fargateArmGbHour;
  return {
    item: 'Fargate web tasks (ARM64)',
    basis: `${tasks} × (${vcpu} vCPU, ${gb} GB) × ${prices.hoursPerMonth} h`,
    monthlyUsd: tasks * hourly * prices.hoursPerMonth,
  };
}

/**
 * Logs at idle: the VPC flow records of the load balancer's health checks (each check a new
 * connection, recorded at the ALB's and the task's interface), when the flow logs record
 * accepted traffic. Every other log group only grows with use.
 */
function flowLogLine(templates: readonly CostTemplate[], albZones: number, prices: Prices): CostLine {
  const recordsAll = resourcesOf(templates, 'AWS::EC2::FlowLog').some(
    (r) => r.Properties?.TrafficType === 'ALL',
  );
  const groups = resourcesOf(templates, 'AWS::ElasticLoadBalancingV2::TargetGroup');
  const targets = resourcesOf(templates, 'AWS::ApplicationAutoScaling::ScalableTarget').reduce(
    (sum, r) => sum + Number(r.Properties?.MinCapacity ?? 0),
    0,
  );
  const checksPerMonth = groups.reduce(
    (sum, r) => sum + (prices.hoursPerMonth * 3600) / Number(r.Properties?.HealthCheckIntervalSeconds ?? 30),
    0,
  );
  const records = recordsAll ? 2 * albZones * targets * checksPerMonth : 0;
  const gb = (records * FLOW_LOG_RECORD_BYTES) / 1024 ** 3;
  return {
    item: 'CloudWatch Logs (flow logs of health checks)',
    basis: recordsAll
      ? `~${gb.toFixed(2)} GB × ${unit(prices.logsIngestGb)}`
      : 'rejected flows only: no health-check records',
    monthlyUsd: gb * prices.logsIngestGb,
  };
}

/** The idle-cost table: one row per item, one column per stage, and the totals. */
export function idleCostTable(stages: ReadonlyMap<string, readonly CostLine[]>, prices: Prices): string {
  const names = [...stages.keys()];
  const first = stages.get(names[0] ?? '') ?? [];
  const rows = first.map((line, index) => {
    const cells = names.map((name) => {
      const stageLine = stages.get(name)?.[index];
      return stageLine ? `${usd(stageLine.monthlyUsd)} (${stageLine.basis})` : '—';
    });
    return `| ${line.item} | ${cells.join(' | ')} |`;
  });
  const totals = names.map(
    (name) => `**${usd((stages.get(name) ?? []).reduce((sum, l) => sum + l.monthlyUsd, 0))}**`,
  );
  return [
    `| Idle cost per month (${prices.region}, prices of ${prices.asOf}) | ${names.join(' | ')} |`,
    `|---|${names.map(() => '--:|').join('')}`,
    ...rows,
    `| **Total** | ${totals.join(' | ')} |`,
  ].join('\n');
}
