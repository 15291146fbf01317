import { CreateTaskInput, UpdateTaskInput } from '@tasktracker/api/contract';
import type { Route } from '@tasktracker/api/routes';
import { Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { type $ZodType, toJSONSchema } from 'zod/v4/core';
import { checkProps } from './props.js';

/** Request bodies API Gateway validates before a function runs, as JSON Schema from the shared contract. */
const BODY_SCHEMAS: Partial<Record<Route['method'], $ZodType>> = {
  POST: CreateTaskInput,
  PATCH: UpdateTaskInput,
};

export interface ApiRoutesProps {
  /** The API the methods are added to. */
  readonly api: apigateway.RestApi;
  /** The routes to serve, each with a unique id. */
  readonly routes: readonly Route[];
  /** The function serving each route, by route id. */
  readonly functions: ReadonlyMap<string, lambda.IFunction>;
  /** The pool whose ID tokens the authorizer accepts on authorized routes. */
  readonly userPool: cognito.IUserPool;
}

/**
 * The API's methods: one Lambda-proxy method per route, the Cognito authorizer on authorized
 * routes, request validation (path parameters; bodies against models from the shared contract).
 */
export class ApiRoutes extends Construct {
  constructor(scope: Construct, id: string, props: ApiRoutesProps) {
    super(scope, id);
    const ids = props.routes.map((route) => route.id);
    const unserved = ids.filter((routeId) => !props.functions.has(routeId));
    checkProps(this, [
      props.routes.length === 0 && 'routes must not be empty',
      new Set(ids).size !== ids.length && 'routes must have unique ids',
      unserved.length > 0 && `functions lacks a function for ${unserved.join(', ')}`,
    ]);
    const { api } = props;

    const authorizer = new apigateway.CognitoUserPoolsAuthorizer(this, 'Authorizer', {
      cognitoUserPools: [props.userPool],
      identitySource: apigateway.IdentitySource.header('Authorization'),
    });
    const bodyValidator = api.addRequestValidator('BodyValidator', {
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    const paramsValidator = api.addRequestValidator('ParamsValidator', { validateRequestParameters: true });

    for (const route of props.routes) {
      const bodySchema = BODY_SCHEMAS[route.method];
      const method = api.root
        .resourceForPath(route.path)
        .addMethod(
          route.method,
          new apigateway.LambdaIntegration(props.functions.get(route.id) as lambda.IFunction),
          {
            operationName: route.id,
            ...(route.authorized
              ? { authorizer, authorizationType: apigateway.AuthorizationType.COGNITO }
              : { authorizationType: apigateway.AuthorizationType.NONE }),
            requestParameters: pathParameters(route.path),
            requestValidator: bodySchema ? bodyValidator : paramsValidator,
            ...(bodySchema
              ? { requestModels: { 'application/json': bodyModel(api, route, bodySchema) } }
              : {}),
          },
        );
      if (!route.authorized) {
        const reason = `${route.method} ${route.path} is the public liveness check: it returns a constant and reads no data.`;
        Validations.of(method).acknowledge(
          { id: 'AwsSolutions-APIG4', reason },
          { id: 'AwsSolutions-COG4', reason },
        );
      }
    }
    acknowledgePreflightMethods(api.root);
  }
}

/** A request model for a route's body, derived from the shared zod schema (draft 4, as API Gateway wants). */
function bodyModel(api: apigateway.RestApi, route: Route, schema: $ZodType): apigateway.Model {
  const jsonSchema = withoutSizeLimits(toJSONSchema(schema, { target: 'draft-04', io: 'input' }));
  return api.addModel(`${route.id}Body`, {
    contentType: 'application/json',
    modelName: `${route.id}Body`,
    // The two shapes line up: both are draft-4 JSON Schema documents.
    schema: jsonSchema as apigateway.JsonSchema,
  });
}

/** CORS preflight methods are unauthenticated by design: browsers send them without credentials. */
function acknowledgePreflightMethods(resource: apigateway.IResource): void {
  const preflight = resource.node.tryFindChild('OPTIONS');
  if (preflight) {
    const reason =
      'CORS preflight (OPTIONS) requests never carry credentials; the method returns only CORS headers.';
    Validations.of(preflight).acknowledge(
      { id: 'AwsSolutions-APIG4', reason },
      { id: 'AwsSolutions-COG4', reason },
    );
  }
  for (const child of resource.node.children) {
    if (child instanceof apigateway.Resource) acknowledgePreflightMethods(child);
  }
}

/** Path parameters of a resource path, each marked required (`{id}` → `method.request.path.id`). */
function pathParameters(path: string): Record<string, boolean> {
  const names = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
  return Object.fromEntries(names.map((name) => [`method.request.path.${name}`, true]));
}

/**
 * The gateway checks a body's shape (types, required fields, enums, unknown keys); sizes stay
 * with the handler. Otherwise a body over the API's 16 KB limit would get the gateway's 400
 * ("notes too long") instead of the API's 413, a title that only fits after trimming would be
 * refused before the handler trims it, and length errors would lose the field-level `details`
 * the web forms show.
 */
export function withoutSizeLimits<T>(schema: T): T {
  if (Array.isArray(schema)) return schema.map((item) => withoutSizeLimits(item)) as T;
  if (schema === null || typeof schema !== 'object') return schema;
  return Object.fromEntries(
    Object.entries(schema)
      .filter(([key]) => key !== 'maxLength' && key !== 'maxItems')
      .map(([key, value]) => [key, withoutSizeLimits(value)]),
  ) as T;
}
