import { RegionInfo } from 'aws-cdk-lib/region-info';
import { describe, expect, it } from 'vitest';
import { PIPELINE_CONFIG } from '../src/config/pipeline.js';
import { getStageConfig, STAGES } from '../src/config/stages.js';
import { type Concern, devAssembly, type TemplateJson } from './support/assembly.js';
import { configuredApp } from './support/synth.js';

const CONCERNS: readonly Concern[] = ['Network', 'Data', 'Auth', 'Api', 'Web', 'Monitoring'];

interface Statement {
  readonly Action: unknown;
  readonly Resource: unknown;
}

/** The statements of an AWS::IAM::Policy resource. */
const statementsOf = (policy: { Properties?: Record<string, unknown> }): Statement[] =>
  (policy.Properties?.PolicyDocument as { Statement?: Statement[] } | undefined)?.Statement ?? [];

const assembly = await devAssembly();

describe('the dev stage as a whole', () => {
  it('gives every log group the stage retention (none keeps logs forever)', () => {
    const retentions = CONCERNS.flatMap((concern) =>
      Object.entries(assembly.json(concern).Resources)
        .filter(([, resource]) => resource.Type === 'AWS::Logs::LogGroup')
        .map(([id, resource]) => [`${concern}/${id}`, resource.Properties?.RetentionInDays] as const),
    );
    // VPC flow logs, API access logs, one per function, container logs, WAF logs.
    expect(retentions.length).toBeGreaterThanOrEqual(5);
    for (const [, days] of retentions) expect(days).toBe(STAGES.dev?.logRetentionDays);
  });

  it('sends every function to its own log group, not the never-expiring default one', () => {
    const functions = Object.values(assembly.json('Api').Resources).filter(
      (resource) => resource.Type === 'AWS::Lambda::Function',
    );
    expect(functions.length).toBeGreaterThan(0);
    for (const fn of functions) {
      expect(JSON.stringify(fn.Properties?.LoggingConfig)).toMatch(/"LogGroup":\{"Ref":"\w+Logs\w+"\}/);
    }
  });

  it('uses a "*" resource only for actions that have no resource-level permissions', () => {
    const allowed = ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'ecr:GetAuthorizationToken'];
    const starred = CONCERNS.flatMap((concern) =>
      Object.values(assembly.json(concern).Resources)
        .filter((resource) => resource.Type === 'AWS::IAM::Policy')
        .flatMap((resource) => statementsOf(resource))
        .filter((statement) => [statement.Resource].flat().includes('*'))
        .flatMap((statement) => [statement.Action].flat() as string[]),
    );
    expect(starred.length).toBeGreaterThan(0);
    expect(starred.filter((action) => !allowed.includes(action))).toEqual([]);
  });

  it('runs each function as its own role, with no AWS managed policy, writing only to its own logs', () => {
    const resources = assembly.json('Api').Resources;
    const functions = Object.values(resources).filter((r) => r.Type === 'AWS::Lambda::Function');
    const props = (r: { Properties?: Record<string, unknown> }) =>
      // biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON is untyped; the test walks it.
      (r.Properties ?? {}) as Record<string, any>;
    const roles = functions.map((fn) => String(props(fn).Role?.['Fn::GetAtt']?.[0]));
    expect(new Set(roles).size).toBe(functions.length);
    for (const [index, fn] of functions.entries()) {
      const roleId = roles[index] as string;
      expect(resources[roleId]?.Properties?.ManagedPolicyArns).toBeUndefined();
      const logGroupId = props(fn).LoggingConfig?.LogGroup?.Ref;
      const logStatements = Object.values(resources)
        .filter(
          (r) =>
            r.Type === 'AWS::IAM::Policy' &&
            (props(r).Roles as Array<{ Ref: string }>).some((ref) => ref.Ref === roleId),
        )
        .flatMap(statementsOf)
        .filter((statement) => JSON.stringify(statement.Action).includes('logs:'));
      expect(logStatements.map((statement) => statement.Resource)).toEqual([
        { 'Fn::GetAtt': [logGroupId, 'Arn'] },
      ]);
    }
  });

  it('hard-codes no account id in any template: only the accounts the config pins appear', () => {
    // Arrange: none while dev and the pipeline (which holds the image repository) pin none, as
    // committed; those a user pins once they do, and with a pinned region the AWS account that
    // writes that region's load balancer access logs (CDK's region facts name it in the bucket policy).
    const { account, region } = getStageConfig('dev');
    const elbLogWriter = region === undefined ? undefined : RegionInfo.get(region).elbv2Account;
    const pinned = [account, PIPELINE_CONFIG.account, elbLogWriter].filter((a) => a !== undefined);

    // Act
    const accounts = new Set(
      CONCERNS.flatMap((concern) =>
        [...JSON.stringify(assembly.json(concern)).matchAll(/:(\d{12}):/g)].map(([, account]) =>
          String(account),
        ),
      ),
    );

    // Assert
    expect([...accounts].filter((account) => !pinned.includes(account))).toEqual([]);
  });
});

describe('references between stacks', () => {
  it('are weak everywhere: no stack exports a value another imports, so no update can deadlock on one', async () => {
    // Arrange: every template of the app as configured (both stages, image repository, pipeline).
    const { app } = configuredApp();
    const assembly = app.synth();
    const templates = [
      ...assembly.stacks,
      ...assembly.nestedAssemblies.flatMap((nested) => nested.nestedAssembly.stacks),
    ];
    // Act
    const strong = templates.flatMap((stack) => {
      const text = JSON.stringify(stack.template);
      const exports = Object.keys((stack.template as TemplateJson).Outputs ?? {}).filter(
        (id) => (stack.template as TemplateJson).Outputs?.[id]?.Export !== undefined,
      );
      return [
        ...(text.includes('"Fn::ImportValue"') ? [`${stack.displayName} imports an export`] : []),
        ...exports.map((id) => `${stack.displayName} exports ${id}`),
      ];
    });
    // Assert
    expect(templates.length).toBe(14);
    expect(strong).toEqual([]);
    expect(JSON.stringify(templates.map((stack) => stack.template))).toContain('"Fn::GetStackOutput"');
  }, 120_000);
});
