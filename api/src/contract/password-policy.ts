/**
 * The user pool's password policy, in the shape of CDK's `PasswordPolicy`: the Cognito user pool
 * enforces it and the sign-up form explains it, so the two cannot drift apart.
 */
export interface PasswordPolicy {
  readonly minLength: number;
  readonly requireLowercase: boolean;
  readonly requireUppercase: boolean;
  readonly requireDigits: boolean;
  readonly requireSymbols: boolean;
}

/** The task tracker's password policy (Cognito's strong policy). */
export const PASSWORD_POLICY: PasswordPolicy = {
  minLength: 8,
  requireLowercase: true,
  requireUppercase: true,
  requireDigits: true,
  requireSymbols: true,
};
