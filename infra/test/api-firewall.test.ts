// biome-ignore-all lint/suspicious/noExplicitAny: CloudFormation JSON is untyped; tests walk it.
import { ERROR_STATUS, ErrorBody, TASK_LIMITS } from '@tasktracker/api/contract';
import { API_ENV } from '@tasktracker/api/env';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ApiFirewall, COMMON_RULE_SET_BODY_SIZE_RULE } from '../src/api-firewall.js';
import { GATEWAY_ERROR_TEMPLATES } from '../src/api-gateway.js';
import { getStageConfig } from '../src/config/stages.js';
import { devAssembly } from './support/assembly.js';
import { prodStage, testApp } from './support/synth.js';

/**
 * The documented behaviour of the WAF statements the API's ACL uses, for one request's body:
 * the common rule set's SizeRestrictions_BODY matches bodies over 8 KB; a size constraint on the
 * body sees at most the inspection limit (16 KB for API Gateway unless the ACL raises it) and
 * applies its oversize handling beyond it; a rate-based rule never matches a single request; the
 * managed groups' other rules do not match plain text. The first terminating action wins.
 */
const COMMON_RULE_SET_BODY_LIMIT = 8 * 1024;

interface Verdict {
  readonly action: 'allow' | 'block';
  readonly rule?: string;
  readonly status?: number;
  readonly body?: unknown;
}

function evaluateBody(acl: any, body: string): Verdict {
  const bytes = Buffer.byteLength(body);
  const limitName = acl.AssociationConfig?.RequestBody?.API_GATEWAY?.DefaultSizeInspectionLimit ?? 'KB_16';
  const inspectionLimit = Number(String(limitName).replace('KB_', '')) * 1024;
  const rules = [...acl.Rules].sort((a: any, b: any) => a.Priority - b.Priority);
  for (const rule of rules) {
    const statement = rule.Statement;
    let matched = false;
    let action: 'block' | 'count' = rule.Action?.Block ? 'block' : 'count';
    if (statement.ManagedRuleGroupStatement?.Name === 'AWSManagedRulesCommonRuleSet') {
      matched = bytes > COMMON_RULE_SET_BODY_LIMIT;
      const override = (statement.ManagedRuleGroupStatement.RuleActionOverrides ?? []).find(
        (o: any) => o.Name === COMMON_RULE_SET_BODY_SIZE_RULE,
      );
      action = override?.ActionToUse?.Count || rule.OverrideAction?.Count ? 'count' : 'block';
    } else if (statement.SizeConstraintStatement?.FieldToMatch?.Body) {
      const { Size, ComparisonOperator, FieldToMatch } = statement.SizeConstraintStatement;
      const oversize = FieldToMatch.Body.OversizeHandling ?? 'CONTINUE';
      if (bytes > inspectionLimit && oversize !== 'CONTINUE') matched = oversize === 'MATCH';
      else {
        const seen = Math.min(bytes, inspectionLimit);
        matched =
          ComparisonOperator === 'GT' ? seen > Size : ComparisonOperator === 'GE' ? seen >= Size : false;
      }
    }
    if (matched && action === 'block') {
      const custom = rule.Action?.Block?.CustomResponse;
      const content = custom ? acl.CustomResponseBodies[custom.CustomResponseBodyKey].Content : undefined;
      return {
        action: 'block',
        rule: rule.Name,
        ...(custom ? { status: custom.ResponseCode, body: JSON.parse(content) } : {}),
      };
    }
  }
  return { action: 'allow' };
}

/** Every value a template gives `Access-Control-Allow-Origin`, wherever it sets it. */
function allowedOrigins(template: unknown): string[] {
  const found: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) walk(item);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    if (record.Name === 'Access-Control-Allow-Origin' && typeof record.Value === 'string')
      found.push(record.Value);
    for (const [key, value] of Object.entries(record)) {
      if (key.endsWith('.Access-Control-Allow-Origin') && typeof value === 'string')
        found.push(value.replace(/^'|'$/g, ''));
      else if (key === API_ENV.corsAllowedOrigin && typeof value === 'string') found.push(value);
      else walk(value);
    }
  };
  walk(template);
  return found;
}

const aclOf = (template: Template): any => {
  const acls = Object.values(template.findResources('AWS::WAFv2::WebACL'));
  expect(acls).toHaveLength(1);
  return acls[0]?.Properties;
};

/** A task body with a note of the maximum length in 3-byte characters: valid, and ~15 KB. */
const longestNote = JSON.stringify({ title: 'Trip notes', notes: '€'.repeat(TASK_LIMITS.notesMax) });

