/**
 * The REST APIs of the assembly as the gateway serves them: resource tree, methods,
 * authorizers, integrations, CORS mock responses and gateway responses, all resolved.
 */
import { type AssemblyResource, resourcesOf } from '../../assembly/index.js';
import { LocalCloudError } from '../../errors.js';
import type { PhysicalIds } from '../../intrinsics/physical-ids.js';
import { type JsonSchema, type MethodValidation, matchesSchema } from './request-validator.js';

export interface MockIntegration {
  readonly statusCode: number;
  /** Header name → literal value (API Gateway's `'value'` quoting removed). */
  readonly headers: Record<string, string>;
  /** The response template, kept to echo an allowed `Origin` like CDK's CORS template does. */
  readonly template?: string;
}

export interface ApiMethod {
  readonly logicalId: string;
  readonly resourceId: string;
  /** The resource path, e.g. `/tasks/{id}`. */
  readonly resourcePath: string;
  /** `GET`, `POST`, …, or `ANY`. */
  readonly httpMethod: string;
  readonly authorizationType: string;
  readonly authorizer?: CognitoAuthorizerModel;
  readonly authorizationScopes: readonly string[];
  /** The function ARN of an `AWS_PROXY` integration. */
  readonly lambdaArn?: string;
  /** The integration's `TimeoutInMillis`: past it the gateway answers 504 (default 29 s). */
  readonly integrationTimeoutMs: number;
  readonly mock?: MockIntegration;
  readonly integrationType: string;
  /** What the method's request validator enforces, if it has one. */
  readonly validation?: MethodValidation;
}

export interface CognitoAuthorizerModel {
  readonly logicalId: string;
  readonly name: string;
  /** Pool ids from `ProviderARNs`. */
  readonly userPoolIds: readonly string[];
  /** The header carrying the token, from `IdentitySource` (`method.request.header.Authorization`). */
  readonly headerName: string;
}

export interface GatewayResponseModel {
  readonly statusCode?: number;
  readonly headers: Record<string, string>;
  readonly template?: string;
}

export interface RestApiModel {
  readonly logicalId: string;
  readonly apiId: string;
  readonly name: string;
  readonly stageName: string;
  readonly methods: readonly ApiMethod[];
  readonly gatewayResponses: ReadonlyMap<string, GatewayResponseModel>;
  /** Types that make up the API but that the gateway does not enforce (validators, usage plans…). */
  readonly notEnforced: readonly string[];
}

/** API Gateway's default (and, for REST APIs, maximum by default) integration timeout. */
export const DEFAULT_INTEGRATION_TIMEOUT_MS = 29_000;

/** Reads every `AWS::ApiGateway::RestApi` of the assembly. */
export function readRestApis(ids: PhysicalIds): RestApiModel[] {
  const all = resourcesOf(ids.source).filter((r) => r.type.startsWith('AWS::ApiGateway::'));
  return all.filter((r) => r.type === 'AWS::ApiGateway::RestApi').map((api) => readRestApi(ids, api, all));
}

