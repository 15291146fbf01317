/**
 * The IAM evaluator on its own: explicit-deny precedence, NotAction/NotResource, wildcards, the
 * condition operators the template uses, resource-based and KMS key policies.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateCondition } from '../src/iam/conditions.js';
import { type Decision, evaluate, type Principal } from '../src/iam/evaluate.js';
import { denialMessage } from '../src/iam/index.js';
import { actionMatches, arnMatches, wildcardMatch } from '../src/iam/match.js';
import { type Policy, type RawStatement, statementOf } from '../src/iam/policy.js';

const ACCOUNT = '000000000000';
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/FnRole`;
const SESSION: Principal = {
  kind: 'role-session',
  arn: `arn:aws:sts::${ACCOUNT}:assumed-role/FnRole/fn`,
  roleArn: ROLE_ARN,
  account: ACCOUNT,
};
const CLOUDWATCH: Principal = { kind: 'service', service: 'cloudwatch.amazonaws.com' };
const TABLE = `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/Tasks`;
const INDEX = `${TABLE}/index/byStatus`;
const TOPIC = `arn:aws:sns:eu-west-1:${ACCOUNT}:Alarms`;

function policy(type: Policy['type'], ...statements: RawStatement[]): Policy {
  return { name: `test ${type} policy`, type, statements: statements.map((s, i) => statementOf(s, `s${i}`)) };
}
const identity = (...statements: RawStatement[]) => policy('identity-based', ...statements);
const resourcePolicy = (...statements: RawStatement[]) => policy('resource-based', ...statements);
const allowed = (decision: Decision) => decision.allowed;

describe('identity-based policies', () => {
  it('allow an action the role is granted on the resource, and nothing else', () => {
    // Arrange
    const policies = { identity: [identity({ Effect: 'Allow', Action: 'dynamodb:Query', Resource: TABLE })] };
    // Act
    const onTable = evaluate({ principal: SESSION, action: 'dynamodb:Query', resource: TABLE }, policies);
    const onIndex = evaluate({ principal: SESSION, action: 'dynamodb:Query', resource: INDEX }, policies);
    const other = evaluate({ principal: SESSION, action: 'dynamodb:PutItem', resource: TABLE }, policies);
    // Assert
    expect([onTable, onIndex, other].map(allowed)).toEqual([true, false, false]);
  });

  it('words an implicit denial as AWS does', () => {
    // Arrange
    const request = { principal: SESSION, action: 'dynamodb:Query', resource: INDEX };
    // Act
    const decision = evaluate(request, {
      identity: [identity({ Effect: 'Allow', Action: 'dynamodb:Query', Resource: TABLE })],
    });
    // Assert
    expect(decision.allowed).toBe(false);
    if (decision.allowed) return;
    expect(denialMessage(request, decision)).toBe(
      `User: arn:aws:sts::${ACCOUNT}:assumed-role/FnRole/fn is not authorized to perform: dynamodb:Query on resource: ${INDEX} because no identity-based policy allows the dynamodb:Query action`,
    );
  });

  it('let an explicit Deny win over any Allow, and name it in the message', () => {
    // Arrange
    const request = { principal: SESSION, action: 'dynamodb:DeleteItem', resource: TABLE };
    const policies = {
      identity: [
        identity({ Effect: 'Allow', Action: 'dynamodb:*', Resource: '*' }),
        identity({ Effect: 'Deny', Action: 'dynamodb:DeleteItem', Resource: TABLE }),
      ],
    };
    // Act
    const decision = evaluate(request, policies);
    // Assert
    expect(decision).toMatchObject({ allowed: false, explicit: true, policyType: 'identity-based' });
    if (decision.allowed) return;
    expect(denialMessage(request, decision)).toMatch(/with an explicit deny in an identity-based policy$/);
  });

  it('read NotAction and NotResource as "everything but"', () => {
    // Arrange
    const policies = {
      identity: [
        identity({ Effect: 'Allow', NotAction: 'dynamodb:DeleteItem', Resource: TABLE }),
        identity({ Effect: 'Allow', Action: 'sns:Publish', NotResource: TOPIC }),
      ],
    };
    const ask = (action: string, resource: string) =>
      evaluate({ principal: SESSION, action, resource }, policies).allowed;
    // Act
    const results = [
      ask('dynamodb:GetItem', TABLE),
      ask('dynamodb:DeleteItem', TABLE),
      ask('sns:Publish', `${TOPIC}-other`),
      ask('sns:Publish', TOPIC),
    ];
    // Assert
    expect(results).toEqual([true, false, true, false]);
  });

  it('match action wildcards without regard to case, and ARN wildcards with it', () => {
    // Arrange
    const policies = {
      identity: [
        identity({
          Effect: 'Allow',
          Action: 'DynamoDB:Get*',
          Resource: `arn:aws:dynamodb:*:${ACCOUNT}:table/Task?`,
        }),
      ],
    };
    const ask = (action: string, resource: string) =>
      evaluate({ principal: SESSION, action, resource }, policies).allowed;
    // Act
    const results = [
      ask('dynamodb:GetItem', TABLE),
      ask('dynamodb:getitem', TABLE),
      ask('dynamodb:GetItem', `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/tasks`),
      ask('dynamodb:GetItem', INDEX),
    ];
    // Assert
    expect(results).toEqual([true, true, false, false]);
  });

  it('let a log group ARN ending in :* cover its streams', () => {
    // Arrange
    const group = `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:/aws/lambda/fn`;
    const policies = {
      identity: [identity({ Effect: 'Allow', Action: 'logs:PutLogEvents', Resource: `${group}:*` })],
    };
    // Act
    const decision = evaluate(
      {
        principal: SESSION,
        action: 'logs:PutLogEvents',
        resource: `${group}:log-stream:2026/11/27/[$LATEST]abc`,
      },
      policies,
    );
    // Assert
    expect(decision.allowed).toBe(true);
  });
});

describe('resource-based policies', () => {
  const topicPolicy = resourcePolicy(
    {
      Sid: 'AllowPublishThroughSSLOnly',
      Effect: 'Deny',
      Principal: '*',
      Action: 'sns:Publish',
      Resource: TOPIC,
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    },
    {
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: 'sns:Publish',
      Resource: TOPIC,
      Condition: {
        StringEquals: { 'aws:SourceAccount': ACCOUNT },
        ArnLike: { 'aws:SourceArn': `arn:aws:cloudwatch:eu-west-1:${ACCOUNT}:alarm:TaskTracker-dev-*` },
      },
    },
  );
  const publish = (alarm: string, secure: boolean) =>
    evaluate(
      {
        principal: CLOUDWATCH,
        action: 'SNS:Publish',
        resource: TOPIC,
        context: {
          'aws:SourceArn': `arn:aws:cloudwatch:eu-west-1:${ACCOUNT}:alarm:${alarm}`,
          'aws:SourceAccount': ACCOUNT,
          'aws:SecureTransport': secure,
        },
      },
      { identity: [], resource: topicPolicy },
    );

  it('allow the service they name, under their conditions (StringEquals, ArnLike)', () => {
    // Act
    const decisions = [
      publish('TaskTracker-dev-ApiServerErrors', true),
      publish('Other-ApiServerErrors', true),
    ];
    // Assert
    expect(decisions.map(allowed)).toEqual([true, false]);
    expect(decisions[1]).toMatchObject({ explicit: false, policyType: 'resource-based' });
  });

  it('deny by a Bool condition (aws:SecureTransport) even when another statement allows', () => {
    // Act
    const decision = publish('TaskTracker-dev-ApiServerErrors', false);
    // Assert
    expect(decision).toMatchObject({ allowed: false, explicit: true, policyType: 'resource-based' });
  });

  it('refuse a service they do not name (a topic policy without cloudwatch.amazonaws.com)', () => {
    // Arrange
    const withoutCloudWatch = resourcePolicy({
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
      Action: 'sns:Publish',
      Resource: TOPIC,
    });
    // Act
    const decision = evaluate(
      { principal: CLOUDWATCH, action: 'sns:Publish', resource: TOPIC },
      { identity: [], resource: withoutCloudWatch },
    );
    // Assert
    expect(decision).toMatchObject({ allowed: false, explicit: false, policyType: 'resource-based' });
  });

  it('let a KMS key policy that delegates to the account defer to identity policies, and only then', () => {
    // Arrange
    const key = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234`;
    const keyPolicy = resourcePolicy({
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
      Action: 'kms:*',
      Resource: '*',
    });
    const request = { principal: SESSION, action: 'kms:Decrypt', resource: key };
    const grant = identity({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: key });
    // Act
    const withGrant = evaluate(request, {
      identity: [grant],
      resource: keyPolicy,
      resourcePolicyRequired: true,
    });
    const withoutGrant = evaluate(request, {
      identity: [],
      resource: keyPolicy,
      resourcePolicyRequired: true,
    });
    const service = evaluate(
      { principal: CLOUDWATCH, action: 'kms:Decrypt', resource: key },
      { identity: [], resource: keyPolicy, resourcePolicyRequired: true },
    );
    // Assert
    expect([withGrant, withoutGrant, service].map(allowed)).toEqual([true, false, false]);
    expect(withoutGrant).toMatchObject({ policyType: 'identity-based' });
    expect(service).toMatchObject({ policyType: 'resource-based' });
  });

  it('deny everyone but the principals a NotPrincipal Deny names', () => {
    // Arrange
    const onlyTheRole = resourcePolicy(
      { Effect: 'Deny', NotPrincipal: { AWS: ROLE_ARN }, Action: 'sns:Publish', Resource: TOPIC },
      { Effect: 'Allow', Principal: '*', Action: 'sns:Publish', Resource: TOPIC },
    );
    // Act
    const role = evaluate(
      { principal: SESSION, action: 'sns:Publish', resource: TOPIC },
      { identity: [], resource: onlyTheRole },
    );
    const service = evaluate(
      { principal: CLOUDWATCH, action: 'sns:Publish', resource: TOPIC },
      { identity: [], resource: onlyTheRole },
    );
    // Assert
    expect([role.allowed, service.allowed]).toEqual([true, false]);
  });
});

describe('conditions', () => {
  it('treat a missing key as false, except for negated operators and IfExists', () => {
    // Act
    const results = [
      evaluateCondition('StringEquals', ['a'], undefined),
      evaluateCondition('StringNotEquals', ['a'], undefined),
      evaluateCondition('StringEqualsIfExists', ['a'], undefined),
      evaluateCondition('ArnLike', ['arn:aws:sns:*:*:t'], undefined),
      evaluateCondition('Null', ['true'], undefined),
      evaluateCondition('Null', ['false'], undefined),
    ];
    // Assert
    expect(results).toEqual([false, true, true, false, true, false]);
  });

  it('apply ForAllValues and ForAnyValue to multi-valued keys', () => {
    // Act
    const results = [
      evaluateCondition('ForAllValues:StringEquals', ['a', 'b'], ['a', 'b']),
      evaluateCondition('ForAllValues:StringEquals', ['a'], ['a', 'c']),
      evaluateCondition('ForAnyValue:StringEquals', ['a'], ['c', 'a']),
      evaluateCondition('ForAnyValue:StringEquals', ['a'], ['c']),
    ];
    // Assert
    expect(results).toEqual([true, false, true, false]);
  });

  it('never allow through an operator the local cloud does not evaluate, and take such a Deny to apply', () => {
    // Arrange
    const request = { principal: SESSION, action: 'dynamodb:GetItem', resource: TABLE };
    const ipAllow = identity({
      Effect: 'Allow',
      Action: '*',
      Resource: '*',
      Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
    });
    const ipDeny = identity({
      Effect: 'Deny',
      Action: '*',
      Resource: '*',
      Condition: { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
    });
    const grant = identity({ Effect: 'Allow', Action: '*', Resource: '*' });
    // Act
    const onlyIpAllow = evaluate(request, { identity: [ipAllow] });
    const grantAndIpDeny = evaluate(request, { identity: [grant, ipDeny] });
    // Assert
    expect(onlyIpAllow).toMatchObject({ allowed: false, notEvaluated: [expect.stringMatching(/IpAddress/)] });
    expect(grantAndIpDeny).toMatchObject({ allowed: false, explicit: true });
  });
});

describe('properties', () => {
  const segment = fc.stringMatching(/^[A-Za-z0-9/_-]{0,8}$/);

  it('a wildcard pattern made from a value by replacing parts with * or ? still matches it', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(segment, fc.constantFrom('keep', '*', '?')), { minLength: 1, maxLength: 6 }),
        (parts) => {
          // Arrange
          const value = parts.map(([text]) => text).join('');
          const pattern = parts
            .map(([text, how]) => (how === 'keep' ? text : how === '*' ? '*' : '?'.repeat(text.length)))
            .join('');
          // Act / Assert
          expect(wildcardMatch(pattern, value)).toBe(true);
        },
      ),
    );
  });

  it('a pattern without wildcards matches exactly its own text', () => {
    fc.assert(
      fc.property(segment, segment, (a, b) => {
        expect(wildcardMatch(a, b)).toBe(a === b);
      }),
    );
  });

  it('actions match without regard to case; ARNs do not', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z]{1,6}:[A-Za-z]{1,10}$/), (action) => {
        expect(actionMatches(action.toUpperCase(), action)).toBe(true);
        const arn = `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/${action.split(':')[1]}`;
        expect(arnMatches(arn.toUpperCase(), arn)).toBe(arn.toUpperCase() === arn);
      }),
    );
  });

  /** What the properties ask about: a query or a put, on the table or on its index. */
  const requestArb = fc.record({
    action: fc.constantFrom('dynamodb:Query', 'dynamodb:PutItem'),
    resource: fc.constantFrom(TABLE, INDEX),
  });

  it('an applicable explicit Deny wins whatever else allows, in any order', () => {
    const allow = identity({ Effect: 'Allow', Action: '*', Resource: '*' });
    const statementArb = fc.record({
      effect: fc.constantFrom('Allow', 'Deny'),
      action: fc.constantFrom('dynamodb:*', 'dynamodb:Query', 'dynamodb:PutItem', 's3:*', '*'),
      resource: fc.constantFrom('*', TABLE, INDEX, `${TABLE}*`, TOPIC),
    });
    fc.assert(
      fc.property(
        fc.array(statementArb, { maxLength: 8 }),
        requestArb,
        (statements, { action, resource }) => {
          // Arrange
          const others = statements.map((s) =>
            identity({ Effect: s.effect, Action: s.action, Resource: s.resource }),
          );
          const denies = statements.some(
            (s) => s.effect === 'Deny' && actionMatches(s.action, action) && arnMatches(s.resource, resource),
          );
          // Act
          const decision = evaluate(
            { principal: SESSION, action, resource },
            { identity: [allow, ...others] },
          );
          // Assert
          expect(decision.allowed).toBe(!denies);
          if (!decision.allowed) expect(decision.explicit).toBe(true);
        },
      ),
    );
  });

  it('with no Deny, a request is allowed exactly when some Allow statement matches it', () => {
    const statementArb = fc.record({
      action: fc.constantFrom(
        'dynamodb:*',
        'dynamodb:Query',
        'dynamodb:Put*',
        'DYNAMODB:query',
        'sns:Publish',
      ),
      resource: fc.constantFrom('*', TABLE, INDEX, `${TABLE}/index/*`, `arn:aws:dynamodb:*:*:table/T?sks`),
    });
    fc.assert(
      fc.property(
        fc.array(statementArb, { maxLength: 6 }),
        requestArb,
        (statements, { action, resource }) => {
          // Arrange
          const policies = {
            identity: statements.map((s) =>
              identity({ Effect: 'Allow', Action: s.action, Resource: s.resource }),
            ),
          };
          const expected = statements.some(
            (s) => actionMatches(s.action, action) && arnMatches(s.resource, resource),
          );
          // Act
          const decision = evaluate({ principal: SESSION, action, resource }, policies);
          // Assert
          expect(decision.allowed).toBe(expected);
        },
      ),
    );
  });
});
