/**
 * Reads the template's IAM into what the evaluator needs: each role with every identity-based
 * policy attached to it (inline `Policies`, `AWS::IAM::Policy`, customer and AWS managed
 * policies), and each resource's policy (Lambda permissions, topic policies, key policies, SNS's
 * and KMS's defaults where the template sets none). Whatever cannot be read — a statement that
 * names a resource the local cloud does not emulate, an AWS managed policy not shipped as data —
 * is listed as not evaluated; it never allows anything.
 */
import { type AssemblyResource, resourcesOf } from '../assembly/index.js';
import { LOCAL_ACCOUNT_ID, type PhysicalIds } from '../intrinsics/physical-ids.js';
import { AWS_MANAGED_POLICIES, awsManagedPolicyName, awsManagedSnsKeyPolicy } from './managed-policies.js';
import { type Policy, type RawStatement, type Statement, statementOf } from './policy.js';

/** A role of the template and the identity-based policies attached to it. */
export interface RoleModel {
  readonly logicalId: string;
  readonly stackName: string;
  readonly name: string;
  readonly arn: string;
  readonly policies: readonly Policy[];
  /** What the role attaches that is not evaluated (and so allows nothing). */
  readonly notEvaluated: readonly string[];
}

/** A resource's own policy, and how to change it. */
export interface ResourcePolicyModel {
  readonly policy: Policy;
  /** A KMS key policy: it must allow, or delegate to the account's identity policies. */
  readonly required: boolean;
  /** What to change to allow more: the resource or template element a user edits. */
  readonly changeHint: string;
}

export interface IamModel {
  /** Roles by role ARN. */
  readonly roles: ReadonlyMap<string, RoleModel>;
  /** Resource policies by resource ARN. */
  readonly resourcePolicies: ReadonlyMap<string, ResourcePolicyModel>;
  /** The key ARN (or `alias/aws/sns`) that encrypts a topic, by topic ARN. */
  readonly topicKeys: ReadonlyMap<string, string>;
  /** How many policy documents are evaluated. */
  readonly policyCount: number;
  /** Everything that is not evaluated, one line each. */
  readonly notEvaluated: readonly string[];
}

/** The AWS managed key SNS uses when a topic names `alias/aws/sns`. */
export const AWS_MANAGED_SNS_KEY = 'alias/aws/sns';

/** Reads the IAM of every stack of the assembly. */
export function readIamModel(ids: PhysicalIds): IamModel {
  const reader = new ModelReader(ids);
  return reader.read();
}

class ModelReader {
  private readonly notEvaluated: string[] = [];
  private readonly region: string;
  /** Accounts the stacks name literally (`env.account`): locally they are the local account. */
  private readonly declaredAccounts: string[];

  constructor(private readonly ids: PhysicalIds) {
    this.region = ids.source.region;
    this.declaredAccounts = [
      ...new Set(ids.source.stacks.flatMap((stack) => (stack.account === undefined ? [] : [stack.account]))),
    ].filter((account) => account !== LOCAL_ACCOUNT_ID);
  }

