/** The user pools the Cognito tests ensure. */
import type { UserPoolSpec } from '../../src/services/cognito/index.js';

/** A user pool shaped like the template's: e-mail sign-in, verified e-mail, strong policy, a public SPA client signing in with SRP. */
export const SPA_USER_POOL: UserPoolSpec = {
  logicalId: 'UserPool',
  passwordPolicy: {
    minimumLength: 8,
    requireLowercase: true,
    requireUppercase: true,
    requireNumbers: true,
    requireSymbols: true,
  },
  usernameAttributes: ['email'],
  aliasAttributes: [],
  autoVerifiedAttributes: ['email'],
  allowAdminCreateUserOnly: false,
  clients: [
    {
      logicalId: 'WebClient',
      explicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      generateSecret: false,
      preventUserExistenceErrors: true,
    },
  ],
};

/** The SPA pool whose client also allows USER_PASSWORD_AUTH, as scripts and tools sign in. */
export const PASSWORD_AUTH_POOL: UserPoolSpec = {
  ...SPA_USER_POOL,
  clients: SPA_USER_POOL.clients.map((client) => ({
    ...client,
    explicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', ...client.explicitAuthFlows],
  })),
};

/** `pool` signing in by user name, with the e-mail as an alias, under the logical id `AliasPool`. */
export function aliasPoolOf(pool: UserPoolSpec): UserPoolSpec {
  return { ...pool, logicalId: 'AliasPool', usernameAttributes: [], aliasAttributes: ['email'] };
}
