/**
 * The IAM policy language as the template writes it, normalized once so the evaluator never
 * deals with "a string or a list" again. Policies carry where they come from, so a denial can
 * name the one to change.
 */

/** The principal element: `"*"`, or principals by kind (`AWS`, `Service`, `Federated`, …). */
export type PrincipalElement = '*' | Readonly<Record<string, string | readonly string[]>>;

/** One statement as it appears in a template, after intrinsics are resolved. */
export interface RawStatement {
  readonly Sid?: unknown;
  readonly Effect?: unknown;
  readonly Principal?: unknown;
  readonly NotPrincipal?: unknown;
  readonly Action?: unknown;
  readonly NotAction?: unknown;
  readonly Resource?: unknown;
  readonly NotResource?: unknown;
  readonly Condition?: unknown;
}

/** A statement with every element in one shape. `undefined` means the element is absent. */
export interface Statement {
  readonly sid?: string;
  readonly effect: 'Allow' | 'Deny';
  readonly principal?: PrincipalElement;
  readonly notPrincipal?: PrincipalElement;
  readonly action?: readonly string[];
  readonly notAction?: readonly string[];
  readonly resource?: readonly string[];
  readonly notResource?: readonly string[];
  /** Operator → condition key → the values the policy lists. */
  readonly condition: ReadonlyMap<string, ReadonlyMap<string, readonly string[]>>;
}

/** Which of AWS's policy types a document is: it decides the wording of a denial. */
export type PolicyType = 'identity-based' | 'resource-based';

/** A policy the local cloud evaluates, and where a user changes it. */
export interface Policy {
  /** How people find it: `Api/FnServiceRoleDefaultPolicy`, `AWSLambdaBasicExecutionRole`. */
  readonly name: string;
  readonly type: PolicyType;
  readonly statements: readonly Statement[];
}

/** A policy document that is not well formed: the message names the element. */
export class PolicySyntaxError extends Error {
  override readonly name = 'PolicySyntaxError';
}

/** Normalizes one statement; a malformed element is a `PolicySyntaxError` naming it. */
export function statementOf(raw: RawStatement, where: string): Statement {
  if (raw.Effect !== 'Allow' && raw.Effect !== 'Deny')
    throw new PolicySyntaxError(
      `${where}.Effect must be "Allow" or "Deny", got ${JSON.stringify(raw.Effect)}.`,
    );
  const statement: {
    -readonly [K in keyof Statement]: Statement[K];
  } = { effect: raw.Effect, condition: conditionOf(raw.Condition, `${where}.Condition`) };
  if (typeof raw.Sid === 'string') statement.sid = raw.Sid;
  if (raw.Principal !== undefined) statement.principal = principalOf(raw.Principal, `${where}.Principal`);
  if (raw.NotPrincipal !== undefined)
    statement.notPrincipal = principalOf(raw.NotPrincipal, `${where}.NotPrincipal`);
  if (raw.Action !== undefined) statement.action = stringsOf(raw.Action, `${where}.Action`);
  if (raw.NotAction !== undefined) statement.notAction = stringsOf(raw.NotAction, `${where}.NotAction`);
  if (raw.Resource !== undefined) statement.resource = stringsOf(raw.Resource, `${where}.Resource`);
  if (raw.NotResource !== undefined)
    statement.notResource = stringsOf(raw.NotResource, `${where}.NotResource`);
  if (statement.action === undefined && statement.notAction === undefined)
    throw new PolicySyntaxError(`${where} has neither Action nor NotAction.`);
  return statement;
}

function stringsOf(value: unknown, where: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  return list.map((item) => {
    if (typeof item === 'string') return item;
    if (typeof item === 'number' || typeof item === 'boolean') return String(item);
    throw new PolicySyntaxError(`${where} must list strings, got ${JSON.stringify(item)}.`);
  });
}

function principalOf(value: unknown, where: string): PrincipalElement {
  if (value === '*') return '*';
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new PolicySyntaxError(
      `${where} must be "*" or an object of principals, got ${JSON.stringify(value)}.`,
    );
  const principals: Record<string, string[]> = Object.create(null);
  for (const [kind, names] of Object.entries(value)) principals[kind] = stringsOf(names, `${where}.${kind}`);
  return principals;
}

function conditionOf(value: unknown, where: string): Map<string, Map<string, string[]>> {
  const conditions = new Map<string, Map<string, string[]>>();
  if (value === undefined) return conditions;
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new PolicySyntaxError(`${where} must be an object of operators.`);
  for (const [operator, keys] of Object.entries(value)) {
    if (typeof keys !== 'object' || keys === null || Array.isArray(keys))
      throw new PolicySyntaxError(`${where}.${operator} must be an object of condition keys.`);
    const byKey = new Map<string, string[]>();
    for (const [key, values] of Object.entries(keys))
      byKey.set(key, stringsOf(values, `${where}.${operator}.${key}`));
    conditions.set(operator, byKey);
  }
  return conditions;
}
