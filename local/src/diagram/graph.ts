/**
 * The resource graph of a stage: its resources, grouped by stack, and the references between them
 * that the templates declare (`Ref`, `Fn::GetAtt`, `Fn::Sub`, `Fn::ImportValue`,
 * `Fn::GetStackOutput`). Noise is folded so the picture stays readable: plumbing a reader does not
 * need (IAM, permissions, CDK metadata, custom-resource providers) is left out and counted, and
 * resources that come in crowds (subnets, alarms, API methods) become one node per stack.
 */
import { type LocalAssembly, resourcesOf, type StackTemplate } from '../assembly/index.js';

/** One box of the diagram: a resource, or a group of resources of one kind in one stack. */
export interface DiagramNode {
  /** Unique, stable id: `<stack>/<logicalId>` or `<stack>/group:<label>`. */
  readonly id: string;
  /** The stack's short name (`Api`, `Data`, …). */
  readonly stack: string;
  readonly label: string;
  /** What it is: the CloudFormation type, or the group's types. */
  readonly kind: string;
  /** The logical ids it stands for (one for a resource). */
  readonly logicalIds: readonly string[];
  /** The CloudFormation types it stands for. */
  readonly types: readonly string[];
}

/** "`from` refers to `to`" (a function reads a table name, an alarm notifies a topic). */
export interface DiagramEdge {
  readonly from: string;
  readonly to: string;
}

/** What the diagram leaves out, by category, so the picture says what it does not show. */
export interface OmittedResources {
  readonly category: string;
  readonly count: number;
}

export interface ResourceGraph {
  /** The stage's name, e.g. `TaskTracker-dev`. */
  readonly title: string;
  /** Stack short names in assembly order. */
  readonly stacks: readonly string[];
  readonly nodes: readonly DiagramNode[];
  readonly edges: readonly DiagramEdge[];
  readonly omitted: readonly OmittedResources[];
  /** Types present whose references are not drawn (a dashboard). */
  readonly unlinked: readonly string[];
}

/** Types left out of the picture, with the category the note counts them under. */
const OMITTED: ReadonlyMap<string, string> = new Map([
  ['AWS::CDK::Metadata', 'CDK metadata'],
  ['AWS::IAM::Role', 'IAM roles and policies'],
  ['AWS::IAM::Policy', 'IAM roles and policies'],
  ['AWS::IAM::ManagedPolicy', 'IAM roles and policies'],
  ['AWS::IAM::InstanceProfile', 'IAM roles and policies'],
  ['AWS::Lambda::Permission', 'Lambda permissions'],
  ['AWS::SNS::TopicPolicy', 'resource policies'],
  ['AWS::S3::BucketPolicy', 'resource policies'],
  ['AWS::SQS::QueuePolicy', 'resource policies'],
  ['AWS::EC2::SecurityGroupIngress', 'security group rules'],
  ['AWS::EC2::SecurityGroupEgress', 'security group rules'],
  ['AWS::EC2::Route', 'routes and attachments'],
  ['AWS::EC2::SubnetRouteTableAssociation', 'routes and attachments'],
  ['AWS::EC2::VPCGatewayAttachment', 'routes and attachments'],
  ['AWS::ApiGateway::Account', 'account settings'],
  ['AWS::ApiGateway::Deployment', 'API deployments'],
  ['AWS::WAFv2::LoggingConfiguration', 'WAF logging configuration'],
]);

/**
 * Types whose references are not drawn: a dashboard refers to everything it graphs, and those
 * arrows would hide the ones that say how the system works.
 */
const OBSERVERS: ReadonlySet<string> = new Set(['AWS::CloudWatch::Dashboard']);

/** The category of custom resources and the functions that implement them. */
const CUSTOM_RESOURCE_PLUMBING = 'custom-resource plumbing';

