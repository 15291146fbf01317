/**
 * Cloud assemblies written in the test itself, for tests that need a template but not a CDK synth:
 * stacks named `<stage>-<short name>` as a CDK stage names them, no file assets, no folder on disk.
 */
import type { LocalAssembly, StackTemplate, Template, TemplateResource } from '../../src/assembly/index.js';

export interface AssemblyOptions {
  /** The stage's construct id. @default 'T-dev' */
  readonly stageName?: string;
  /** The region of the stage and every stack. @default 'eu-west-1' */
  readonly region?: string;
  /** The account every stack names (`env.account`). @default environment-agnostic */
  readonly account?: string;
}

/** The least a DynamoDB table declares: on demand, keyed by a string `pk`, its name generated. */
export const PK_TABLE: TemplateResource = {
  Type: 'AWS::DynamoDB::Table',
  Properties: {
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    BillingMode: 'PAY_PER_REQUEST',
  },
};

/** An assembly of the given templates, keyed by full stack name, in that order. */
export function assemblyOf(stacks: Record<string, Template>, options: AssemblyOptions = {}): LocalAssembly {
  const { stageName = 'T-dev', region = 'eu-west-1', account } = options;
  return {
    stageName,
    directory: '/nowhere',
    region,
    stacks: Object.entries(stacks).map(([stackName, template]) => ({
      stackName,
      region,
      ...(account === undefined ? {} : { account }),
      template,
      fileAssets: new Map(),
    })),
  };
}

/** An assembly of one stack, `<stage>-<stack>`, holding `resources`. */
export function stackAssembly(
  stack: string,
  resources: Record<string, TemplateResource>,
  options: AssemblyOptions = {},
): LocalAssembly {
  return assemblyOf({ [`${options.stageName ?? 'T-dev'}-${stack}`]: { Resources: resources } }, options);
}

/** The assembly's first stack, for a test that resolves ids in it. */
export function firstStack(assembly: LocalAssembly): StackTemplate {
  const [stack] = assembly.stacks;
  if (!stack) throw new Error('The assembly holds no stack.');
  return stack;
}
