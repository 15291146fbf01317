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
