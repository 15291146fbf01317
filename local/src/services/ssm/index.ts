/**
 * SSM Parameter Store: the template's `AWS::SSM::Parameter`s (String and StringList), read by
 * functions through the AWS SDK at `AWS_ENDPOINT_URL_SSM` with `GetParameter` and
 * `GetParameters`, answered in SSM's JSON 1.1 protocol with its errors. Values are the
 * template's, resolved locally; the store is read-only, as a deployed template leaves it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type AssemblyResource, resourcesOf } from '../../assembly/index.js';
import {
  AwsJsonError,
  readJsonObject,
  sendAwsJson,
  sendAwsJsonError,
  targetOperation,
} from '../../aws-json.js';
import { LOCAL_ACCOUNT_ID, literalProperty, stableSuffix } from '../../intrinsics/physical-ids.js';
import { LoopbackService } from '../../loopback.js';
import type { ServiceContext, ServiceDescription, ServiceModule } from '../../service.js';

const TARGET_PREFIX = 'AmazonSSM.';
const MAX_BODY_BYTES = 64 * 1024;

interface Parameter {
  readonly logicalId: string;
  readonly name: string;
  readonly type: string;
  readonly value: string;
  readonly arn: string;
}

export class LocalSsm extends LoopbackService {
  private readonly parameters = new Map<string, Parameter>();
  private readonly startedAt = Math.floor(Date.now() / 1000);

  constructor(private readonly ctx: ServiceContext) {
    super(ctx.port);
    for (const resource of resourcesOf(ctx.assembly, 'AWS::SSM::Parameter')) {
      const parameter = this.parameterOf(resource);
      this.parameters.set(parameter.name, parameter);
    }
  }

  get size(): number {
    return this.parameters.size;
  }

  describe(): ServiceDescription {
    return {
      name: 'SSM',
      resources: [...this.parameters.values()].map((p) => ({
        logicalId: p.logicalId,
        type: 'AWS::SSM::Parameter',
        ...(this.server.url === undefined ? {} : { url: this.server.url }),
        detail: `${p.name} (${p.type})`,
      })),
    };
  }

  private parameterOf(resource: AssemblyResource): Parameter {
    const { ids } = this.ctx;
    const name = ids.ref(resource.stack, resource.logicalId) ?? resource.logicalId;
    const type = String(ids.resolve(resource, 'Type') ?? 'String');
    const raw = ids.resolve(resource, 'Value');
    const value = Array.isArray(raw) ? raw.map(String).join(',') : String(raw ?? '');
    return {
      logicalId: resource.logicalId,
      name,
      type,
      value,
      arn: parameterArn(resource.stack.region, name),
    };
  }

  protected override internalError(res: ServerResponse, err: unknown): void {
    this.ctx.log(`[SSM] internal error: ${(err as Error).message}`);
    sendAwsJsonError(res, new AwsJsonError('InternalServerError', 'Internal error.', 500));
  }

  protected override async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const operation = req.method === 'POST' ? targetOperation(req, TARGET_PREFIX) : '';
    try {
      const input = await readJsonObject(req, MAX_BODY_BYTES);
      if (operation === 'GetParameter') return sendAwsJson(res, 200, this.getParameter(input));
      if (operation === 'GetParameters') return sendAwsJson(res, 200, this.getParameters(input));
      throw new AwsJsonError(
        'UnknownOperationException',
        operation === ''
          ? `Expected a POST with X-Amz-Target: ${TARGET_PREFIX}<Operation>.`
          : `The local SSM serves the template's parameters read-only (GetParameter, GetParameters), not ${operation}.`,
      );
    } catch (err) {
      if (!(err instanceof AwsJsonError)) throw err;
      sendAwsJsonError(res, err);
    }
  }

  private getParameter(input: Record<string, unknown>): unknown {
    const name = requireName(input.Name, 'name');
    const parameter = this.find(name);
    if (!parameter) throw new AwsJsonError('ParameterNotFound', `Parameter ${name} not found.`);
    return { Parameter: this.render(parameter) };
  }

  private getParameters(input: Record<string, unknown>): unknown {
    const names = input.Names;
    if (!Array.isArray(names) || names.length < 1 || names.length > 10)
      throw new AwsJsonError(
        'ValidationException',
        "1 validation error detected: Value at 'names' failed to satisfy constraint: Member must have length between 1 and 10",
      );
    const found = names
      .map((n) => requireName(n, 'names'))
      .map((name) => ({ name, parameter: this.find(name) }));
    return {
      Parameters: found.flatMap(({ parameter }) => (parameter ? [this.render(parameter)] : [])),
      InvalidParameters: found.filter(({ parameter }) => !parameter).map(({ name }) => name),
    };
  }

  /** By name, or by ARN as the SDK also accepts. */
  private find(nameOrArn: string): Parameter | undefined {
    const byName = this.parameters.get(nameOrArn);
    if (byName) return byName;
    return [...this.parameters.values()].find((p) => p.arn === nameOrArn);
  }

  private render(parameter: Parameter): Record<string, unknown> {
    return {
      Name: parameter.name,
      Type: parameter.type,
      Value: parameter.value,
      Version: 1,
      LastModifiedDate: this.startedAt,
      ARN: parameter.arn,
      DataType: 'text',
    };
  }
}

/** `arn:aws:ssm:<region>:<account>:parameter/<name without its leading slash>`. */
function parameterArn(region: string, name: string): string {
  return `arn:aws:ssm:${region}:${LOCAL_ACCOUNT_ID}:parameter/${name.replace(/^\//, '')}`;
}

function requireName(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length < 1 || value.length > 2048)
    throw new AwsJsonError(
      'ValidationException',
      `1 validation error detected: Value at '${field}' failed to satisfy constraint: Member must have length between 1 and 2048`,
    );
  return value;
}

export const ssmService: ServiceModule<LocalSsm> = {
  id: 'ssm',
  name: 'SSM',
  resourceTypes: ['AWS::SSM::Parameter'],
  physicalIds: {
    'AWS::SSM::Parameter': (resource) => {
      // CloudFormation names an unnamed parameter `CFN-<logicalId>-<random>`.
      const name =
        literalProperty(resource, 'Name') ??
        `CFN-${resource.logicalId}-${stableSuffix(`${resource.stack.stackName}/${resource.logicalId}`)}`;
      const value = literalProperty(resource, 'Value');
      return {
        ref: name,
        attributes: {
          Type: literalProperty(resource, 'Type') ?? 'String',
          ...(value === undefined ? {} : { Value: value }),
        },
      };
    },
  },
  port: { name: 'ssm', default: 8300 },
  endpointEnv: 'SSM',
  create: (ctx) => {
    const ssm = new LocalSsm(ctx);
    return ssm.size > 0 ? ssm : undefined;
  },
};