function readRestApi(ids: PhysicalIds, api: AssemblyResource, all: AssemblyResource[]): RestApiModel {
  const apiId = ids.ref(api.stack, api.logicalId) ?? api.logicalId;
  const belongs = (r: AssemblyResource) => ids.resolve(r, 'RestApiId') === apiId;
  const mine = all.filter(
    (r) =>
      r.type !== 'AWS::ApiGateway::RestApi' &&
      r.type !== 'AWS::ApiGateway::Account' &&
      safeBelongs(belongs, r),
  );
  const rootId = ids.context(api.stack).getAtt(api.logicalId, 'RootResourceId') ?? '';
  const paths = resourcePaths(
    ids,
    rootId,
    mine.filter((r) => r.type === 'AWS::ApiGateway::Resource'),
  );
  const authorizers = new Map(
    mine
      .filter((r) => r.type === 'AWS::ApiGateway::Authorizer')
      .map((r) => [ids.ref(r.stack, r.logicalId) ?? r.logicalId, readAuthorizer(ids, r)] as const),
  );
  const byRef = (type: string) =>
    new Map(
      mine
        .filter((r) => r.type === type)
        .map((r) => [ids.ref(r.stack, r.logicalId) ?? r.logicalId, r] as const),
    );
  const validators = byRef('AWS::ApiGateway::RequestValidator');
  const models = byRef('AWS::ApiGateway::Model');
  const modelsByName = new Map(
    [...models.values()].map((r) => [String(ids.resolve(r, 'Name') ?? r.logicalId), r] as const),
  );
  const schemaOf = (ref: string): JsonSchema | undefined => {
    const model = models.get(ref) ?? modelsByName.get(ref);
    if (!model) return undefined;
    const schema = ids.resolve(model, 'Schema') as JsonSchema;
    try {
      // Compiled now, so a model the validator cannot read fails the start, not a request.
      matchesSchema(schema, {});
    } catch (err) {
      throw new LocalCloudError(
        `${model.stack.stackName}/${model.logicalId}: the model's schema cannot be used for validation (${(err as Error).message}).`,
      );
    }
    return schema;
  };
  const methods = mine
    .filter((r) => r.type === 'AWS::ApiGateway::Method')
    .map((r) => withValidation(ids, r, readMethod(ids, r, paths, authorizers), validators, schemaOf));
  const stage = mine.find((r) => r.type === 'AWS::ApiGateway::Stage');
  const deployment = mine.find((r) => r.type === 'AWS::ApiGateway::Deployment');
  const stageName = String(
    (stage && ids.resolve(stage, 'StageName')) ??
      (deployment && ids.resolve(deployment, 'StageName')) ??
      'prod',
  );
  const gatewayResponses = new Map(
    mine
      .filter((r) => r.type === 'AWS::ApiGateway::GatewayResponse')
      .map((r) => [String(ids.resolve(r, 'ResponseType')), readGatewayResponse(ids, r)] as const),
  );
  const enforced = new Set([
    'Resource',
    'Method',
    'Authorizer',
    'Stage',
    'Deployment',
    'GatewayResponse',
    'RequestValidator',
    'Model',
  ]);
  return {
    logicalId: api.logicalId,
    apiId,
    name: String(ids.resolve(api, 'Name') ?? api.logicalId),
    stageName,
    methods,
    gatewayResponses,
    notEnforced: [
      ...new Set(mine.map((r) => r.type).filter((type) => !enforced.has(type.split('::')[2] ?? ''))),
    ],
  };
}

function safeBelongs(belongs: (r: AssemblyResource) => boolean, resource: AssemblyResource): boolean {
  try {
    return belongs(resource);
  } catch {
    return false;
  }
}

/** Resource id → full path, from each resource's `ParentId` and `PathPart`. */
function resourcePaths(ids: PhysicalIds, rootId: string, resources: AssemblyResource[]): Map<string, string> {
  const paths = new Map<string, string>([[rootId, '/']]);
  const pending = resources.map((r) => ({
    id: ids.ref(r.stack, r.logicalId) ?? r.logicalId,
    parent: String(ids.resolve(r, 'ParentId')),
    part: String(ids.resolve(r, 'PathPart')),
  }));
  while (pending.length > 0) {
    const index = pending.findIndex((r) => paths.has(r.parent));
    if (index < 0) break;
    const [next] = pending.splice(index, 1);
    if (!next) break;
    const parentPath = paths.get(next.parent) ?? '/';
    paths.set(next.id, `${parentPath === '/' ? '' : parentPath}/${next.part}`);
  }
  return paths;
}

function readAuthorizer(ids: PhysicalIds, resource: AssemblyResource): CognitoAuthorizerModel {
  const arns = ((ids.resolve(resource, 'ProviderARNs') ?? []) as unknown[]).map(String);
  const source = String(ids.resolve(resource, 'IdentitySource') ?? 'method.request.header.Authorization');
  return {
    logicalId: resource.logicalId,
    name: String(ids.resolve(resource, 'Name') ?? resource.logicalId),
    userPoolIds: arns.map((arn) => arn.split('/').pop() ?? arn),
    headerName: source.replace(/^method\.request\.header\./, '').toLowerCase(),
  };
}

