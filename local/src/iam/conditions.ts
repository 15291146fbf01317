/**
 * The `Condition` element: the operators a template uses (string, ARN, Bool, Null, numeric),
 * with `…IfExists` and the `ForAllValues:`/`ForAnyValue:` set qualifiers, evaluated as AWS
 * documents them. Condition keys compare without regard to case. An operator the local cloud
 * does not implement makes the statement "not evaluated" rather than silently true or false.
 */
import { arnMatches, wildcardMatch } from './match.js';

/** The request context: condition key (any case) → its value(s). */
export type RequestContext = Readonly<Record<string, string | boolean | number | readonly string[]>>;

/** A condition operator the local cloud does not evaluate. */
export class UnsupportedConditionError extends Error {
  override readonly name = 'UnsupportedConditionError';
}

type Compare = (policyValue: string, requestValue: string) => boolean;

/** Base operators: how one policy value matches one request value, and whether the operator negates. */
const OPERATORS = new Map<string, { readonly compare: Compare; readonly negated: boolean }>([
  ['StringEquals', { compare: (p, r) => p === r, negated: false }],
  ['StringNotEquals', { compare: (p, r) => p === r, negated: true }],
  ['StringEqualsIgnoreCase', { compare: (p, r) => p.toLowerCase() === r.toLowerCase(), negated: false }],
  ['StringNotEqualsIgnoreCase', { compare: (p, r) => p.toLowerCase() === r.toLowerCase(), negated: true }],
  ['StringLike', { compare: (p, r) => wildcardMatch(p, r), negated: false }],
  ['StringNotLike', { compare: (p, r) => wildcardMatch(p, r), negated: true }],
  // ArnEquals accepts wildcards too: AWS documents both as the same comparison.
  ['ArnEquals', { compare: arnMatches, negated: false }],
  ['ArnLike', { compare: arnMatches, negated: false }],
  ['ArnNotEquals', { compare: arnMatches, negated: true }],
  ['ArnNotLike', { compare: arnMatches, negated: true }],
  ['Bool', { compare: (p, r) => p.toLowerCase() === r.toLowerCase(), negated: false }],
  ['NumericEquals', { compare: numeric((p, r) => r === p), negated: false }],
  ['NumericNotEquals', { compare: numeric((p, r) => r === p), negated: true }],
  ['NumericLessThan', { compare: numeric((p, r) => r < p), negated: false }],
  ['NumericLessThanEquals', { compare: numeric((p, r) => r <= p), negated: false }],
  ['NumericGreaterThan', { compare: numeric((p, r) => r > p), negated: false }],
  ['NumericGreaterThanEquals', { compare: numeric((p, r) => r >= p), negated: false }],
]);

function numeric(test: (policy: number, request: number) => boolean): Compare {
  return (p, r) => {
    const policy = Number(p);
    const request = Number(r);
    return !Number.isNaN(policy) && !Number.isNaN(request) && test(policy, request);
  };
}

/** Whether every condition of a statement holds for the request (all operators, all keys). */
export function evaluateConditions(
  conditions: ReadonlyMap<string, ReadonlyMap<string, readonly string[]>>,
  context: RequestContext,
): boolean {
  const lookup = contextLookup(context);
  for (const [operator, keys] of conditions)
    for (const [key, values] of keys) if (!evaluateCondition(operator, values, lookup(key))) return false;
  return true;
}

/** One key of one operator; `requestValues` is undefined when the request has no such key. */
export function evaluateCondition(
  operator: string,
  policyValues: readonly string[],
  requestValues: readonly string[] | undefined,
): boolean {
  const { base, set, ifExists } = parseOperator(operator);
  if (base === 'Null') {
    const absent = requestValues === undefined || requestValues.length === 0;
    return policyValues.some((v) => (v.toLowerCase() === 'true') === absent);
  }
  const definition = OPERATORS.get(base);
  if (!definition)
    throw new UnsupportedConditionError(`the condition operator ${operator} is not evaluated locally`);
  const { compare, negated } = definition;
  const matchesAny = (value: string) => policyValues.some((p) => compare(p, value));
  if (requestValues === undefined || requestValues.length === 0) {
    // A missing key: true for IfExists, for a negated operator and for ForAllValues; false otherwise.
    if (set === 'ForAllValues') return true;
    if (set === 'ForAnyValue') return false;
    return ifExists || negated;
  }
  const satisfies = (value: string) => (negated ? !matchesAny(value) : matchesAny(value));
  if (set === 'ForAllValues') return requestValues.every(satisfies);
  if (set === 'ForAnyValue') return requestValues.some(satisfies);
  return negated ? requestValues.every(satisfies) : requestValues.some(satisfies);
}

function parseOperator(operator: string): {
  base: string;
  set: 'ForAllValues' | 'ForAnyValue' | undefined;
  ifExists: boolean;
} {
  let rest = operator;
  let set: 'ForAllValues' | 'ForAnyValue' | undefined;
  for (const qualifier of ['ForAllValues', 'ForAnyValue'] as const) {
    if (rest.startsWith(`${qualifier}:`)) {
      set = qualifier;
      rest = rest.slice(qualifier.length + 1);
    }
  }
  const ifExists = rest.endsWith('IfExists') && rest !== 'IfExists';
  return { base: ifExists ? rest.slice(0, -'IfExists'.length) : rest, set, ifExists };
}

/** Case-insensitive lookup of context keys, each value as a list of strings. */
function contextLookup(context: RequestContext): (key: string) => readonly string[] | undefined {
  const byKey = new Map<string, readonly string[]>();
  for (const [key, value] of Object.entries(context))
    byKey.set(key.toLowerCase(), Array.isArray(value) ? value.map(String) : [String(value)]);
  return (key) => byKey.get(key.toLowerCase());
}
