/**
 * The physical-id table: what `Ref` and `Fn::GetAtt` of each resource mean locally. Each service
 * module gives the rule for the types it owns; names are derived like CloudFormation's
 * (`<stack>-<logicalId>-<SUFFIX>`) from a hash, so they stay the same across runs, and services
 * overwrite entries whose ids they assign at start (Cognito pool ids). A resource no module owns
 * has no local meaning: resolving it from an emulated resource is an error naming both.
 */
import { createHash } from 'node:crypto';
import {
  type AssemblyResource,
  type LocalAssembly,
  resourcesOf,
  type StackTemplate,
} from '../assembly/index.js';
import type { PhysicalEntry, PhysicalIdRule } from '../service.js';
import { type ResolveContext, resolveIntrinsic, resolveString } from './index.js';

/** The account id every local ARN carries. */
export const LOCAL_ACCOUNT_ID = '000000000000';

interface Entry extends PhysicalEntry {
  /** Set when no local service owns the resource's type: it cannot be resolved locally. */
  readonly notEmulatedType?: string;
}

export class PhysicalIds {
  private readonly entries = new Map<string, Entry>();
  private readonly exports = new Map<string, { stack: StackTemplate; value: unknown }>();

  /**
   * @param rules `Ref`/`GetAtt` rules by resource type, from the service modules.
   * @param owned every type some service owns (a type may be owned without a rule of its own).
   */
  constructor(
    private readonly assembly: LocalAssembly,
    rules: ReadonlyMap<string, PhysicalIdRule> = new Map(),
    owned: ReadonlySet<string> = new Set(rules.keys()),
  ) {
    for (const resource of resourcesOf(assembly))
      this.entries.set(key(resource.stack, resource.logicalId), entryOf(resource, rules, owned));
    for (const stack of assembly.stacks) {
      for (const [outputId, output] of Object.entries(stack.template.Outputs ?? {})) {
        if (output.Export === undefined) continue;
        const name = resolveIntrinsic(
          output.Export.Name,
          this.context(stack),
          `${stack.stackName}/Outputs/${outputId}.Export`,
        );
        if (typeof name === 'string') this.exports.set(name, { stack, value: output.Value });
      }
    }
  }

  /** Sets the local meaning of a resource's `Ref` and attributes (merged with the defaults). */
  set(stack: StackTemplate, logicalId: string, ref: string, attributes: Record<string, string> = {}): void {
    const previous = this.entries.get(key(stack, logicalId));
    this.entries.set(key(stack, logicalId), { ref, attributes: { ...previous?.attributes, ...attributes } });
  }

  /** The type of a resource no local service owns, or undefined. */
  notEmulatedType(stack: StackTemplate, logicalId: string): string | undefined {
    return this.entries.get(key(stack, logicalId))?.notEmulatedType;
  }

  /** `Ref` of a resource. */
  ref(stack: StackTemplate, logicalId: string): string | undefined {
    const entry = this.entries.get(key(stack, logicalId));
    return entry?.notEmulatedType === undefined ? entry?.ref : undefined;
  }

  /** The resolve context of one stack. */
  context(stack: StackTemplate): ResolveContext {
    return {
      stackName: stack.stackName,
      region: stack.region,
      accountId: LOCAL_ACCOUNT_ID,
      conditions: stack.template.Conditions,
      mappings: stack.template.Mappings,
      ref: (logicalId) => {
        const entry = this.entries.get(key(stack, logicalId));
        if (entry) return entry.notEmulatedType === undefined ? entry.ref : undefined;
        return parameterDefault(stack, logicalId);
      },
      getAtt: (logicalId, attribute) => {
        const entry = this.entries.get(key(stack, logicalId));
        if (entry?.notEmulatedType !== undefined || !entry) return undefined;
        return Object.hasOwn(entry.attributes, attribute) ? entry.attributes[attribute] : undefined;
      },
      unavailable: (logicalId) => {
        const type = this.entries.get(key(stack, logicalId))?.notEmulatedType;
        return type === undefined
          ? undefined
          : `${logicalId} is an ${type}, which the local cloud does not emulate`;
      },
      importValue: (name) => {
        const found = this.exports.get(name);
        if (!found) return undefined;
        return resolveString(found.value, this.context(found.stack), `export ${name}`);
      },
      stackOutput: (stackName, outputName) => {
        const producer = this.assembly.stacks.find((candidate) => candidate.stackName === stackName);
        const output = producer?.template.Outputs?.[outputName];
        if (!producer || !output || !Object.hasOwn(producer.template.Outputs ?? {}, outputName))
          return undefined;
        return resolveString(output.Value, this.context(producer), `${stackName} output ${outputName}`);
      },
    };
  }

