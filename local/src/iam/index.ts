/**
 * IAM: the template's identity and resource policies, evaluated on every emulated call that AWS
 * would authorize. Other services ask `authorize` (or one of the helpers built on it for a call
 * they make as AWS does), and refuse what it refuses with their own AWS error. Each denial is
 * printed once per principal and action with the policy to change, and counted.
 */
import { randomBytes } from 'node:crypto';
import { resourcesOf } from '../assembly/index.js';
import { LOCAL_ACCOUNT_ID, type PhysicalIds } from '../intrinsics/physical-ids.js';
import {
  type EmulatedResource,
  type LocalCloudSettings,
  type LocalService,
  type ReloadPlan,
  type ServiceContext,
  type ServiceDescription,
  UNCHANGED,
} from '../service.js';
import type { DynamoDbGuard } from '../services/dynamodb/front.js';
import type { RequestContext } from './conditions.js';
import { type Decision, evaluate, type Principal } from './evaluate.js';
import { type IamModel, type RoleModel, readIamModel } from './model.js';

export type { Principal } from './evaluate.js';

/** `enforce` refuses what AWS would; `warn` prints the denial and lets the call through. */
export type IamMode = NonNullable<LocalCloudSettings['iam']>;

export const IAM_MODES: readonly IamMode[] = ['enforce', 'warn', 'off'];

/** The types besides roles whose policies IAM evaluates (the module owns them all). */
export const POLICY_TYPES = [
  'AWS::IAM::Policy',
  'AWS::IAM::ManagedPolicy',
  'AWS::Lambda::Permission',
  'AWS::SNS::TopicPolicy',
  'AWS::KMS::Key',
] as const;

const MODE_STATUS: Readonly<Record<IamMode, string>> = {
  enforce: 'enforced',
  warn: 'warn only (denials are printed, not enforced)',
  off: 'off (nothing is evaluated)',
};

/** What a caller asks: may this principal do this action on this resource, in this context? */
export interface AuthorizationRequest {
  readonly principal: Principal;
  readonly action: string;
  readonly resource: string;
  readonly context?: RequestContext;
}

export type AuthorizationResult =
  | { readonly allowed: true }
  | {
      readonly allowed: false;
      /** AWS's message: `User: … is not authorized to perform: … on resource: … because …`. */
      readonly message: string;
      /** The policy (or resource) to change to allow the call. */
      readonly policyToChange: string;
    };

/** Local credentials of one role session, as a function's environment carries them. */
export interface SessionCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
}

/** A denial as the console and the tests see it: once per principal and action, counted. */
export interface DenialRecord {
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly message: string;
  readonly policyToChange: string;
  count: number;
}

export interface LocalIamOptions {
  readonly ids: PhysicalIds;
  readonly mode: IamMode;
  readonly log: (line: string) => void;
}

/**
 * Decisions remembered for the current model (the oldest goes first): the same principal, action,
 * resource and context always get the same decision from the same policies, and a function's every
 * DynamoDB call and every gateway invocation asked for one.
 */
const DECISIONS_KEPT = 10_000;

export class LocalIam implements LocalService {
  private current: IamModel;
  private readonly issued = new Map<string, Principal & { kind: 'role-session' }>();
  private readonly denials = new Map<string, DenialRecord>();
  /** Decisions of `current`, by request; emptied whenever the model is replaced. */
  private readonly decisions = new Map<string, Decision>();

  constructor(private options: LocalIamOptions) {
    this.current = readIamModel(options.ids);
  }

  /** The template's roles and policies as IAM evaluates them now. */
  get model(): IamModel {
    return this.current;
  }