function readMethod(
  ids: PhysicalIds,
  resource: AssemblyResource,
  paths: Map<string, string>,
  authorizers: Map<string, CognitoAuthorizerModel>,
): ApiMethod {
  const get = (property: string) => ids.resolve(resource, property);
  const resourceId = String(get('ResourceId'));
  const integration = (get('Integration') ?? {}) as {
    Type?: string;
    Uri?: string;
    TimeoutInMillis?: number;
    IntegrationResponses?: Array<{
      StatusCode?: string;
      ResponseParameters?: Record<string, string>;
      ResponseTemplates?: Record<string, string>;
    }>;
  };
  const authorizerId = get('AuthorizerId');
  const authorizer = authorizerId === undefined ? undefined : authorizers.get(String(authorizerId));
  const lambdaArn = /functions\/(.+)\/invocations$/.exec(integration.Uri ?? '')?.[1];
  const mockResponse = integration.Type === 'MOCK' ? integration.IntegrationResponses?.[0] : undefined;
  return {
    logicalId: resource.logicalId,
    resourceId,
    resourcePath: paths.get(resourceId) ?? '/',
    httpMethod: String(get('HttpMethod')).toUpperCase(),
    authorizationType: String(get('AuthorizationType') ?? 'NONE'),
    ...(authorizer ? { authorizer } : {}),
    authorizationScopes: ((get('AuthorizationScopes') ?? []) as unknown[]).map(String),
    integrationType: integration.Type ?? 'NONE',
    integrationTimeoutMs: Number(integration.TimeoutInMillis ?? DEFAULT_INTEGRATION_TIMEOUT_MS),
    ...(lambdaArn ? { lambdaArn } : {}),
    ...(mockResponse ? { mock: readMock(mockResponse) } : {}),
  };
}

function withValidation(
  ids: PhysicalIds,
  resource: AssemblyResource,
  method: ApiMethod,
  validators: Map<string, AssemblyResource>,
  schemaOf: (ref: string) => JsonSchema | undefined,
): ApiMethod {
  const validatorId = ids.resolve(resource, 'RequestValidatorId');
  const validator = validatorId === undefined ? undefined : validators.get(String(validatorId));
  if (!validator) return method;
  const checkBody = ids.resolve(validator, 'ValidateRequestBody') === true;
  const checkParameters = ids.resolve(validator, 'ValidateRequestParameters') === true;
  const models = (ids.resolve(resource, 'RequestModels') ?? {}) as Record<string, string>;
  const bodyModel = models['application/json'] ?? models.$default;
  const body = checkBody && bodyModel !== undefined ? schemaOf(bodyModel) : undefined;
  const parameters = (ids.resolve(resource, 'RequestParameters') ?? {}) as Record<string, boolean>;
  const requiredParameters = checkParameters
    ? Object.entries(parameters)
        .filter(([, required]) => required === true)
        .map(([name]) => name.replace(/^method\.request\./, ''))
    : [];
  return { ...method, validation: { ...(body ? { body } : {}), requiredParameters } };
}

function readMock(response: {
  StatusCode?: string;
  ResponseParameters?: Record<string, string>;
  ResponseTemplates?: Record<string, string>;
}): MockIntegration {
  const template = response.ResponseTemplates?.['application/json'];
  return {
    statusCode: Number(response.StatusCode ?? 200),
    headers: headerParameters(response.ResponseParameters, 'method.response.header.'),
    ...(template ? { template } : {}),
  };
}

function readGatewayResponse(ids: PhysicalIds, resource: AssemblyResource): GatewayResponseModel {
  const statusCode = ids.resolve(resource, 'StatusCode');
  const template = (ids.resolve(resource, 'ResponseTemplates') as Record<string, string> | undefined)?.[
    'application/json'
  ];
  return {
    ...(statusCode === undefined ? {} : { statusCode: Number(statusCode) }),
    headers: headerParameters(
      ids.resolve(resource, 'ResponseParameters') as Record<string, string> | undefined,
      'gatewayresponse.header.',
    ),
    ...(template ? { template } : {}),
  };
}

/** `{ "method.response.header.X": "'v'" }` → `{ X: "v" }`; non-literal mappings are skipped. */
function headerParameters(
  parameters: Record<string, string> | undefined,
  prefix: string,
): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(parameters ?? {})) {
    if (!name.startsWith(prefix) || !/^'.*'$/s.test(value)) continue;
    headers[name.slice(prefix.length)] = value.slice(1, -1);
  }
  return headers;
}
