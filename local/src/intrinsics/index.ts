/**
 * Resolves CloudFormation intrinsic functions in template values to local physical values.
 * What a `Ref` or `Fn::GetAtt` means is supplied by the caller (the physical-id table), so this
 * module only knows CloudFormation's semantics.
 */

/** What a stack's intrinsics resolve against. */
export interface ResolveContext {
  readonly stackName: string;
  readonly region: string;
  readonly accountId: string;
  /** `Ref` of a resource or parameter; undefined when the logical id is unknown. */
  ref(logicalId: string): string | undefined;
  /** `Fn::GetAtt`; undefined when the resource or attribute is unknown here. */
  getAtt(logicalId: string, attribute: string): string | undefined;
  /** Why a resource cannot be resolved locally (its type is not emulated), if that is why. */
  unavailable?(logicalId: string): string | undefined;
  /** `Fn::ImportValue` of an export of any stack of the assembly. */
  importValue(exportName: string): string | undefined;
  /** `Fn::GetStackOutput` (CDK's weak cross-stack reference): an output of a stack of the assembly. */
  stackOutput(stackName: string, outputName: string): string | undefined;
  /** The template's `Conditions`, for `Fn::If` and `Condition`. */
  readonly conditions?: Readonly<Record<string, unknown>>;
  /** The template's `Mappings`, for `Fn::FindInMap`. */
  readonly mappings?: Readonly<Record<string, Record<string, Record<string, unknown>>>>;
}

/** A value that cannot be resolved locally; the message names where it was needed. */
export class UnresolvableError extends Error {
  override readonly name = 'UnresolvableError';
}

const NO_VALUE = Symbol('AWS::NoValue');

/** The pseudo parameters CloudFormation defines, as the local cloud sees them. */
export function pseudoParameter(name: string, ctx: ResolveContext): string | undefined {
  switch (name) {
    case 'AWS::Region':
      return ctx.region;
    case 'AWS::AccountId':
      return ctx.accountId;
    case 'AWS::Partition':
      return 'aws';
    case 'AWS::URLSuffix':
      return 'amazonaws.com';
    case 'AWS::StackName':
      return ctx.stackName;
    case 'AWS::StackId':
      return `arn:aws:cloudformation:${ctx.region}:${ctx.accountId}:stack/${ctx.stackName}/00000000-0000-0000-0000-000000000000`;
    case 'AWS::NotificationARNs':
      return undefined;
    default:
      return undefined;
  }
}

/**
 * Resolves every intrinsic in `value`, recursively. `where` names the resource and property
 * (e.g. `Api/Fn.Environment`) so an unresolvable value gives a clear one-line error.
 */
export function resolveIntrinsic(value: unknown, ctx: ResolveContext, where: string): unknown {
  const resolved = resolveValue(value, ctx, where);
  return resolved === NO_VALUE ? undefined : resolved;
}

/** Resolves a value that must end up a string (an environment variable, a name, a URL). */
export function resolveString(value: unknown, ctx: ResolveContext, where: string): string {
  const resolved = resolveIntrinsic(value, ctx, where);
  if (typeof resolved === 'string') return resolved;
  if (typeof resolved === 'number' || typeof resolved === 'boolean') return String(resolved);
  throw new UnresolvableError(`${where}: expected a string, got ${JSON.stringify(resolved)}.`);
}

function resolveValue(value: unknown, ctx: ResolveContext, where: string): unknown {
  if (Array.isArray(value)) {
    return value
      .map((item, i) => resolveValue(item, ctx, `${where}[${i}]`))
      .filter((item) => item !== NO_VALUE);
  }
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  const [first] = entries;
  if (entries.length === 1 && first && isIntrinsicKey(first[0]))
    return resolveFunction(first[0], first[1], ctx, where);
  const out: Record<string, unknown> = {};
  for (const [key, item] of entries) {
    const resolved = resolveValue(item, ctx, `${where}.${key}`);
    if (resolved !== NO_VALUE) out[key] = resolved;
  }
  return out;
}