  /**
   * Infra live reload: the new template's policies are evaluated from now on. Credentials issued
   * to role sessions stay valid (a function's warm processes keep signing with them).
   */
  reload(ctx: ServiceContext): ReloadPlan {
    const model = readIamModel(ctx.ids);
    const before = this.current;
    const changed =
      model.policyCount !== before.policyCount ||
      model.roles.size !== before.roles.size ||
      JSON.stringify([...model.roles]) !== JSON.stringify([...before.roles]) ||
      JSON.stringify([...model.resourcePolicies]) !== JSON.stringify([...before.resourcePolicies]);
    if (!changed) return UNCHANGED;
    return {
      changes: [`IAM: ${model.roles.size} roles, ${model.policyCount} policies`],
      apply: () => {
        this.options = { ...this.options, ids: ctx.ids };
        this.current = model;
        this.decisions.clear();
        for (const line of model.notEvaluated)
          if (!before.notEvaluated.includes(line)) this.options.log(`[IAM] not evaluated: ${line}`);
      },
    };
  }

  get mode(): IamMode {
    return this.options.mode;
  }

  async start(): Promise<void> {
    for (const line of this.model.notEvaluated) this.options.log(`[IAM] not evaluated: ${line}`);
  }

  async stop(): Promise<void> {}

  /** A role session (`assumed-role/<role>/<session>`) as the principal of a call. */
  sessionPrincipal(roleArn: string, sessionName: string): Principal & { kind: 'role-session' } {
    const roleName = roleArn.split('/').pop() ?? roleArn;
    return {
      kind: 'role-session',
      arn: `arn:aws:sts::${LOCAL_ACCOUNT_ID}:assumed-role/${roleName}/${sessionName}`,
      roleArn,
      account: LOCAL_ACCOUNT_ID,
    };
  }

  /**
   * Issues local credentials for a role session (a function running as its execution role);
   * calls signed with the access key are evaluated as that session.
   */
  issueCredentials(roleArn: string, sessionName: string): SessionCredentials {
    const accessKeyId = `ASIA${randomBytes(12).toString('hex').toUpperCase().slice(0, 16)}`;
    this.issued.set(accessKeyId, this.sessionPrincipal(roleArn, sessionName));
    return {
      accessKeyId,
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: randomBytes(48).toString('base64'),
    };
  }

  /** The role session behind an access key this service issued; undefined for any other key. */
  principalOf(accessKeyId: string | undefined): (Principal & { kind: 'role-session' }) | undefined {
    return accessKeyId === undefined ? undefined : this.issued.get(accessKeyId);
  }

  /** Evaluates a call against the template's policies; in `warn` mode a denial is printed, not enforced. */
  authorize(request: AuthorizationRequest): AuthorizationResult {
    if (this.mode === 'off') return { allowed: true };
    const { principal } = request;
    const role = principal.kind === 'role-session' ? this.model.roles.get(principal.roleArn) : undefined;
    const decision = this.decide(request, role);
    if (decision.allowed) return decision;
    const notEvaluated = [...decision.notEvaluated, ...(role?.notEvaluated ?? [])];
    if (principal.kind === 'role-session' && role === undefined)
      notEvaluated.push(`the role ${principal.roleArn} is not in the template, so no policy of it is known`);
    const denied = {
      allowed: false as const,
      message: denialMessage(request, decision),
      policyToChange: this.policyToChange(request, decision),
    };
    this.record(request, denied, notEvaluated);
    return this.mode === 'enforce' ? denied : { allowed: true };
  }

  /** The model's decision on a request: remembered, or evaluated once. */
  private decide(request: AuthorizationRequest, role: RoleModel | undefined): Decision {
    const key = decisionKey(request);
    const known = this.decisions.get(key);
    if (known) return known;
    const resourcePolicy = this.model.resourcePolicies.get(request.resource);
    const decision = evaluate(request, {
      identity: role?.policies ?? [],
      ...(resourcePolicy ? { resource: resourcePolicy.policy } : {}),
      resourcePolicyRequired: resourcePolicy?.required ?? false,
    });
    if (this.decisions.size >= DECISIONS_KEPT)
      this.decisions.delete(this.decisions.keys().next().value as string);
    this.decisions.set(key, decision);
    return decision;
  }

  /** The front's guard: each DynamoDB call, as the role session whose access key signed it. */
  dynamoDbGuard(): DynamoDbGuard {
    return (call) => {
      // Keys the local cloud did not issue are the developer's own (tests, scripts, a console).
      const principal = this.principalOf(call.accessKeyId);
      if (!principal) return undefined;
      for (const resource of call.resources) {
        const result = this.authorize({ principal, action: call.action, resource: resource.arn });
        if (!result.allowed) return { status: 400, type: 'AccessDeniedException', message: result.message };
      }
      return undefined;
    };
  }