describe('the API stage web ACL', () => {
  let dev: Template;
  beforeAll(async () => {
    dev = (await devAssembly()).template('Api');
  }, 120_000);

  it('is attached to the API stage (referenced, so created after it)', () => {
    const association = Object.values(dev.findResources('AWS::WAFv2::WebACLAssociation'))[0];
    expect(JSON.stringify(association?.Properties.ResourceArn)).toMatch(
      /:apigateway:.*::\/restapis\/",\{"Ref":"RestApi\w+"\},"\/stages\/",\{"Ref":"RestApiDeploymentStagev1\w+"\}/,
    );
  });

  it('filters with IP reputation, rate limits per IP and per caller, the common and known-bad-inputs rules', () => {
    const acl = aclOf(dev);
    expect(acl.Rules.map((rule: any) => rule.Name)).toEqual([
      'AWSManagedRulesAmazonIpReputationList',
      'RateLimitPerIp',
      'RateLimitPerCaller',
      'BodyTooLarge',
      'AWSManagedRulesCommonRuleSet',
      'AWSManagedRulesKnownBadInputsRuleSet',
    ]);
    const perCaller = acl.Rules.find((rule: any) => rule.Name === 'RateLimitPerCaller').Statement
      .RateBasedStatement;
    expect(perCaller.CustomKeys).toEqual([
      { Header: { Name: 'authorization', TextTransformations: [{ Priority: 0, Type: 'NONE' }] } },
    ]);
  });

  it("lets the longest valid note through: 5,000 three-byte characters are ~15 KB, over the common rule set's 8 KB", () => {
    expect(Buffer.byteLength(longestNote)).toBeGreaterThan(COMMON_RULE_SET_BODY_LIMIT);
    expect(Buffer.byteLength(longestNote)).toBeLessThanOrEqual(TASK_LIMITS.bodyMaxBytes);
    expect(evaluateBody(aclOf(dev), longestNote)).toEqual({ action: 'allow' });
  });

  it("blocks a 17 KB body with the API's 413 in its error shape", () => {
    const verdict = evaluateBody(aclOf(dev), JSON.stringify({ title: 'x', notes: 'a'.repeat(17 * 1024) }));
    expect(verdict).toMatchObject({
      action: 'block',
      rule: 'BodyTooLarge',
      status: ERROR_STATUS.payload_too_large,
    });
    expect(ErrorBody.parse(verdict.body).error.code).toBe('payload_too_large');
  });

  it("answers every block of its own rules in the contract's error shape, with the status of its code", () => {
    const acl = aclOf(dev);
    const blocks = acl.Rules.filter((rule: any) => rule.Action?.Block);
    expect(blocks.length).toBeGreaterThan(0);
    for (const rule of blocks) {
      const response = rule.Action.Block.CustomResponse;
      const body = ErrorBody.parse(
        JSON.parse(acl.CustomResponseBodies[response.CustomResponseBodyKey].Content),
      );
      expect(response.ResponseCode, rule.Name).toBe(
        ERROR_STATUS[body.error.code as keyof typeof ERROR_STATUS],
      );
      expect(response.ResponseHeaders, rule.Name).toEqual([
        { Name: 'Access-Control-Allow-Origin', Value: '*' },
      ]);
    }
  });

  it("gives the managed groups' blocks the contract's shape too, through the WAF_FILTERED gateway response", () => {
    dev.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'WAF_FILTERED',
      StatusCode: String(ERROR_STATUS.forbidden),
      ResponseTemplates: { 'application/json': GATEWAY_ERROR_TEMPLATES.WAF_FILTERED },
    });
    const rendered = GATEWAY_ERROR_TEMPLATES.WAF_FILTERED.replace('$context.requestId', 'req-1');
    expect(ErrorBody.parse(JSON.parse(rendered))).toEqual({
      error: { code: 'forbidden', message: 'The request was blocked by the API firewall.' },
      requestId: 'req-1',
    });
  });

  it('refuses a body limit larger than what WAF inspects, and an origin CORS cannot compare', () => {
    const build = () =>
      new ApiFirewall(testApp(), 'Firewall', {
        name: 'tasktracker-test-api',
        stageArn: 'arn:aws:apigateway:eu-west-1::/restapis/abc/stages/v1',
        allowedOrigin: 'https://tasks.acme.io/app',
        bodyMaxBytes: 32 * 1024,
        logs: { logRetentionDays: 14, removalPolicy: 'destroy' },
      });
    expect(build).toThrow(
      'Firewall: allowedOrigin must be "*" or an origin like https://tasks.example.com (got "https://tasks.acme.io/app"); bodyMaxBytes must be an integer from 1 to 16384 (what WAF inspects)',
    );
  });
});

describe('CORS in the prod stage', () => {
  it('names the web app origin everywhere, never "*": preflight, gateway errors, functions, WAF answers', () => {
    const api = Template.fromStack(prodStage().api).toJSON();
    const origins = allowedOrigins(api);
    expect(origins.length).toBeGreaterThanOrEqual(10);
    expect(new Set(origins)).toEqual(new Set([`https://${getStageConfig('prod').domain?.name}`]));
  }, 120_000);
});