  /**
   * A resolved value with the stage's own account written as the local one: a template synthesized
   * for account 123456789012 names it literally in ARNs and conditions, where the local cloud's
   * requests carry the local account.
   */
  private inLocalAccount(value: unknown): unknown {
    if (this.declaredAccounts.length === 0) return value;
    if (typeof value === 'string')
      return this.declaredAccounts.reduce(
        (text, account) => text.replaceAll(account, LOCAL_ACCOUNT_ID),
        value,
      );
    if (Array.isArray(value)) return value.map((item) => this.inLocalAccount(item));
    if (typeof value === 'object' && value !== null)
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.inLocalAccount(v)]));
    return value;
  }

  read(): IamModel {
    const roles = this.readRoles();
    const resourcePolicies = new Map<string, ResourcePolicyModel>();
    for (const [arn, model] of this.functionPolicies()) resourcePolicies.set(arn, model);
    for (const [arn, model] of this.topicPolicies()) resourcePolicies.set(arn, model);
    const topicKeys = this.topicKeys();
    for (const [arn, model] of this.keyPolicies()) resourcePolicies.set(arn, model);
    if ([...topicKeys.values()].includes(AWS_MANAGED_SNS_KEY))
      resourcePolicies.set(AWS_MANAGED_SNS_KEY, {
        policy: this.policyOf(
          'the AWS managed key alias/aws/sns',
          'resource-based',
          awsManagedSnsKeyPolicy(LOCAL_ACCOUNT_ID, this.region),
        ),
        required: true,
        changeHint:
          'encrypt the topic with a customer managed key whose policy allows cloudwatch.amazonaws.com kms:Decrypt and kms:GenerateDataKey* (the policy of alias/aws/sns cannot be changed)',
      });
    const identityCount = [...roles.values()].reduce((n, role) => n + role.policies.length, 0);
    return {
      roles,
      resourcePolicies,
      topicKeys,
      policyCount: identityCount + resourcePolicies.size,
      notEvaluated: this.notEvaluated,
    };
  }

  private readRoles(): Map<string, RoleModel> {
    const attached = this.attachedPolicies();
    const managed = this.customerManagedPolicies();
    const roles = new Map<string, RoleModel>();
    for (const resource of resourcesOf(this.ids.source, 'AWS::IAM::Role')) {
      const arn = this.ids.context(resource.stack).getAtt(resource.logicalId, 'Arn');
      const name = this.ids.ref(resource.stack, resource.logicalId);
      if (arn === undefined || name === undefined) continue;
      const policies: Policy[] = [];
      const notEvaluated: string[] = [];
      const inline = (resource.properties.Policies ?? []) as Array<{
        PolicyName?: unknown;
        PolicyDocument?: unknown;
      }>;
      inline.forEach((entry, i) => {
        const label = `${resource.stack.stackName}/${resource.logicalId} inline policy ${typeof entry.PolicyName === 'string' ? entry.PolicyName : i}`;
        policies.push(
          this.readPolicy(
            resource,
            entry.PolicyDocument,
            `Policies[${i}].PolicyDocument`,
            label,
            'identity-based',
          ),
        );
      });
      for (const policyArn of this.managedArnsOf(resource)) {
        const awsName = awsManagedPolicyName(policyArn);
        const document = awsName === undefined ? undefined : AWS_MANAGED_POLICIES.get(awsName);
        if (awsName !== undefined && document !== undefined)
          policies.push(this.policyOf(awsName, 'identity-based', document));
        else if (managed.has(policyArn)) policies.push(...(managed.get(policyArn) ?? []));
        else
          notEvaluated.push(
            `the managed policy ${policyArn} is not evaluated locally (its document is not known)`,
          );
      }
      policies.push(...(attached.get(name) ?? []));
      for (const list of managed.values())
        for (const policy of list)
          if (policy.attachedTo?.includes(name) && !policies.includes(policy)) policies.push(policy);
      for (const reason of notEvaluated)
        this.notEvaluated.push(`${resource.stack.stackName}/${resource.logicalId}: ${reason}`);
      roles.set(arn, {
        logicalId: resource.logicalId,
        stackName: resource.stack.stackName,
        name,
        arn,
        policies,
        notEvaluated,
      });
    }
    return roles;
  }

  /** `AWS::IAM::Policy` documents by the names of the roles they attach to. */
  private attachedPolicies(): Map<string, Policy[]> {
    const byRole = new Map<string, Policy[]>();
    for (const resource of resourcesOf(this.ids.source, 'AWS::IAM::Policy')) {
      const policy = this.policyResourceDocument(resource);
      for (const role of this.roleNamesOf(resource)) byRole.set(role, [...(byRole.get(role) ?? []), policy]);
    }
    return byRole;
  }

  /** `AWS::IAM::ManagedPolicy` documents by ARN, with the roles that list them in `Roles`. */
  private customerManagedPolicies(): Map<string, Array<Policy & { attachedTo?: string[] }>> {
    const byArn = new Map<string, Array<Policy & { attachedTo?: string[] }>>();
    for (const resource of resourcesOf(this.ids.source, 'AWS::IAM::ManagedPolicy')) {
      const arn = this.ids.ref(resource.stack, resource.logicalId);
      if (arn === undefined) continue;
      const policy = this.policyResourceDocument(resource);
      byArn.set(arn, [{ ...policy, attachedTo: this.roleNamesOf(resource) }]);
    }
    return byArn;
  }

  /** The document of an `AWS::IAM::Policy` or `AWS::IAM::ManagedPolicy`, named by the resource. */
  private policyResourceDocument(resource: AssemblyResource): Policy {
    return this.readPolicy(
      resource,
      resource.properties.PolicyDocument,
      'PolicyDocument',
      `${resource.stack.stackName}/${resource.logicalId}`,
      'identity-based',
    );
  }

  private roleNamesOf(resource: AssemblyResource): string[] {
    const roles = this.tryResolve(resource, resource.properties.Roles, 'Roles');
    return Array.isArray(roles) ? roles.map(String) : [];
  }

  private managedArnsOf(resource: AssemblyResource): string[] {
    const arns = this.tryResolve(resource, resource.properties.ManagedPolicyArns, 'ManagedPolicyArns');
    return Array.isArray(arns) ? arns.map(String) : [];
  }

  /** Lambda permissions, as the function policy Lambda builds from them, by function ARN. */
  private functionPolicies(): Map<string, ResourcePolicyModel> {
    const statements = new Map<string, { statements: Statement[]; names: string[] }>();
    for (const resource of resourcesOf(this.ids.source, 'AWS::Lambda::Permission')) {
      const get = (property: string) => this.tryResolve(resource, resource.properties[property], property);
      const functionName = get('FunctionName');
      const principal = get('Principal');
      if (typeof functionName !== 'string' || typeof principal !== 'string') continue;
      const functionArn = this.functionArnOf(functionName);
      const condition: Record<string, Record<string, unknown>> = {};
      const sourceArn = get('SourceArn');
      const sourceAccount = get('SourceAccount');
      const orgId = get('PrincipalOrgID');
      if (typeof sourceArn === 'string') condition.ArnLike = { 'AWS:SourceArn': sourceArn };
      if (typeof sourceAccount === 'string') condition.StringEquals = { 'AWS:SourceAccount': sourceAccount };
      if (typeof orgId === 'string')
        condition.StringEquals = { ...condition.StringEquals, 'aws:PrincipalOrgID': orgId };
      const raw: RawStatement = {
        Sid: resource.logicalId,
        Effect: 'Allow',
        Principal: principalElementOf(principal),
        Action: get('Action'),
        Resource: functionArn,
        ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
      };
      const entry = statements.get(functionArn) ?? { statements: [], names: [] };
      try {
        entry.statements.push(statementOf(raw, `${resource.stack.stackName}/${resource.logicalId}`));
        entry.names.push(`${resource.stack.stackName}/${resource.logicalId}`);
      } catch (err) {
        this.notEvaluated.push((err as Error).message);
      }
      statements.set(functionArn, entry);
    }
    const functions = new Map<string, ResourcePolicyModel>();
    for (const [arn, entry] of statements) {
      functions.set(arn, {
        policy: {
          name: `the function policy of ${arn} (${entry.names.length} AWS::Lambda::Permission)`,
          type: 'resource-based',
          statements: entry.statements,
        },
        required: false,
        changeHint: `add an AWS::Lambda::Permission for ${arn}`,
      });
    }
    return functions;
  }

  private functionArnOf(nameOrArn: string): string {
    if (nameOrArn.startsWith('arn:')) return nameOrArn;
    return `arn:aws:lambda:${this.region}:${LOCAL_ACCOUNT_ID}:function:${nameOrArn}`;
  }

  /** Topic policies by topic ARN; a topic without one has SNS's default policy. */
  private topicPolicies(): Map<string, ResourcePolicyModel> {
    const topics = new Map<string, ResourcePolicyModel>();
    for (const resource of resourcesOf(this.ids.source, 'AWS::SNS::TopicPolicy')) {
      const name = `${resource.stack.stackName}/${resource.logicalId}`;
      const policy = this.readPolicy(
        resource,
        resource.properties.PolicyDocument,
        'PolicyDocument',
        name,
        'resource-based',
      );
      const arns = this.tryResolve(resource, resource.properties.Topics, 'Topics');
      for (const arn of Array.isArray(arns) ? arns.map(String) : [])
        topics.set(arn, {
          policy,
          required: false,
          changeHint: `add a statement to ${name} (its PolicyDocument replaces SNS's default policy)`,
        });
    }
    for (const resource of resourcesOf(this.ids.source, 'AWS::SNS::Topic')) {
      const arn = this.ids.ref(resource.stack, resource.logicalId);
      if (arn === undefined || topics.has(arn)) continue;
      topics.set(arn, {
        policy: this.policyOf(`SNS's default policy of ${arn}`, 'resource-based', defaultTopicPolicy(arn)),
        required: false,
        changeHint: `add an AWS::SNS::TopicPolicy for ${resource.stack.stackName}/${resource.logicalId}`,
      });
    }
    return topics;
  }

  /** The key encrypting each encrypted topic (`KmsMasterKeyId`: a key ARN, key id or alias). */
  private topicKeys(): Map<string, string> {
    const keyArns = new Map<string, string>();
    for (const resource of resourcesOf(this.ids.source, 'AWS::KMS::Key')) {
      const context = this.ids.context(resource.stack);
      const arn = context.getAtt(resource.logicalId, 'Arn');
      const id = context.ref(resource.logicalId);
      if (arn !== undefined && id !== undefined) keyArns.set(id, arn).set(arn, arn);
    }
    const topicKeys = new Map<string, string>();
    for (const resource of resourcesOf(this.ids.source, 'AWS::SNS::Topic')) {
      const arn = this.ids.ref(resource.stack, resource.logicalId);
      const key = this.tryResolve(resource, resource.properties.KmsMasterKeyId, 'KmsMasterKeyId');
      if (arn === undefined || typeof key !== 'string') continue;
      const known =
        keyArns.get(key) ??
        (key === AWS_MANAGED_SNS_KEY || key.endsWith(`:${AWS_MANAGED_SNS_KEY}`)
          ? AWS_MANAGED_SNS_KEY
          : undefined);
      topicKeys.set(arn, known ?? key);
      if (known === undefined)
        this.notEvaluated.push(
          `${resource.stack.stackName}/${resource.logicalId}: its key ${key} is not in the template; its key policy is not evaluated`,
        );
    }
    return topicKeys;
  }

  /** Key policies by key ARN; a key without one has KMS's default policy (the account's root). */
  private keyPolicies(): Map<string, ResourcePolicyModel> {
    const keys = new Map<string, ResourcePolicyModel>();
    for (const resource of resourcesOf(this.ids.source, 'AWS::KMS::Key')) {
      const arn = this.ids.context(resource.stack).getAtt(resource.logicalId, 'Arn');
      if (arn === undefined) continue;
      const name = `${resource.stack.stackName}/${resource.logicalId}`;
      const document = resource.properties.KeyPolicy ?? {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:root` },
            Action: 'kms:*',
            Resource: '*',
          },
        ],
      };
      keys.set(arn, {
        policy: this.readPolicy(resource, document, 'KeyPolicy', `${name} KeyPolicy`, 'resource-based'),
        required: true,
        changeHint: `add a statement to the KeyPolicy of ${name}`,
      });
    }
    return keys;
  }

  /**
   * Reads a policy document statement by statement: a statement that cannot be resolved or read
   * is left out and listed as not evaluated, so it can never allow.
   */
  private readPolicy(
    resource: AssemblyResource,
    document: unknown,
    property: string,
    name: string,
    type: Policy['type'],
  ): Policy {
    const raw = (document as { Statement?: unknown } | undefined)?.Statement;
    const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
    const statements: Statement[] = [];
    list.forEach((entry, i) => {
      const where = `${property}.Statement[${i}]`;
      try {
        const resolved = this.inLocalAccount(this.ids.resolveValue(resource, entry, where)) as RawStatement;
        statements.push(statementOf(resolved, `${name} ${where}`));
      } catch (err) {
        this.notEvaluated.push(`${name} ${where} is not evaluated: ${(err as Error).message}`);
      }
    });
    return { name, type, statements };
  }

  private policyOf(name: string, type: Policy['type'], document: unknown): Policy {
    const raw = (document as { Statement: RawStatement[] }).Statement;
    return { name, type, statements: raw.map((s, i) => statementOf(s, `${name} Statement[${i}]`)) };
  }

  private tryResolve(resource: AssemblyResource, value: unknown, where: string): unknown {
    if (value === undefined) return undefined;
    try {
      return this.inLocalAccount(this.ids.resolveValue(resource, value, where));
    } catch (err) {
      this.notEvaluated.push(
        `${resource.stack.stackName}/${resource.logicalId}.${where} is not evaluated: ${(err as Error).message}`,
      );
      return undefined;
    }
  }
}

/** A Lambda permission's `Principal`: a service, an account, an ARN or `*`. */
function principalElementOf(principal: string): RawStatement['Principal'] {
  if (principal === '*') return '*';
  if (/\.amazonaws\.com(\.cn)?$/.test(principal)) return { Service: principal };
  return { AWS: principal };
}

/**
 * The policy SNS gives a topic that has no topic policy: any principal of the owning account, and
 * AWS services acting for it (CloudWatch alarms included), may publish.
 */
function defaultTopicPolicy(topicArn: string): unknown {
  return {
    Version: '2008-10-17',
    Id: '__default_policy_ID',
    Statement: [
      {
        Sid: '__default_statement_ID',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: [
          'SNS:GetTopicAttributes',
          'SNS:SetTopicAttributes',
          'SNS:AddPermission',
          'SNS:RemovePermission',
          'SNS:DeleteTopic',
          'SNS:Subscribe',
          'SNS:ListSubscriptionsByTopic',
          'SNS:Publish',
        ],
        Resource: topicArn,
        Condition: { StringEquals: { 'AWS:SourceOwner': LOCAL_ACCOUNT_ID } },
      },
    ],
  };
}