  /**
   * Why CloudWatch cannot publish an alarm's state change to a topic (its topic policy, or the
   * policy of the key that encrypts it), in the words of the alarm's history; undefined if it can.
   */
  alarmActionError(alarmName: string, topicArn: string): string | undefined {
    const region = this.options.ids.source.region;
    const alarmArn = `arn:aws:cloudwatch:${region}:${LOCAL_ACCOUNT_ID}:alarm:${alarmName}`;
    const principal: Principal = { kind: 'service', service: 'cloudwatch.amazonaws.com' };
    // CloudWatch publishes over TLS, for the alarm's account, naming the alarm as the source.
    const context: RequestContext = {
      'aws:SourceArn': alarmArn,
      'aws:SourceAccount': LOCAL_ACCOUNT_ID,
      'AWS:SourceOwner': LOCAL_ACCOUNT_ID,
      'aws:SecureTransport': true,
    };
    const publish = this.authorize({ principal, action: 'SNS:Publish', resource: topicArn, context });
    if (!publish.allowed)
      return `Failed to execute action ${topicArn}. Received error: "Resource: ${alarmArn} is not authorized to perform: SNS:Publish on resource: ${topicArn}"`;
    const key = this.model.topicKeys.get(topicArn);
    if (key === undefined) return undefined;
    for (const action of ['kms:GenerateDataKey', 'kms:Decrypt']) {
      const use = this.authorize({ principal, action, resource: key, context });
      if (!use.allowed)
        return `Failed to execute action ${topicArn}. Received error: "CloudWatch Alarms does not have authorization to access the SNS topic encryption key."`;
    }
    return undefined;
  }

  /**
   * Whether a function's role may write its logs (`logs:CreateLogStream`, `logs:PutLogEvents` on
   * its log group). AWS drops the logs of a function that may not, without an error anywhere.
   */
  functionLogsDelivered(roleArn: string, functionName: string, logGroupName: string): boolean {
    const principal = this.sessionPrincipal(roleArn, functionName);
    const region = this.options.ids.source.region;
    const stream = `arn:aws:logs:${region}:${LOCAL_ACCOUNT_ID}:log-group:${logGroupName}:log-stream:${logStreamNameOf(functionName)}`;
    const delivered = ['logs:CreateLogStream', 'logs:PutLogEvents'].every(
      (action) => this.authorize({ principal, action, resource: stream }).allowed,
    );
    if (!delivered)
      this.options.log(
        `[IAM] ${functionName}'s logs are DROPPED, as AWS drops them without an error: its role may not write to ${logGroupName}, so no metric filter or alarm on that log group can ever see them.`,
      );
    return delivered;
  }

  /** The role sessions credentials were issued to (`assumed-role/<role>/<function>`). */
  sessions(): string[] {
    return [...new Set([...this.issued.values()].map((session) => session.arn))];
  }

  /** Denials so far, once per principal and action, with how often each happened. */
  deniedCalls(): readonly DenialRecord[] {
    return [...this.denials.values()];
  }

  describe(): ServiceDescription {
    const roles: EmulatedResource[] = [...this.model.roles.values()].map((role) => ({
      logicalId: role.logicalId,
      type: 'AWS::IAM::Role',
      detail: `${role.name}: ${role.policies.length} identity-based ${role.policies.length === 1 ? 'policy' : 'policies'}`,
      ...(role.notEvaluated.length > 0 ? { warning: role.notEvaluated.join('; ') } : {}),
    }));
    const evaluated = POLICY_TYPES.flatMap((type) =>
      resourcesOf(this.options.ids.source, type).map((resource) => ({
        logicalId: resource.logicalId,
        type,
        detail: `evaluated on every call it governs (${this.mode})`,
      })),
    );
    return {
      name: 'IAM',
      resources: [...roles, ...evaluated],
      status: `${MODE_STATUS[this.mode]} (${this.model.policyCount} policies)`,
    };
  }

