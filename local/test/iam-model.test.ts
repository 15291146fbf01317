/**
 * How the local IAM reads a template: CloudFormation's Ref/GetAtt of IAM resources, every way a
 * policy attaches to a role, resource policies and their defaults, and what it cannot evaluate.
 */
import { describe, expect, it } from 'vitest';
import type { TemplateResource } from '../src/assembly/index.js';
import { LocalIam } from '../src/iam/index.js';
import { physicalIdsOf } from '../src/registry.js';
import type { ServiceContext } from '../src/service.js';
import { firstStack, stackAssembly } from './support/assembly.js';

const ALLOW_QUERY = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'dynamodb:Query', Resource: { 'Fn::GetAtt': ['Table', 'Arn'] } }],
};
const TABLE_ARN = 'arn:aws:dynamodb:eu-west-1:000000000000:table/T';
const LAMBDA_TRUST = {
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};

function iamOf(
  resources: Record<string, TemplateResource>,
  account?: string,
): { iam: LocalIam; log: string[] } {
  const assembly = stackAssembly(
    'App',
    { Table: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 'T' } }, ...resources },
    account === undefined ? {} : { account },
  );
  const log: string[] = [];
  return {
    iam: new LocalIam({ ids: physicalIdsOf(assembly), mode: 'enforce', log: (l) => log.push(l) }),
    log,
  };
}

const query = (iam: LocalIam, role: string) =>
  iam.authorize({
    principal: iam.sessionPrincipal(`arn:aws:iam::000000000000:role/${role}`, 'fn'),
    action: 'dynamodb:Query',
    resource: TABLE_ARN,
  }).allowed;

describe('the IAM model of a template', () => {
  it('answers Ref and GetAtt of a role as CloudFormation does', () => {
    // Arrange
    const assembly = stackAssembly('App', {
      Named: { Type: 'AWS::IAM::Role', Properties: { RoleName: 'Runner', Path: '/service-role/' } },
      Generated: { Type: 'AWS::IAM::Role', Properties: {} },
    });
    const ids = physicalIdsOf(assembly);
    // Act
    const context = ids.context(firstStack(assembly));
    // Assert
    expect(context.ref('Named')).toBe('Runner');
    expect(context.getAtt('Named', 'Arn')).toBe('arn:aws:iam::000000000000:role/service-role/Runner');
    expect(context.getAtt('Named', 'RoleId')).toMatch(/^AROA[A-Z0-9]{17}$/);
    expect(context.ref('Generated')).toMatch(/^T-dev-App-Generated-[A-Z0-9]{12}$/);
  });

  it('attaches inline policies, AWS::IAM::Policy, and customer managed policies by Roles or by ARN', () => {
    // Arrange
    const { iam } = iamOf({
      Inline: {
        Type: 'AWS::IAM::Role',
        Properties: {
          RoleName: 'Inline',
          AssumeRolePolicyDocument: LAMBDA_TRUST,
          Policies: [{ PolicyName: 'q', PolicyDocument: ALLOW_QUERY }],
        },
      },
      ByPolicy: { Type: 'AWS::IAM::Role', Properties: { RoleName: 'ByPolicy' } },
      Policy: {
        Type: 'AWS::IAM::Policy',
        Properties: { PolicyName: 'p', PolicyDocument: ALLOW_QUERY, Roles: [{ Ref: 'ByPolicy' }] },
      },
      ByManagedRoles: { Type: 'AWS::IAM::Role', Properties: { RoleName: 'ByManagedRoles' } },
      ByManagedArn: {
        Type: 'AWS::IAM::Role',
        Properties: { RoleName: 'ByManagedArn', ManagedPolicyArns: [{ Ref: 'Managed' }] },
      },
      Managed: {
        Type: 'AWS::IAM::ManagedPolicy',
        Properties: { PolicyDocument: ALLOW_QUERY, Roles: [{ Ref: 'ByManagedRoles' }] },
      },
      Bare: { Type: 'AWS::IAM::Role', Properties: { RoleName: 'Bare' } },
    });
    // Act
    const results = ['Inline', 'ByPolicy', 'ByManagedRoles', 'ByManagedArn', 'Bare'].map((role) =>
      query(iam, role),
    );
    // Assert
    expect(results).toEqual([true, true, true, true, false]);
  });

  it('evaluates the AWS managed policies it ships, and reports any other as not evaluated, allowing nothing', () => {
    // Arrange
    const { iam, log } = iamOf({
      Basic: {
        Type: 'AWS::IAM::Role',
        Properties: {
          RoleName: 'Basic',
          ManagedPolicyArns: [
            'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
            'arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess',
          ],
        },
      },
    });
    const principal = iam.sessionPrincipal('arn:aws:iam::000000000000:role/Basic', 'fn');
    // Act
    const logs = iam.authorize({
      principal,
      action: 'logs:PutLogEvents',
      resource: 'arn:aws:logs:eu-west-1:000000000000:log-group:/aws/lambda/fn:log-stream:s',
    });
    const dynamodb = query(iam, 'Basic');
    // Assert
    expect(logs.allowed).toBe(true);
    expect(dynamodb).toBe(false);
    expect(log).toContainEqual(
      expect.stringContaining(
        'the managed policy arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess is not evaluated locally',
      ),
    );
  });

  it('reads a literal stage account in the template as the local account', () => {
    // Arrange
    const { iam } = iamOf(
      {
        Literal: {
          Type: 'AWS::IAM::Role',
          Properties: {
            RoleName: 'Literal',
            Policies: [
              {
                PolicyName: 'q',
                PolicyDocument: {
                  Statement: [
                    {
                      Effect: 'Allow',
                      Action: 'dynamodb:Query',
                      Resource: 'arn:aws:dynamodb:eu-west-1:123456789012:table/T',
                    },
                  ],
                },
              },
            ],
          },
        },
      },
      '123456789012',
    );
    // Act
    const allowed = query(iam, 'Literal');
    // Assert
    expect(allowed).toBe(true);
  });

  it("gives a topic without a topic policy SNS's default one, which lets the account's alarms publish", () => {
    // Arrange
    const { iam } = iamOf({ Topic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: 'alarms' } } });
    // Act
    const error = iam.alarmActionError('any-alarm', 'arn:aws:sns:eu-west-1:000000000000:alarms');
    // Assert
    expect(error).toBeUndefined();
  });

  it("refuses CloudWatch on a topic encrypted with AWS's own SNS key, whose policy cannot name it", () => {
    // Arrange
    const { iam } = iamOf({
      Topic: {
        Type: 'AWS::SNS::Topic',
        Properties: { TopicName: 'alarms', KmsMasterKeyId: 'alias/aws/sns' },
      },
    });
    // Act
    const error = iam.alarmActionError('any-alarm', 'arn:aws:sns:eu-west-1:000000000000:alarms');
    // Assert
    expect(error).toMatch(
      /CloudWatch Alarms does not have authorization to access the SNS topic encryption key\."$/,
    );
    expect(iam.deniedCalls()[0]?.policyToChange).toMatch(/^encrypt the topic with a customer managed key/);
  });

  it("reads a Lambda permission's SourceArn as ArnLike on aws:SourceArn", () => {
    // Arrange
    const functionArn = 'arn:aws:lambda:eu-west-1:000000000000:function:fn';
    const { iam } = iamOf({
      Permission: {
        Type: 'AWS::Lambda::Permission',
        Properties: {
          Action: 'lambda:InvokeFunction',
          FunctionName: 'fn',
          Principal: 'apigateway.amazonaws.com',
          SourceArn: 'arn:aws:execute-api:eu-west-1:000000000000:api/v1/GET/tasks/*',
        },
      },
    });
    const invoke = (sourceArn: string) =>
      iam.authorize({
        principal: { kind: 'service', service: 'apigateway.amazonaws.com' },
        action: 'lambda:InvokeFunction',
        resource: functionArn,
        context: { 'aws:SourceArn': sourceArn },
      }).allowed;
    // Act
    const results = [
      invoke('arn:aws:execute-api:eu-west-1:000000000000:api/v1/GET/tasks/{id}'),
      invoke('arn:aws:execute-api:eu-west-1:000000000000:api/v1/DELETE/tasks/{id}'),
    ];
    // Assert
    expect(results).toEqual([true, false]);
  });
});