/** Types folded into one node per stack, with the node's label. */
const GROUPED: ReadonlyMap<string, string> = new Map([
  ['AWS::EC2::Subnet', 'Subnets and route tables'],
  ['AWS::EC2::RouteTable', 'Subnets and route tables'],
  ['AWS::EC2::NatGateway', 'Internet and NAT gateways'],
  ['AWS::EC2::EIP', 'Internet and NAT gateways'],
  ['AWS::EC2::InternetGateway', 'Internet and NAT gateways'],
  ['AWS::EC2::SecurityGroup', 'Security groups'],
  ['AWS::EC2::VPCEndpoint', 'VPC endpoints'],
  ['AWS::ApiGateway::Resource', 'Routes (resources and methods)'],
  ['AWS::ApiGateway::Method', 'Routes (resources and methods)'],
  ['AWS::ApiGateway::Model', 'Request validation'],
  ['AWS::ApiGateway::RequestValidator', 'Request validation'],
  ['AWS::ApiGateway::GatewayResponse', 'Gateway responses'],
  ['AWS::Logs::LogGroup', 'Log groups'],
  ['AWS::Logs::MetricFilter', 'Log metric filters'],
  ['AWS::CloudWatch::Alarm', 'Alarms'],
  ['AWS::ApplicationAutoScaling::ScalableTarget', 'Autoscaling'],
  ['AWS::ApplicationAutoScaling::ScalingPolicy', 'Autoscaling'],
]);

/**
 * Resources that only join two others: drawn as an edge between them (property of the "from"
 * side first), not as a box.
 */
const ASSOCIATIONS: ReadonlyMap<string, readonly [string, string]> = new Map([
  ['AWS::WAFv2::WebACLAssociation', ['WebACLArn', 'ResourceArn']],
]);

/** A resource's place in the picture. */
type Placement =
  | { readonly kind: 'node'; readonly nodeId: string }
  | { readonly kind: 'omitted'; readonly category: string }
  | { readonly kind: 'association'; readonly properties: readonly [string, string] };

/** Builds the stage's resource graph from its templates alone (no resolver, no local state). */
export function resourceGraph(assembly: LocalAssembly): ResourceGraph {
  const stackName = (stack: StackTemplate) => shortStackName(stack.stackName, assembly.stageName);
  const placements = new Map<string, Placement>();
  const nodes = new Map<string, { stack: string; label: string; logicalIds: string[]; types: Set<string> }>();
  const omitted = new Map<string, number>();

  for (const stack of assembly.stacks) {
    const resources = stack.template.Resources ?? {};
    const plumbing = customResourcePlumbing(resources);
    for (const [logicalId, resource] of Object.entries(resources)) {
      const key = resourceKey(stack.stackName, logicalId);
      const category = plumbing.has(logicalId) ? CUSTOM_RESOURCE_PLUMBING : OMITTED.get(resource.Type);
      if (category !== undefined) {
        placements.set(key, { kind: 'omitted', category });
        omitted.set(category, (omitted.get(category) ?? 0) + 1);
        continue;
      }
      const association = ASSOCIATIONS.get(resource.Type);
      if (association) {
        placements.set(key, { kind: 'association', properties: association });
        continue;
      }
      const group = GROUPED.get(resource.Type);
      const nodeId = group ? `${stackName(stack)}/group:${group}` : `${stackName(stack)}/${logicalId}`;
      const node = nodes.get(nodeId) ?? {
        stack: stackName(stack),
        label: group ?? readableLogicalId(logicalId),
        logicalIds: [],
        types: new Set<string>(),
      };
      node.logicalIds.push(logicalId);
      node.types.add(resource.Type);
      nodes.set(nodeId, node);
      placements.set(key, { kind: 'node', nodeId });
    }
  }

  const references = new ReferenceFinder(assembly);
  const edges = new Map<string, DiagramEdge>();
  const addEdge = (from: string | undefined, to: string | undefined) => {
    if (from === undefined || to === undefined || from === to) return;
    edges.set(`${from}→${to}`, { from, to });
  };
  const nodeOf = (target: ResourceRef) => {
    const placement = placements.get(resourceKey(target.stack, target.logicalId));
    return placement?.kind === 'node' ? placement.nodeId : undefined;
  };
  for (const stack of assembly.stacks) {
    for (const [logicalId, resource] of Object.entries(stack.template.Resources ?? {})) {
      const placement = placements.get(resourceKey(stack.stackName, logicalId));
      const properties = resource.Properties ?? {};
      if (OBSERVERS.has(resource.Type)) continue;
      if (placement?.kind === 'node') {
        for (const target of references.in(stack, properties)) addEdge(placement.nodeId, nodeOf(target));
      } else if (placement?.kind === 'association') {
        const [fromProperty, toProperty] = placement.properties;
        for (const from of references.in(stack, properties[fromProperty]))
          for (const to of references.in(stack, properties[toProperty])) addEdge(nodeOf(from), nodeOf(to));
      }
    }
  }

  const diagramNodes = [...nodes.entries()].map(([id, node]): DiagramNode => {
    const types = [...node.types].sort();
    const count = node.logicalIds.length;
    const grouped = id.includes('/group:');
    return {
      id,
      stack: node.stack,
      label: grouped ? `${node.label} (${count})` : node.label,
      kind: grouped ? groupKind(types) : shortType(types[0] ?? ''),
      logicalIds: [...node.logicalIds].sort(),
      types,
    };
  });
  return {
    title: assembly.stageName,
    stacks: assembly.stacks.map(stackName),
    nodes: diagramNodes.sort((a, b) => compare(a.id, b.id)),
    edges: [...edges.values()].sort((a, b) => compare(a.from, b.from) || compare(a.to, b.to)),
    unlinked: [
      ...new Set(
        resourcesOf(assembly)
          .filter((r) => OBSERVERS.has(r.type))
          .map((r) => r.type),
      ),
    ],
    omitted: [...omitted.entries()]
      .map(([category, count]) => ({ category, count }))
      .sort((a, b) => compare(a.category, b.category)),
  };
}