  localViews(): ReadonlyMap<string, () => unknown> {
    return new Map([
      [
        'iam',
        () => ({
          mode: this.mode,
          policies: this.model.policyCount,
          notEvaluated: this.model.notEvaluated,
          sessions: this.sessions(),
          denials: this.deniedCalls(),
        }),
      ],
    ]);
  }

  private record(
    request: AuthorizationRequest,
    denied: { message: string; policyToChange: string },
    notEvaluated: string[],
  ): void {
    const principal = principalName(request.principal);
    const key = `${principal}\n${request.action.toLowerCase()}`;
    const known = this.denials.get(key);
    if (known) {
      known.count++;
      return;
    }
    this.denials.set(key, {
      principal,
      action: request.action,
      resource: request.resource,
      ...denied,
      count: 1,
    });
    const verdict =
      this.mode === 'enforce' ? 'DENIED' : 'would be DENIED on AWS (--iam warn lets it through)';
    this.options.log(`[IAM] ${verdict}: ${denied.message}`);
    this.options.log(`[IAM]   to allow it: ${denied.policyToChange}`);
    for (const line of notEvaluated) this.options.log(`[IAM]   note: ${line}`);
  }

  private policyToChange(request: AuthorizationRequest, decision: Decision & { allowed: false }): string {
    const statement = `"${request.action}" on "${request.resource}"`;
    if (decision.explicit && decision.policy)
      return `remove or narrow the Deny statement of ${decision.policy.name} that matches ${statement}`;
    if (decision.policyType === 'resource-based') {
      const hint = this.model.resourcePolicies.get(request.resource)?.changeHint;
      const who = principalName(request.principal);
      const source = request.context?.['aws:SourceArn'];
      const from = typeof source === 'string' ? ` for aws:SourceArn ${source}` : '';
      return `${hint ?? `give ${request.resource} a resource policy`} allowing ${who} "${request.action}"${from}`;
    }
    if (request.principal.kind !== 'role-session') return `allow ${statement}`;
    const role = this.model.roles.get(request.principal.roleArn);
    if (!role) return `give the role ${request.principal.roleArn} a policy allowing ${statement}`;
    const attached = role.policies.find((p) => p.name.startsWith(role.stackName));
    return attached
      ? `add ${statement} to ${attached.name} (a policy of the role ${role.stackName}/${role.logicalId})`
      : `attach a policy allowing ${statement} to the role ${role.stackName}/${role.logicalId}`;
  }
}

/**
 * Everything a decision depends on besides the model: the principal, the action, the resource and
 * the context's keys and values (in a fixed order, so the same context always gives the same key).
 */
function decisionKey(request: AuthorizationRequest): string {
  const { principal, action, resource, context } = request;
  const who =
    principal.kind === 'service'
      ? [principal.service]
      : [principal.arn, principal.roleArn, principal.account];
  const conditions =
    context === undefined ? [] : Object.entries(context).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([principal.kind, who, action, resource, conditions]);
}

/** The log stream name a local function writes to (any policy that grants streams of its group matches it). */
function logStreamNameOf(functionName: string): string {
  return `local/[$LATEST]${functionName}`;
}

function principalName(principal: Principal): string {
  return principal.kind === 'service' ? principal.service : principal.arn;
}

/** IAM's wording of a denial, as AWS's enhanced access-denied messages put it. */
export function denialMessage(
  request: AuthorizationRequest,
  decision: Decision & { allowed: false },
): string {
  // IAM names a role session as a "User"; a service principal is named as itself.
  const who =
    request.principal.kind === 'service' ? request.principal.service : `User: ${request.principal.arn}`;
  const article = decision.policyType === 'identity-based' ? 'an' : 'a';
  const why = decision.explicit
    ? `with an explicit deny in ${article} ${decision.policyType} policy`
    : `because no ${decision.policyType} policy allows the ${request.action} action`;
  return `${who} is not authorized to perform: ${request.action} on resource: ${request.resource} ${why}`;
}
