/**
 * The physical-id table: what `Ref` and `Fn::GetAtt` of each resource mean locally. Names are
 * derived like CloudFormation's (`<stack>-<logicalId>-<SUFFIX>`) from a hash, so they stay the
 * same across runs; services overwrite entries whose ids they assign (Cognito pool ids).
 */
import { createHash } from 'node:crypto';
import {
  type AssemblyResource,
  type LocalAssembly,
  resourcesOf,
  type StackTemplate,
} from '../assembly/index.js';
import { type ResolveContext, resolveIntrinsic, resolveString } from './index.js';

/** The account id every local ARN carries. */
export const LOCAL_ACCOUNT_ID = '000000000000';

interface PhysicalEntry {
  ref: string;
  attributes: Record<string, string>;
  /** Not emulated: any attribute resolves to a placeholder, since nothing local serves it. */
  placeholder?: boolean;
}

export class PhysicalIds {
  private readonly entries = new Map<string, PhysicalEntry>();
  private readonly exports = new Map<string, { stack: StackTemplate; value: unknown }>();

  constructor(private readonly assembly: LocalAssembly) {
    for (const resource of resourcesOf(assembly))
      this.entries.set(key(resource.stack, resource.logicalId), defaultEntry(resource));
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

  /** `Ref` of a resource. */
  ref(stack: StackTemplate, logicalId: string): string | undefined {
    return this.entries.get(key(stack, logicalId))?.ref;
  }

  /** The resolve context of one stack. */
  context(stack: StackTemplate): ResolveContext {
    return {
      stackName: stack.stackName,
      region: stack.region,
      accountId: LOCAL_ACCOUNT_ID,
      conditions: stack.template.Conditions,
      mappings: stack.template.Mappings,
      ref: (logicalId) => this.entries.get(key(stack, logicalId))?.ref ?? parameterDefault(stack, logicalId),
      getAtt: (logicalId, attribute) => {
        const entry = this.entries.get(key(stack, logicalId));
        return entry?.attributes[attribute] ?? (entry?.placeholder ? `${entry.ref}.${attribute}` : undefined);
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

  /** The assembly this table describes. */
  get source(): LocalAssembly {
    return this.assembly;
  }
}

function key(stack: StackTemplate, logicalId: string): string {
  return `${stack.stackName}/${logicalId}`;
}

function parameterDefault(stack: StackTemplate, name: string): string | undefined {
  const value = stack.template.Parameters?.[name]?.Default;
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

function literal(resource: AssemblyResource, property: string): string | undefined {
  const value = resource.properties[property];
  return typeof value === 'string' ? value : undefined;
}

function defaultEntry(resource: AssemblyResource): PhysicalEntry {
  const { region } = resource.stack;
  const arn = (service: string, resourcePart: string) =>
    `arn:aws:${service}:${region}:${LOCAL_ACCOUNT_ID}:${resourcePart}`;
  switch (resource.type) {
    case 'AWS::DynamoDB::Table':
    case 'AWS::DynamoDB::GlobalTable': {
      const name = literal(resource, 'TableName') ?? generatedName(resource);
      return {
        ref: name,
        attributes: {
          Arn: arn('dynamodb', `table/${name}`),
          StreamArn: arn('dynamodb', `table/${name}/stream/local`),
        },
      };
    }
    case 'AWS::Lambda::Function': {
      const name = literal(resource, 'FunctionName') ?? generatedName(resource, 64);
      return { ref: name, attributes: { Arn: arn('lambda', `function:${name}`) } };
    }
    case 'AWS::ApiGateway::RestApi': {
      const id = stableSuffix(`${resource.stack.stackName}/${resource.logicalId}`, 10, true);
      return { ref: id, attributes: { RestApiId: id, RootResourceId: stableSuffix(`${id}/root`, 10, true) } };
    }
    case 'AWS::ApiGateway::Resource':
    case 'AWS::ApiGateway::Authorizer':
    case 'AWS::ApiGateway::Deployment': {
      // API Gateway's ids are short lower-case strings like `6wpa7g`.
      const id = stableSuffix(`${resource.stack.stackName}/${resource.logicalId}`, 6, true);
      return { ref: id, attributes: { ResourceId: id, AuthorizerId: id, DeploymentId: id } };
    }
    case 'AWS::ApiGateway::Stage': {
      const name = literal(resource, 'StageName') ?? 'prod';
      return { ref: name, attributes: {} };
    }
    case 'AWS::SNS::Topic': {
      const name = literal(resource, 'TopicName') ?? generatedName(resource, 256);
      const topicArn = arn('sns', name);
      return { ref: topicArn, attributes: { TopicArn: topicArn, TopicName: name } };
    }
    case 'AWS::Logs::LogGroup': {
      const name = literal(resource, 'LogGroupName') ?? generatedName(resource, 512);
      return { ref: name, attributes: { Arn: arn('logs', `log-group:${name}:*`) } };
    }
    case 'AWS::IAM::Role': {
      const name = literal(resource, 'RoleName') ?? generatedName(resource, 64);
      return {
        ref: name,
        attributes: { Arn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/${name}`, RoleId: stableSuffix(name, 21) },
      };
    }
    case 'AWS::Cognito::UserPool': {
      // Replaced by the local Cognito's pool id once the pool exists.
      const id = `${region}_${stableSuffix(resource.logicalId, 9, false)}`;
      return {
        ref: id,
        attributes: {
          Arn: arn('cognito-idp', `userpool/${id}`),
          ProviderName: `cognito-idp.${region}.amazonaws.com/${id}`,
          ProviderURL: `https://cognito-idp.${region}.amazonaws.com/${id}`,
          UserPoolId: id,
        },
      };
    }
    default: {
      const id = `${resource.logicalId}-${stableSuffix(`${resource.stack.stackName}/${resource.logicalId}`, 8, true)}`;
      return { ref: id, attributes: { Arn: arn(serviceOf(resource.type), id) }, placeholder: true };
    }
  }
}

function serviceOf(type: string): string {
  return (type.split('::')[1] ?? 'local').toLowerCase();
}
