/**
 * AWS's policy evaluation logic for a request within one account: an explicit `Deny` in any
 * applicable policy wins; otherwise an `Allow` in a resource-based policy that names the
 * principal, or in one of the principal's identity-based policies, allows; otherwise the request
 * is implicitly denied. A KMS key policy is the exception AWS makes: identity-based policies count
 * only when the key policy delegates to the account (names its root).
 */
import { evaluateConditions, type RequestContext, UnsupportedConditionError } from './conditions.js';
import { actionMatches, arnMatches } from './match.js';
import type { Policy, PolicyType, PrincipalElement, Statement } from './policy.js';

/** Who makes a request, as AWS sees it. */
export type Principal =
  | {
      readonly kind: 'role-session';
      /** `arn:aws:sts::<account>:assumed-role/<role>/<session>` */
      readonly arn: string;
      /** `arn:aws:iam::<account>:role/<path><role>` */
      readonly roleArn: string;
      readonly account: string;
    }
  | {
      readonly kind: 'service';
      /** `cloudwatch.amazonaws.com` */
      readonly service: string;
    };

export interface EvaluationRequest {
  readonly principal: Principal;
  /** `dynamodb:Query` */
  readonly action: string;
  /** The resource's ARN. */
  readonly resource: string;
  readonly context?: RequestContext;
}

export interface PolicySet {
  /** The principal's identity-based policies (none for a service principal). */
  readonly identity: readonly Policy[];
  /** The resource's policy (topic policy, key policy, function permissions), if it has one. */
  readonly resource?: Policy;
  /** The resource policy must allow, or delegate to the account (KMS key policies). */
  readonly resourcePolicyRequired?: boolean;
}

export type Decision =
  | { readonly allowed: true }
  | {
      readonly allowed: false;
      readonly explicit: boolean;
      /** The policy type the denial names, as AWS's message does. */
      readonly policyType: PolicyType;
      /** The policy whose `Deny` applied, for an explicit deny. */
      readonly policy?: Policy;
      /** Statements skipped because they use what the local cloud does not evaluate. */
      readonly notEvaluated: readonly string[];
    };

/** How a statement's principal element matched: directly, or through the principal's account. */
type PrincipalMatch = 'direct' | 'account' | false;

/** Evaluates one request against every policy that applies to it. */
export function evaluate(request: EvaluationRequest, policies: PolicySet): Decision {
  const notEvaluated: string[] = [];
  const applies = (policy: Policy, statement: Statement, effect: 'Allow' | 'Deny'): PrincipalMatch => {
    if (statement.effect !== effect) return false;
    const principal =
      policy.type === 'resource-based' ? principalMatch(statement, request.principal) : 'direct';
    if (!principal || !actionApplies(statement, request.action)) return false;
    if (!resourceApplies(statement, request.resource)) return false;
    try {
      return evaluateConditions(statement.condition, request.context ?? {}) ? principal : false;
    } catch (err) {
      if (!(err instanceof UnsupportedConditionError)) throw err;
      const where = statement.sid === undefined ? policy.name : `${policy.name} (${statement.sid})`;
      notEvaluated.push(`${where}: ${err.message}`);
      // Not evaluated is never allowed; a Deny we cannot read is taken to apply.
      return effect === 'Deny' ? principal : false;
    }
  };
  const all = [...policies.identity, ...(policies.resource ? [policies.resource] : [])];
  for (const policy of all)
    for (const statement of policy.statements)
      if (applies(policy, statement, 'Deny'))
        return { allowed: false, explicit: true, policyType: policy.type, policy, notEvaluated };

  const resourcePolicy = policies.resource;
  const resourceGrants = resourcePolicy
    ? resourcePolicy.statements.map((s) => applies(resourcePolicy, s, 'Allow'))
    : [];
  const identityAllows = policies.identity.some((policy) =>
    policy.statements.some((s) => applies(policy, s, 'Allow')),
  );
  if (resourceGrants.includes('direct')) return { allowed: true };
  const delegated = resourceGrants.includes('account');
  if (policies.resourcePolicyRequired) {
    if (delegated && identityAllows) return { allowed: true };
    return {
      allowed: false,
      explicit: false,
      policyType: delegated ? 'identity-based' : 'resource-based',
      notEvaluated,
    };
  }
  if (identityAllows) return { allowed: true };
  return {
    allowed: false,
    explicit: false,
    policyType: request.principal.kind === 'service' ? 'resource-based' : 'identity-based',
    notEvaluated,
  };
}

function actionApplies(statement: Statement, action: string): boolean {
  if (statement.action) return statement.action.some((pattern) => actionMatches(pattern, action));
  return !(statement.notAction ?? []).some((pattern) => actionMatches(pattern, action));
}

function resourceApplies(statement: Statement, resource: string): boolean {
  if (statement.resource) return statement.resource.some((pattern) => arnMatches(pattern, resource));
  if (statement.notResource) return !statement.notResource.some((pattern) => arnMatches(pattern, resource));
  // A resource-based policy may leave the resource implicit: it is the resource it is attached to.
  return true;
}

function principalMatch(statement: Statement, principal: Principal): PrincipalMatch {
  if (statement.principal !== undefined) return principalElementMatch(statement.principal, principal);
  if (statement.notPrincipal !== undefined)
    return principalElementMatch(statement.notPrincipal, principal) ? false : 'direct';
  return false;
}

function principalElementMatch(element: PrincipalElement, principal: Principal): PrincipalMatch {
  if (element === '*') return 'direct';
  const aws = element.AWS ?? [];
  const awsNames = typeof aws === 'string' ? [aws] : aws;
  if (awsNames.includes('*')) return 'direct';
  if (principal.kind === 'service') {
    const services = element.Service ?? [];
    return (typeof services === 'string' ? [services] : services).includes(principal.service)
      ? 'direct'
      : false;
  }
  let match: PrincipalMatch = false;
  for (const name of awsNames) {
    if (name === principal.arn || name === principal.roleArn) return 'direct';
    if (name === principal.account || name === `arn:aws:iam::${principal.account}:root`) match = 'account';
  }
  return match;
}