function isIntrinsicKey(key: string): boolean {
  return key === 'Ref' || key === 'Condition' || key.startsWith('Fn::');
}

function resolveFunction(name: string, arg: unknown, ctx: ResolveContext, where: string): unknown {
  switch (name) {
    case 'Ref':
      return resolveRef(expectString(arg, name, where), ctx, where);
    case 'Fn::GetAtt':
      return resolveGetAtt(arg, ctx, where);
    case 'Fn::Join': {
      const [delimiter, items] = expectArray(arg, name, where, 2);
      const list = resolveValue(items, ctx, where);
      if (!Array.isArray(list)) throw new UnresolvableError(`${where}: Fn::Join needs a list.`);
      return list.map((item) => stringOf(item, name, where)).join(expectString(delimiter, name, where));
    }
    case 'Fn::Sub':
      return resolveSub(arg, ctx, where);
    case 'Fn::Select': {
      const [index, items] = expectArray(arg, name, where, 2);
      const list = resolveValue(items, ctx, where);
      const i = Number(resolveValue(index, ctx, where));
      if (!Array.isArray(list) || !Number.isInteger(i) || i < 0 || i >= list.length) {
        throw new UnresolvableError(`${where}: Fn::Select index ${i} is out of range.`);
      }
      return list[i];
    }
    case 'Fn::Split': {
      const [delimiter, source] = expectArray(arg, name, where, 2);
      return stringOf(resolveValue(source, ctx, where), name, where).split(
        expectString(delimiter, name, where),
      );
    }
    case 'Fn::ImportValue': {
      const exportName = stringOf(resolveValue(arg, ctx, where), name, where);
      const imported = ctx.importValue(exportName);
      if (imported === undefined) throw new UnresolvableError(`${where}: no stack exports "${exportName}".`);
      return imported;
    }
    case 'Fn::GetStackOutput': {
      const spec = resolveValue(arg, ctx, where) as Record<string, unknown> | null;
      const stackName = spec && typeof spec === 'object' ? spec.StackName : undefined;
      const outputName = spec && typeof spec === 'object' ? spec.OutputName : undefined;
      if (typeof stackName !== 'string' || typeof outputName !== 'string')
        throw new UnresolvableError(`${where}: Fn::GetStackOutput needs StackName and OutputName.`);
      const output = ctx.stackOutput(stackName, outputName);
      if (output === undefined)
        throw new UnresolvableError(`${where}: stack ${stackName} has no output ${outputName}.`);
      return output;
    }
    case 'Fn::GetAZs': {
      const region = stringOf(resolveValue(arg, ctx, where), name, where) || ctx.region;
      return [`${region}a`, `${region}b`, `${region}c`];
    }
    case 'Fn::Base64':
      return Buffer.from(stringOf(resolveValue(arg, ctx, where), name, where)).toString('base64');
    case 'Fn::FindInMap': {
      const [map, top, second] = expectArray(arg, name, where, 3).map((part) =>
        stringOf(resolveValue(part, ctx, where), name, where),
      );
      const found = own(own(own(ctx.mappings, map), top), second);
      if (found === undefined)
        throw new UnresolvableError(`${where}: Fn::FindInMap ${map}.${top}.${second} is not defined.`);
      return found;
    }
    case 'Fn::If': {
      const [condition, whenTrue, whenFalse] = expectArray(arg, name, where, 3);
      return resolveValue(
        evaluateCondition(expectString(condition, name, where), ctx, where) ? whenTrue : whenFalse,
        ctx,
        where,
      );
    }
    case 'Condition':
      return evaluateCondition(expectString(arg, name, where), ctx, where);
    case 'Fn::Equals': {
      const [a, b] = expectArray(arg, name, where, 2);
      return JSON.stringify(resolveValue(a, ctx, where)) === JSON.stringify(resolveValue(b, ctx, where));
    }
    case 'Fn::Not':
      return !truthy(resolveValue(expectArray(arg, name, where, 1)[0], ctx, where));
    case 'Fn::And':
      return expectArray(arg, name, where, 2).every((item) => truthy(resolveValue(item, ctx, where)));
    case 'Fn::Or':
      return expectArray(arg, name, where, 2).some((item) => truthy(resolveValue(item, ctx, where)));
    default:
      throw new UnresolvableError(`${where}: the local cloud cannot resolve ${name}.`);
  }
}

