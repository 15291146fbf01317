/**
 * Builds the local Cognito's `UserPoolSpec`s from the template's `AWS::Cognito::UserPool` and
 * `AWS::Cognito::UserPoolClient` resources (resolved), so the password policy, sign-in aliases
 * and app clients are the ones that deploy.
 */
import { type AssemblyResource, resourcesOf } from './assembly/index.js';
import type { PhysicalIds } from './intrinsics/physical-ids.js';
import type { TokenValidityUnit, UserPoolClientSpec, UserPoolSpec } from './services/cognito/index.js';

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
    allowAdminCreateUserOnly: flag(
      (get('AdminCreateUserConfig') as Record<string, unknown> | undefined)?.AllowAdminCreateUserOnly,
      false,
    ),
    clients: clients.map((client) => clientSpec(ids, client)),
  };
}

function clientSpec(ids: PhysicalIds, client: AssemblyResource): UserPoolClientSpec {
  const get = (property: string) => ids.resolve(client, property);
  const units = (get('TokenValidityUnits') ?? {}) as Record<string, string | undefined>;
  const unit = (value: string | undefined) => value as TokenValidityUnit | undefined;
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
      ...(units.IdToken ? { idToken: unit(units.IdToken) } : {}),
      ...(units.AccessToken ? { accessToken: unit(units.AccessToken) } : {}),
      ...(units.RefreshToken ? { refreshToken: unit(units.RefreshToken) } : {}),
    },
    preventUserExistenceErrors: get('PreventUserExistenceErrors') === 'ENABLED',
  };
}

function flag(value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  return value === true || value === 'true';
}