  /** Resolves a property of a resource; errors name the resource and property. */
  resolve(resource: AssemblyResource, property: string): unknown {
    return resolveIntrinsic(
      resource.properties[property],
      this.context(resource.stack),
      `${resource.stack.stackName}/${resource.logicalId}.${property}`,
    );
  }

  /** Resolves a part of a resource's property (one field of a list entry); `where` names it. */
  resolveValue(resource: AssemblyResource, value: unknown, where: string): unknown {
    return resolveIntrinsic(
      value,
      this.context(resource.stack),
      `${resource.stack.stackName}/${resource.logicalId}.${where}`,
    );
  }

  /** The assembly this table describes. */
  get source(): LocalAssembly {
    return this.assembly;
  }
}

function key(stack: StackTemplate, logicalId: string): string {
  return `${stack.stackName}/${logicalId}`;
}

function parameterDefault(stack: StackTemplate, name: string): string | undefined {
  const parameters = stack.template.Parameters ?? {};
  const value = Object.hasOwn(parameters, name) ? parameters[name]?.Default : undefined;
  return value === undefined ? undefined : String(value);
}

/** A stable CloudFormation-like suffix: 12 upper-case alphanumerics from a hash. */
export function stableSuffix(seed: string, length = 12, lowercase = false): string {
  const digest = createHash('sha256')
    .update(seed)
    .digest('base64')
    .replace(/[^A-Za-z0-9]/g, '');
  const text = digest.slice(0, length);
  return lowercase ? text.toLowerCase() : text.toUpperCase();
}

/** `<stack>-<logicalId>-<SUFFIX>`, shortened to `max` characters like CloudFormation does. */
export function generatedName(resource: AssemblyResource, max = 255): string {
  const suffix = stableSuffix(`${resource.stack.stackName}/${resource.logicalId}`);
  const base = `${resource.stack.stackName}-${resource.logicalId}`.slice(0, max - suffix.length - 1);
  return `${base}-${suffix}`;
}

function entryOf(
  resource: AssemblyResource,
  rules: ReadonlyMap<string, PhysicalIdRule>,
  owned: ReadonlySet<string>,
): Entry {
  const { region } = resource.stack;
  const arn = (service: string, resourcePart: string) =>
    `arn:aws:${service}:${region}:${LOCAL_ACCOUNT_ID}:${resourcePart}`;
  const rule = rules.get(resource.type);
  if (rule) return rule(resource, arn);
  // Owned but without a rule: CloudFormation's generated name, no attributes.
  if (owned.has(resource.type)) return { ref: generatedName(resource), attributes: {} };
  return { ref: generatedName(resource), attributes: {}, notEmulatedType: resource.type };
}

/** A literal string property of a resource (a name the template fixes), for physical-id rules. */
export function literalProperty(resource: AssemblyResource, property: string): string | undefined {
  const value = resource.properties[property];
  return typeof value === 'string' ? value : undefined;
}

/**
 * A resource's name as CloudFormation sets it: the literal name property (`TableName`,
 * `FunctionName`, …), else the name CloudFormation generates, at most `max` characters.
 */
export function physicalName(resource: AssemblyResource, property: string, max?: number): string {
  return literalProperty(resource, property) ?? generatedName(resource, max);
}

/**
 * The rule of a type whose `Ref` is its {@link physicalName} (at most `max` characters) and whose
 * `GetAtt Arn` is built from that name: `arn:aws:<service>:<region>:<account>:<resourcePart(name)>`.
 */
export function refIsName(
  nameProperty: string,
  service: string,
  resourcePart: (name: string) => string,
  max?: number,
): PhysicalIdRule {
  return (resource, arn) => {
    const name = physicalName(resource, nameProperty, max);
    return { ref: name, attributes: { Arn: arn(service, resourcePart(name)) } };
  };
}
