/**
 * AWS list prices (USD, us-east-1, on-demand) behind the idle-cost table in docs/deploy.md. Transcribed by
 * hand from AWS's public pricing pages on the date below, without network access to re-check
 * them: confirm with the AWS Pricing Calculator for your region before relying on the totals, and
 * update the date with the numbers.
 */
export const PRICES = {
  asOf: '2026-11-27',
  region: 'us-east-1',
  hoursPerMonth: 730,
  /** VPC: NAT gateway per hour (data processed is extra: $0.045/GB). */
  natGatewayHour: 0.045,
  /** VPC: each public IPv4 address per hour (NAT gateways' Elastic IPs, the ALB's per-AZ addresses). */
  publicIpv4Hour: 0.005,
  /** PrivateLink: interface endpoint per AZ per hour (data processed is extra: $0.01/GB). */
  interfaceEndpointAzHour: 0.01,
  /** Application Load Balancer per hour (LCUs extra: $0.008 per LCU-hour; near zero when idle). */
  albHour: 0.0225,
  /** WAF: per web ACL per month. */
  wafWebAclMonth: 5,
  /** WAF: per rule (a managed rule group counts as one) per month; requests extra: $0.60 per million. */
  wafRuleMonth: 1,
  /** Fargate, Linux/ARM64: per vCPU-hour and per GB-hour. */
  fargateArmVcpuHour: 0.03238,
  fargateArmGbHour: 0.00356,
  /** Cognito per monthly active user: Essentials (first 10,000 free) and Plus (threat protection). */
  cognitoEssentialsMau: 0.015,
  cognitoPlusMau: 0.02,
  /** CloudWatch: standard alarm per month, dashboard per month (the first three per account are free). */
  alarmMonth: 0.1,
  dashboardMonth: 3,
  /** CloudWatch Logs: per GB ingested (vended logs such as VPC flow logs: the same first tier). */
  logsIngestGb: 0.5,
  /** KMS: customer managed key per month. */
  kmsKeyMonth: 1,
} as const;

export type Prices = typeof PRICES;