function resolveRef(name: string, ctx: ResolveContext, where: string): unknown {
  if (name === 'AWS::NoValue') return NO_VALUE;
  const value = name.startsWith('AWS::') ? pseudoParameter(name, ctx) : ctx.ref(name);
  if (value === undefined) {
    const why = ctx.unavailable?.(name);
    throw new UnresolvableError(
      `${where}: cannot resolve Ref ${name} in stack ${ctx.stackName}${why ? ` (${why})` : ''}.`,
    );
  }
  return value;
}

function resolveGetAtt(arg: unknown, ctx: ResolveContext, where: string): string {
  const [logicalId, attribute] =
    typeof arg === 'string'
      ? splitOnce(arg)
      : expectArray(arg, 'Fn::GetAtt', where, 2).map((part) =>
          stringOf(resolveValue(part, ctx, where), 'Fn::GetAtt', where),
        );
  const value = ctx.getAtt(logicalId ?? '', attribute ?? '');
  if (value === undefined) {
    const why = ctx.unavailable?.(logicalId ?? '');
    throw new UnresolvableError(
      `${where}: cannot resolve Fn::GetAtt ${logicalId}.${attribute} in stack ${ctx.stackName}${why ? ` (${why})` : ''}.`,
    );
  }
  return value;
}

function resolveSub(arg: unknown, ctx: ResolveContext, where: string): string {
  const [template, variables] = typeof arg === 'string' ? [arg, {}] : expectArray(arg, 'Fn::Sub', where, 1);
  const vars = (resolveValue(variables ?? {}, ctx, where) ?? {}) as Record<string, unknown>;
  return expectString(template, 'Fn::Sub', where).replace(
    /\$\{(!?)([^}]+)\}/g,
    (_match, literal: string, name: string) => {
      if (literal) return `\${${name}}`;
      if (Object.hasOwn(vars, name)) return stringOf(vars[name], 'Fn::Sub', where);
      if (name.startsWith('AWS::')) return stringOf(resolveRef(name, ctx, where), 'Fn::Sub', where);
      const dot = name.indexOf('.');
      if (dot > 0) return resolveGetAtt([name.slice(0, dot), name.slice(dot + 1)], ctx, where);
      return stringOf(resolveRef(name, ctx, where), 'Fn::Sub', where);
    },
  );
}

function evaluateCondition(name: string, ctx: ResolveContext, where: string): boolean {
  const condition = own(ctx.conditions, name);
  if (condition === undefined) throw new UnresolvableError(`${where}: condition ${name} is not defined.`);
  return truthy(resolveValue(condition, ctx, `${where} (condition ${name})`));
}

/** A template's own entry, never one inherited from `Object.prototype` (`constructor`, `toString`). */
function own(record: unknown, name: string | undefined): unknown {
  if (typeof record !== 'object' || record === null || name === undefined) return undefined;
  return Object.hasOwn(record, name) ? (record as Record<string, unknown>)[name] : undefined;
}

function truthy(value: unknown): boolean {
  return value === true || value === 'true';
}

function splitOnce(text: string): [string, string] {
  const dot = text.indexOf('.');
  return dot < 0 ? [text, ''] : [text.slice(0, dot), text.slice(dot + 1)];
}

function expectString(value: unknown, fn: string, where: string): string {
  if (typeof value !== 'string')
    throw new UnresolvableError(`${where}: ${fn} expects a string, got ${JSON.stringify(value)}.`);
  return value;
}

function stringOf(value: unknown, fn: string, where: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new UnresolvableError(`${where}: ${fn} needs a string, got ${JSON.stringify(value)}.`);
}

function expectArray(value: unknown, fn: string, where: string, min: number): unknown[] {
  if (!Array.isArray(value) || value.length < min) {
    throw new UnresolvableError(`${where}: ${fn} expects a list of at least ${min} items.`);
  }
  return value;
}
