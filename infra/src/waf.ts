import { Arn, ArnFormat, Stack } from 'aws-cdk-lib';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { checkProps } from './props.js';
import { type LogSettings, stageLogGroup } from './removal.js';

/** Requests one client IP may make in any 5-minute window before a rate rule blocks it. */
export const WAF_RATE_LIMIT_PER_5_MIN = 2000;

/** The AWS managed rule groups both web ACLs use, in evaluation order. */
export const WAF_MANAGED_RULE_GROUPS = [
  'AWSManagedRulesAmazonIpReputationList',
  'AWSManagedRulesCommonRuleSet',
  'AWSManagedRulesKnownBadInputsRuleSet',
] as const;
export type ManagedRuleGroupName = (typeof WAF_MANAGED_RULE_GROUPS)[number];

/** WAF only delivers logs to CloudWatch log groups whose name starts with this. */
const WAF_LOG_GROUP_PREFIX = 'aws-waf-logs-';

/** The visibility settings of a rule or ACL: metrics and sampled requests under `<prefix>-<name>`. */
export function visibility(metricPrefix: string, name: string): wafv2.CfnWebACL.VisibilityConfigProperty {
  return {
    cloudWatchMetricsEnabled: true,
    sampledRequestsEnabled: true,
    metricName: `${metricPrefix}-${name}`,
  };
}

export interface RegionalWebAclProps {
  /** Name of the ACL, of its log group (after `aws-waf-logs-`) and prefix of its metric names. */
  readonly name: string;
  /** ARN of the regional resource the ACL protects (a load balancer, an API Gateway stage). */
  readonly resourceArn: string;
  /** The rules, each with a unique priority and name. */
  readonly rules: readonly wafv2.CfnWebACL.RuleProperty[];
  /** Bodies that rules' custom block responses refer to by key. @default none */
  readonly customResponseBodies?: Readonly<Record<string, wafv2.CfnWebACL.CustomResponseBodyProperty>>;
  /** How much of a request body the protected resource forwards for inspection. @default the service's default */
  readonly associationConfig?: wafv2.CfnWebACL.AssociationConfigProperty;
  /** Retention and removal of the ACL's log group. */
  readonly logs: LogSettings;
}

/**
 * A REGIONAL WAFv2 web ACL that allows by default, associated with one resource, logging its
 * decisions to CloudWatch Logs.
 */
export class RegionalWebAcl extends Construct {
  public readonly webAcl: wafv2.CfnWebACL;
  /** The ACL's association with the protected resource. */
  public readonly association: wafv2.CfnWebACLAssociation;

  constructor(scope: Construct, id: string, props: RegionalWebAclProps) {
    super(scope, id);
    const priorities = props.rules.map((rule) => rule.priority);
    const names = props.rules.map((rule) => rule.name);
    const bodyKeys = new Set(Object.keys(props.customResponseBodies ?? {}));
    // Block responses sit at any depth (rule actions, managed-rule overrides): find every key used.
    const usedKeys = [...JSON.stringify(props.rules).matchAll(/"customResponseBodyKey":"([^"]+)"/g)];
    const missingBodies = usedKeys.map((match) => match[1] as string).filter((key) => !bodyKeys.has(key));
    checkProps(this, [
      !/^[\w-]{1,100}$/.test(props.name) &&
        `name must be 1–100 letters, digits, - or _ (got "${props.name}")`,
      props.rules.length === 0 && 'rules must not be empty',
      new Set(priorities).size !== priorities.length && 'rules must have unique priorities',
      new Set(names).size !== names.length && 'rules must have unique names',
      missingBodies.length > 0 && `customResponseBodies lacks ${missingBodies.join(', ')}`,
    ]);

    this.webAcl = new wafv2.CfnWebACL(this, 'Acl', {
      name: props.name,
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      rules: [...props.rules],
      visibilityConfig: visibility(props.name, 'WebAcl'),
      ...(props.customResponseBodies ? { customResponseBodies: { ...props.customResponseBodies } } : {}),
      ...(props.associationConfig ? { associationConfig: props.associationConfig } : {}),
    });
    this.association = new wafv2.CfnWebACLAssociation(this, 'Association', {
      resourceArn: props.resourceArn,
      webAclArn: this.webAcl.attrArn,
    });

    const logGroupName = `${WAF_LOG_GROUP_PREFIX}${props.name}`;
    const logGroup = stageLogGroup(this, 'Logs', props.logs, logGroupName);
    // WAF wants the log group's ARN without the `:*` suffix CDK's logGroupArn carries.
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

/** A managed rule group rule, with optional per-rule action overrides. */
export function managedRuleGroup(
  name: ManagedRuleGroupName,
  priority: number,
  metricPrefix: string,
  options: {
    /** `count` evaluates the group for its labels only. @default 'none' (the group's own actions) */
    readonly overrideAction?: 'none' | 'count';
    /** Rules of the group whose action is replaced. @default none */
    readonly ruleActionOverrides?: readonly wafv2.CfnWebACL.RuleActionOverrideProperty[];
  } = {},
): wafv2.CfnWebACL.RuleProperty {
  return {
    name,
    priority,
    overrideAction: { [options.overrideAction ?? 'none']: {} },
    statement: {
      managedRuleGroupStatement: {
        vendorName: 'AWS',
        name,
        ...(options.ruleActionOverrides ? { ruleActionOverrides: [...options.ruleActionOverrides] } : {}),
      },
    },
    visibilityConfig: visibility(metricPrefix, name),
  };
}
