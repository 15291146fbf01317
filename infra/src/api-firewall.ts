import { ERROR_STATUS, type ErrorBody, TASK_LIMITS } from '@tasktracker/api/contract';
import type * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { allowedOriginProblem, checkProps } from './props.js';
import type { LogSettings } from './removal.js';
import { managedRuleGroup, RegionalWebAcl, visibility, WAF_RATE_LIMIT_PER_5_MIN } from './waf.js';

/** Requests one caller (one Authorization header) may make in any 5-minute window. */
export const API_RATE_LIMIT_PER_CALLER_PER_5_MIN = 1000;

/**
 * How much of a body API Gateway forwards to WAF. At 16 KB (the default for API Gateway, no extra
 * fee) it equals the API's own body limit, so every body the API accepts is inspected whole.
 */
export const API_WAF_BODY_INSPECTION_LIMIT = 'KB_16';
const INSPECTION_LIMIT_BYTES = 16 * 1024;

/**
 * The common rule set's rule that blocks bodies over 8 KB. A note of 5,000 three-byte characters
 * is a valid ~15 KB body, so it only counts here; the API's own size rule takes its place.
 */
export const COMMON_RULE_SET_BODY_SIZE_RULE = 'SizeRestrictions_BODY';

/** A block answer of the firewall: status and contract-shaped body. */
export interface FirewallResponse {
  readonly status: number;
  readonly body: ErrorBody;
}

/**
 * The answers of the firewall's own rules, in the API's error shape so the SPA shows their
 * message. WAF answers before API Gateway assigns a request id, so `requestId` is empty: find the
 * request in the ACL's log group instead.
 */
export const FIREWALL_RESPONSES = {
  tooManyRequests: {
    status: ERROR_STATUS.too_many_requests,
    body: {
      error: { code: 'too_many_requests', message: 'Too many requests. Wait a moment and try again.' },
      requestId: '',
    },
  },
  payloadTooLarge: {
    status: ERROR_STATUS.payload_too_large,
    body: {
      error: {
        code: 'payload_too_large',
        message: `The request body is larger than ${TASK_LIMITS.bodyMaxBytes} bytes.`,
      },
      requestId: '',
    },
  },
} as const satisfies Readonly<Record<string, FirewallResponse>>;
type ResponseKey = keyof typeof FIREWALL_RESPONSES;

export interface ApiFirewallProps {
  /** Name of the web ACL, its log group and metric prefix, e.g. `tasktracker-dev-api`. */
  readonly name: string;
  /** ARN of the API Gateway stage to protect. */
  readonly stageArn: string;
  /** `Access-Control-Allow-Origin` of the firewall's own answers: the API's CORS origin. */
  readonly allowedOrigin: string;
  /** Body size the API accepts, in bytes. @default TASK_LIMITS.bodyMaxBytes */
  readonly bodyMaxBytes?: number;
  /** Retention and removal of the ACL's log group. */
  readonly logs: LogSettings;
}

/**
 * The API stage's web ACL: IP reputation, rate limits per caller and per IP, a body-size rule at
 * the API's limit, the AWS common and known-bad-inputs rule sets. Its own rules answer in the
 * API's JSON error shape with CORS headers; the managed groups' blocks get API Gateway's
 * `WAF_FILTERED` gateway response, which the API stack gives the same shape.
 */
export class ApiFirewall extends Construct {
  public readonly acl: RegionalWebAcl;

  constructor(scope: Construct, id: string, props: ApiFirewallProps) {
    super(scope, id);
    const bodyMaxBytes = props.bodyMaxBytes ?? TASK_LIMITS.bodyMaxBytes;
    checkProps(this, [
      allowedOriginProblem(props.allowedOrigin),
      // A larger limit would let the part of a body WAF never sees through unchecked.
      (!Number.isInteger(bodyMaxBytes) || bodyMaxBytes < 1 || bodyMaxBytes > INSPECTION_LIMIT_BYTES) &&
        `bodyMaxBytes must be an integer from 1 to ${INSPECTION_LIMIT_BYTES} (what WAF inspects)`,
    ]);

    const block = (key: ResponseKey): wafv2.CfnWebACL.RuleActionProperty => ({
      block: {
        customResponse: {
          responseCode: FIREWALL_RESPONSES[key].status,
          customResponseBodyKey: key,
          responseHeaders: [{ name: 'Access-Control-Allow-Origin', value: props.allowedOrigin }],
        },
      },
    });
    const rule = (
      name: string,
      priority: number,
      action: wafv2.CfnWebACL.RuleActionProperty,
      statement: wafv2.CfnWebACL.StatementProperty,
    ): wafv2.CfnWebACL.RuleProperty => ({
      name,
      priority,
      action,
      statement,
      visibilityConfig: visibility(props.name, name),
    });
    const noTransformation = [{ priority: 0, type: 'NONE' }];

    const rules: wafv2.CfnWebACL.RuleProperty[] = [
      managedRuleGroup('AWSManagedRulesAmazonIpReputationList', 0, props.name),
      rule('RateLimitPerIp', 1, block('tooManyRequests'), {
        rateBasedStatement: { limit: WAF_RATE_LIMIT_PER_5_MIN, aggregateKeyType: 'IP' },
      }),
      // Behind one NAT many users share an IP; the token tells them apart. Requests without the
      // header are not counted here (the per-IP rule still is).
      rule('RateLimitPerCaller', 2, block('tooManyRequests'), {
        rateBasedStatement: {
          limit: API_RATE_LIMIT_PER_CALLER_PER_5_MIN,
          aggregateKeyType: 'CUSTOM_KEYS',
          customKeys: [{ header: { name: 'authorization', textTransformations: noTransformation } }],
        },
      }),
      // A body over the inspection limit is past what WAF sees: MATCH blocks it rather than
      // letting its uninspected tail through.
      rule('BodyTooLarge', 3, block('payloadTooLarge'), {
        sizeConstraintStatement: {
          fieldToMatch: { body: { oversizeHandling: 'MATCH' } },
          comparisonOperator: 'GT',
          size: bodyMaxBytes,
          textTransformations: noTransformation,
        },
      }),
      managedRuleGroup('AWSManagedRulesCommonRuleSet', 4, props.name, {
        ruleActionOverrides: [{ name: COMMON_RULE_SET_BODY_SIZE_RULE, actionToUse: { count: {} } }],
      }),
      managedRuleGroup('AWSManagedRulesKnownBadInputsRuleSet', 5, props.name),
    ];

    const customResponseBodies = Object.fromEntries(
      Object.entries(FIREWALL_RESPONSES).map(([key, response]) => [
        key,
        { contentType: 'APPLICATION_JSON', content: JSON.stringify(response.body) },
      ]),
    );
    this.acl = new RegionalWebAcl(this, 'Acl', {
      name: props.name,
      resourceArn: props.stageArn,
      rules,
      customResponseBodies,
      associationConfig: {
        requestBody: { API_GATEWAY: { defaultSizeInspectionLimit: API_WAF_BODY_INSPECTION_LIMIT } },
      },
      logs: props.logs,
    });
  }
}
