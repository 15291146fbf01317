import { Arn, ArnFormat, Stack } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import type { StageConfig } from './config/stages.js';
import { removalPolicyOf } from './removal.js';

/** Requests one client IP may make in any 5-minute window before the rate rule blocks it. */
export const WAF_RATE_LIMIT_PER_5_MIN = 2000;

/** AWS managed rule groups on the web ACL, in evaluation order. */
export const WAF_MANAGED_RULE_GROUPS = [
  'AWSManagedRulesAmazonIpReputationList',
  'AWSManagedRulesCommonRuleSet',
  'AWSManagedRulesKnownBadInputsRuleSet',
] as const;

export interface WebAclProps {
  /** The stage being deployed. */
  readonly config: StageConfig;
  /** ARN of the load balancer the ACL protects. */
  readonly resourceArn: string;
}

/** A REGIONAL WAFv2 web ACL on the load balancer: managed rule groups, a per-IP rate limit, logging. */
export class WebAcl extends Construct {
  public readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: WebAclProps) {
    super(scope, id);
    const metricPrefix = `tasktracker-${props.config.name}`;
    const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName: `${metricPrefix}-${metricName}`,
    });

    const managedRules = WAF_MANAGED_RULE_GROUPS.map(
      (name, index): wafv2.CfnWebACL.RuleProperty => ({
        name,
        priority: index,
        overrideAction: { none: {} },
        statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
        visibilityConfig: visibility(name),
      }),
    );
    const rateRule: wafv2.CfnWebACL.RuleProperty = {
      name: 'RateLimitPerIp',
      priority: managedRules.length,
      action: { block: {} },
      statement: { rateBasedStatement: { limit: WAF_RATE_LIMIT_PER_5_MIN, aggregateKeyType: 'IP' } },
      visibilityConfig: visibility('RateLimitPerIp'),
    };

    this.webAcl = new wafv2.CfnWebACL(this, 'Acl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      rules: [...managedRules, rateRule],
      visibilityConfig: visibility('WebAcl'),
    });
    new wafv2.CfnWebACLAssociation(this, 'Association', {
      resourceArn: props.resourceArn,
      webAclArn: this.webAcl.attrArn,
    });

    // WAF only logs to groups named `aws-waf-logs-*`, referenced by ARN without the `:*` suffix.
    const logGroupName = `aws-waf-logs-tasktracker-${props.config.name}`;
    const logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName,
      retention: props.config.logRetentionDays,
      removalPolicy: removalPolicyOf(props.config),
    });
    const logGroupArn = Arn.format(
      {
        service: 'logs',
        resource: 'log-group',
        resourceName: logGroupName,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      },
      Stack.of(this),
    );
    const logging = new wafv2.CfnLoggingConfiguration(this, 'Logging', {
      resourceArn: this.webAcl.attrArn,
      logDestinationConfigs: [logGroupArn],
    });
    logging.node.addDependency(logGroup);
  }
}