/** `TaskTracker-dev-Api` → `Api` within stage `TaskTracker-dev`; other stacks keep their name. */
export function shortStackName(stackName: string, stageName: string): string {
  return stackName.startsWith(`${stageName}-`) ? stackName.slice(stageName.length + 1) : stackName;
}

/** `ListTasksFunction764A097B` → `ListTasksFunction`: CDK's hash suffix says nothing to a reader. */
export function readableLogicalId(logicalId: string): string {
  return logicalId.replace(/[0-9A-F]{8}(?:[0-9a-f]{32})?$/, '') || logicalId;
}

/** `AWS::Lambda::Function` → `Lambda Function`. */
export function shortType(type: string): string {
  return type.replace(/^AWS::/, '').replace(/::/g, ' ');
}

/** `EC2 RouteTable, EC2 Subnet` → `EC2 RouteTable, Subnet`: the service is said once. */
function groupKind(types: readonly string[]): string {
  let previous = '';
  return types
    .map((type) => {
      const [service = '', ...rest] = shortType(type).split(' ');
      const text = service === previous ? rest.join(' ') : [service, ...rest].join(' ');
      previous = service;
      return text;
    })
    .join(', ');
}

function resourceKey(stackName: string, logicalId: string): string {
  return `${stackName}/${logicalId}`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Custom resources and what implements them: their types, and the functions their `ServiceToken`
 * points at (with those functions' roles and policies, which are left out as IAM anyway).
 */
function customResourcePlumbing(resources: Readonly<Record<string, { Type: string; Properties?: unknown }>>) {
  const plumbing = new Set<string>();
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (!resource.Type.startsWith('Custom::') && resource.Type !== 'AWS::CloudFormation::CustomResource')
      continue;
    plumbing.add(logicalId);
    const token = (resource.Properties as { ServiceToken?: unknown } | undefined)?.ServiceToken;
    for (const ref of localReferences(token)) plumbing.add(ref);
  }
  return plumbing;
}

/** A resource a template value refers to. */
interface ResourceRef {
  readonly stack: string;
  readonly logicalId: string;
}

/** Finds the resources a template value refers to, following exports and stack outputs across stacks. */
class ReferenceFinder {
  private readonly exports = new Map<string, { stack: StackTemplate; value: unknown }>();
  private readonly stacks = new Map<string, StackTemplate>();

  constructor(assembly: LocalAssembly) {
    for (const stack of assembly.stacks) {
      this.stacks.set(stack.stackName, stack);
      for (const output of Object.values(stack.template.Outputs ?? {})) {
        const name = output.Export?.Name;
        if (typeof name === 'string') this.exports.set(name, { stack, value: output.Value });
      }
    }
  }

  /** The resources `value` (a property of a resource in `stack`) refers to. */
  in(stack: StackTemplate, value: unknown): ResourceRef[] {
    const found: ResourceRef[] = [];
    this.walk(stack, value, found, 0);
    return found;
  }

  private walk(stack: StackTemplate, value: unknown, found: ResourceRef[], depth: number): void {
    // An export whose value imports another is followed a few hops at most (no cycles in CloudFormation, but a bound costs nothing).
    if (depth > 8) return;
    const resources = stack.template.Resources ?? {};
    for (const logicalId of localReferences(value))
      if (Object.hasOwn(resources, logicalId)) found.push({ stack: stack.stackName, logicalId });
    for (const target of crossStackReferences(value)) {
      const producer =
        target.kind === 'import'
          ? this.exports.get(target.name)
          : this.outputOf(target.stackName, target.outputName);
      if (producer) this.walk(producer.stack, producer.value, found, depth + 1);
    }
  }

  private outputOf(stackName: string, outputName: string) {
    const stack = this.stacks.get(stackName);
    const outputs = stack?.template.Outputs ?? {};
    if (!stack || !Object.hasOwn(outputs, outputName)) return undefined;
    return { stack, value: outputs[outputName]?.Value };
  }
}

type CrossStackReference =
  | { readonly kind: 'import'; readonly name: string }
  | { readonly kind: 'output'; readonly stackName: string; readonly outputName: string };

/** Logical ids a value refers to within its own template: `Ref`, `Fn::GetAtt`, `Fn::Sub` variables. */
function localReferences(value: unknown): string[] {
  const found: string[] = [];
  visit(value, (name, argument) => {
    if (name === 'Ref' && typeof argument === 'string' && !argument.startsWith('AWS::')) found.push(argument);
    if (name === 'Fn::GetAtt') {
      const target = Array.isArray(argument) ? argument[0] : String(argument).split('.')[0];
      if (typeof target === 'string') found.push(target);
    }
    if (name === 'Fn::Sub') found.push(...subReferences(argument));
  });
  return found;
}

/** The imports and stack outputs a value refers to. */
function crossStackReferences(value: unknown): CrossStackReference[] {
  const found: CrossStackReference[] = [];
  visit(value, (name, argument) => {
    if (name === 'Fn::ImportValue' && typeof argument === 'string')
      found.push({ kind: 'import', name: argument });
    if (name === 'Fn::GetStackOutput' && typeof argument === 'object' && argument !== null) {
      const { StackName, OutputName } = argument as { StackName?: unknown; OutputName?: unknown };
      if (typeof StackName === 'string' && typeof OutputName === 'string')
        found.push({ kind: 'output', stackName: StackName, outputName: OutputName });
    }
  });
  return found;
}

/** `${Name}` and `${Name.Attr}` in an `Fn::Sub` template, minus its own variables and `${!literal}`. */
function subReferences(argument: unknown): string[] {
  const [template, variables] = Array.isArray(argument) ? argument : [argument, {}];
  if (typeof template !== 'string') return [];
  const own = new Set(Object.keys((variables ?? {}) as object));
  return [...template.matchAll(/\$\{([^!}][^}]*)\}/g)]
    .map((match) => (match[1] ?? '').split('.')[0] ?? '')
    .filter((name) => name !== '' && !name.startsWith('AWS::') && !own.has(name));
}

/** Calls `onIntrinsic` for every intrinsic function in a template value, depth first. */
function visit(value: unknown, onIntrinsic: (name: string, argument: unknown) => void): void {
  if (Array.isArray(value)) {
    for (const item of value) visit(item, onIntrinsic);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [key, item] of Object.entries(value)) {
    if (key === 'Ref' || key.startsWith('Fn::')) onIntrinsic(key, item);
    visit(item, onIntrinsic);
  }
}