describe('the decisions IAM remembers', () => {
  const role = (policies: unknown[]) => ({
    Runner: {
      Type: 'AWS::IAM::Role',
      Properties: { RoleName: 'Runner', AssumeRolePolicyDocument: LAMBDA_TRUST, Policies: policies },
    },
  });

  /** Infra live reload of `iam` to a template with these resources. */
  async function reload(iam: LocalIam, resources: Record<string, TemplateResource>): Promise<void> {
    const assembly = stackAssembly('App', {
      Table: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 'T' } },
      ...resources,
    });
    // IAM's reload reads only the new physical ids (the template and its resolved names).
    const ctx = { ids: physicalIdsOf(assembly) } as ServiceContext;
    await iam.reload(ctx).apply();
  }

  it('denies a call it allowed once a live reload takes the grant away', async () => {
    // Arrange
    const { iam } = iamOf(role([{ PolicyName: 'q', PolicyDocument: ALLOW_QUERY }]));
    const before = query(iam, 'Runner');

    // Act
    await reload(iam, role([]));

    // Assert
    expect(before).toBe(true);
    expect(query(iam, 'Runner')).toBe(false);
  });

  it('allows a call it denied once a live reload grants it', async () => {
    // Arrange
    const { iam } = iamOf(role([]));
    const before = query(iam, 'Runner');

    // Act
    await reload(iam, role([{ PolicyName: 'q', PolicyDocument: ALLOW_QUERY }]));

    // Assert
    expect(before).toBe(false);
    expect(query(iam, 'Runner')).toBe(true);
  });

  it('keeps denying a denied call, and counts every denial', () => {
    // Arrange
    const { iam, log } = iamOf(role([]));

    // Act
    const answers = [query(iam, 'Runner'), query(iam, 'Runner'), query(iam, 'Runner')];

    // Assert
    expect(answers).toEqual([false, false, false]);
    expect(iam.deniedCalls()).toEqual([expect.objectContaining({ action: 'dynamodb:Query', count: 3 })]);
    expect(log.filter((line) => line.startsWith('[IAM] DENIED'))).toHaveLength(1);
  });
});
