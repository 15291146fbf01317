/**
 * Builds the local Cognito's `UserPoolSpec`s from the template's `AWS::Cognito::UserPool` and
 * `AWS::Cognito::UserPoolClient` resources (resolved), so the password policy, sign-in aliases
 * and app clients are the ones that deploy.
 */
import { type AssemblyResource, resourcesOf } from './assembly/index.js';
import type { PhysicalIds } from './intrinsics/physical-ids.js';
import {
  STANDARD_ATTRIBUTES,
  type TokenValidityUnit,
  UNIT_SECONDS,
  type UserPoolClientSpec,
  type UserPoolSpec,
} from './services/cognito/index.js';

/** A pool resource with its spec; clients are matched to pools by their resolved `UserPoolId`. */
export interface UserPoolResource {
  readonly resource: AssemblyResource;
  readonly spec: UserPoolSpec;
  readonly clientResources: readonly AssemblyResource[];
}

export function readUserPools(ids: PhysicalIds): UserPoolResource[] {
  const clients = resourcesOf(ids.source, 'AWS::Cognito::UserPoolClient');
  return resourcesOf(ids.source, 'AWS::Cognito::UserPool').map((pool) => {
    const placeholderId = ids.ref(pool.stack, pool.logicalId);
    const mine = clients.filter((client) => ids.resolve(client, 'UserPoolId') === placeholderId);
    return { resource: pool, spec: poolSpec(ids, pool, mine), clientResources: mine };
  });
}

function poolSpec(ids: PhysicalIds, pool: AssemblyResource, clients: AssemblyResource[]): UserPoolSpec {
  const get = (property: string) => ids.resolve(pool, property);
  const policy = ((get('Policies') as { PasswordPolicy?: Record<string, unknown> } | undefined)
    ?.PasswordPolicy ?? {}) as Record<string, unknown>;
  const strings = (value: unknown) => (Array.isArray(value) ? value.map(String) : []);
  const poolName = get('UserPoolName');
  return {
    logicalId: pool.logicalId,
    ...(poolName === undefined ? {} : { poolName: String(poolName) }),
    // Cognito's defaults when the template leaves the policy out.
    passwordPolicy: {
      minimumLength: Number(policy.MinimumLength ?? 8),
      requireLowercase: flag(policy.RequireLowercase, true),
      requireUppercase: flag(policy.RequireUppercase, true),
      requireNumbers: flag(policy.RequireNumbers, true),
      requireSymbols: flag(policy.RequireSymbols, true),
    },
    usernameAttributes: strings(get('UsernameAttributes')),
    aliasAttributes: strings(get('AliasAttributes')),
    autoVerifiedAttributes: strings(get('AutoVerifiedAttributes')),
    customAttributes: customAttributes(get('Schema')),
    allowAdminCreateUserOnly: flag(
      (get('AdminCreateUserConfig') as Record<string, unknown> | undefined)?.AllowAdminCreateUserOnly,
      false,
    ),
    clients: clients.map((client) => clientSpec(ids, client)),
  };
}

function clientSpec(ids: PhysicalIds, client: AssemblyResource): UserPoolClientSpec {
  const get = (property: string) => ids.resolve(client, property);
  const units = (get('TokenValidityUnits') ?? {}) as Record<string, unknown>;
  const unit = (key: string): TokenValidityUnit | undefined => {
    const value = Object.hasOwn(units, key) ? units[key] : undefined;
    if (value === undefined) return undefined;
    if (typeof value === 'string' && UNIT_SECONDS.has(value)) return value as TokenValidityUnit;
    throw new Error(
      `${client.logicalId}: TokenValidityUnits.${key} must be one of ${[...UNIT_SECONDS.keys()].join(', ')}, got ${JSON.stringify(value)}.`,
    );
  };
  const optional = (name: string, value: unknown) => (value === undefined ? {} : { [name]: Number(value) });
  const clientName = get('ClientName');
  return {
    logicalId: client.logicalId,
    ...(clientName === undefined ? {} : { clientName: String(clientName) }),
    explicitAuthFlows: Array.isArray(get('ExplicitAuthFlows'))
      ? (get('ExplicitAuthFlows') as unknown[]).map(String)
      : [],
    generateSecret: flag(get('GenerateSecret'), false),
    ...optional('idTokenValidity', get('IdTokenValidity')),
    ...optional('accessTokenValidity', get('AccessTokenValidity')),
    ...optional('refreshTokenValidity', get('RefreshTokenValidity')),
    tokenValidityUnits: {
      idToken: unit('IdToken'),
      accessToken: unit('AccessToken'),
      refreshToken: unit('RefreshToken'),
    },
    preventUserExistenceErrors: get('PreventUserExistenceErrors') === 'ENABLED',
    ...optional('authSessionValidity', get('AuthSessionValidity')),
  };
}

/** Schema entries that are not standard attributes: the pool's custom ones, used as `custom:<name>`. */
function customAttributes(schema: unknown): string[] {
  if (!Array.isArray(schema)) return [];
  return schema
    .map((entry) => (entry as { Name?: unknown } | null)?.Name)
    .filter((name): name is string => typeof name === 'string' && !STANDARD_ATTRIBUTES.has(name));
}

function flag(value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  return value === true || value === 'true';
}
