/** A user pool and its app clients as the cloud assembly declares them. */
import type { PasswordPolicy } from './password.js';

export type TokenValidityUnit = 'seconds' | 'minutes' | 'hours' | 'days';

/** An `AWS::Cognito::UserPoolClient`, reduced to what sign-in needs. */
export interface UserPoolClientSpec {
  /** The client's logical id; its client id stays the same across runs with the same data folder. */
  logicalId: string;
  clientName?: string;
  /** `ExplicitAuthFlows`, e.g. `ALLOW_USER_PASSWORD_AUTH`, `ALLOW_REFRESH_TOKEN_AUTH`. */
  explicitAuthFlows: string[];
  generateSecret: boolean;
  /** In `tokenValidityUnits.idToken` (default hours); Cognito's default is 60 minutes. */
  idTokenValidity?: number;
  /** In `tokenValidityUnits.accessToken` (default hours); Cognito's default is 60 minutes. */
  accessTokenValidity?: number;
  /** In `tokenValidityUnits.refreshToken` (default days); Cognito's default is 30 days. */
  refreshTokenValidity?: number;
  tokenValidityUnits?: {
    idToken?: TokenValidityUnit;
    accessToken?: TokenValidityUnit;
    refreshToken?: TokenValidityUnit;
  };
  /** `PreventUserExistenceErrors: ENABLED`: unknown users look like wrong passwords. */
  preventUserExistenceErrors?: boolean;
  /** `AuthSessionValidity`, in minutes: how long a sign-in challenge can be answered. Cognito's default is 3. */
  authSessionValidity?: number;
}

/** An `AWS::Cognito::UserPool`, reduced to what sign-up and sign-in need. */
export interface UserPoolSpec {
  /** The pool's logical id; its pool id stays the same across runs with the same data folder. */
  logicalId: string;
  poolName?: string;
  passwordPolicy: PasswordPolicy;
  /** `UsernameAttributes`, e.g. `['email']`: users sign up and in with their e-mail. */
  usernameAttributes: string[];
  /** `AliasAttributes`, e.g. `['email']`: users may also sign in with a verified e-mail. */
  aliasAttributes: string[];
  /** `AutoVerifiedAttributes`, e.g. `['email']`: sign-up sends (here: logs) a confirmation code. */
  autoVerifiedAttributes: string[];
  /** `AdminCreateUserConfig.AllowAdminCreateUserOnly`: self sign-up is refused. */
  allowAdminCreateUserOnly: boolean;
  /** Custom attributes of the `Schema`, without their `custom:` prefix. @default none */
  customAttributes?: string[];
  clients: UserPoolClientSpec[];
}

/** The attributes every user pool has, whether or not its `Schema` lists them. */
export const STANDARD_ATTRIBUTES: ReadonlySet<string> = new Set([
  'address',
  'birthdate',
  'email',
  'email_verified',
  'family_name',
  'gender',
  'given_name',
  'locale',
  'middle_name',
  'name',
  'nickname',
  'phone_number',
  'phone_number_verified',
  'picture',
  'preferred_username',
  'profile',
  'sub',
  'updated_at',
  'website',
  'zoneinfo',
]);

/** Seconds per unit, and the only units there are. */
export const UNIT_SECONDS: ReadonlyMap<string, number> = new Map([
  ['seconds', 1],
  ['minutes', 60],
  ['hours', 3600],
  ['days', 86400],
]);

function secondsPer(unit: TokenValidityUnit): number {
  const seconds = UNIT_SECONDS.get(unit);
  if (seconds === undefined) throw new Error(`Unknown token validity unit ${unit}.`);
  return seconds;
}

/** Token lifetimes of a client, in seconds, with Cognito's defaults and default units. */
export function tokenLifetimes(client: UserPoolClientSpec): { id: number; access: number; refresh: number } {
  const units = client.tokenValidityUnits ?? {};
  const seconds = (value: number | undefined, unit: TokenValidityUnit | undefined, fallback: number) =>
    value === undefined ? fallback : value * secondsPer(unit ?? 'hours');
  return {
    id: seconds(client.idTokenValidity, units.idToken, 3600),
    access: seconds(client.accessTokenValidity, units.accessToken, 3600),
    refresh:
      client.refreshTokenValidity === undefined
        ? 30 * 86400
        : client.refreshTokenValidity * secondsPer(units.refreshToken ?? 'days'),
  };
}
