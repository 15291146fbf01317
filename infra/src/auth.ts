import { PASSWORD_POLICY } from '@tasktracker/api/contract';
import { Aws, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import type { Construct } from 'constructs';
import type { EmailConfig, StageConfig, ThreatProtectionMode } from './config/stages.js';
import { removalPolicyOf } from './removal.js';

/** The slice of stage config the auth stack uses. */
export type AuthSettings = Pick<StageConfig, 'threatProtection' | 'removalPolicy' | 'email'>;

export interface AuthStackProps extends StackProps {
  /** Threat protection, what happens to the pool when its stack goes, and how it sends e-mail. */
  readonly config: AuthSettings;
}

/** Cognito's e-mail settings: SES when configured, else Cognito's own low-quota sender. */
function userPoolEmail(email: EmailConfig | undefined): cognito.UserPoolEmail | undefined {
  if (!email) return undefined;
  return cognito.UserPoolEmail.withSES({
    fromEmail: email.from,
    ...(email.fromName === undefined ? {} : { fromName: email.fromName }),
    ...(email.replyTo === undefined ? {} : { replyTo: email.replyTo }),
    ...(email.sesVerifiedDomain === undefined ? {} : { sesVerifiedDomain: email.sesVerifiedDomain }),
    // The identity lives in the pool's region unless the config says otherwise.
    sesRegion: email.sesRegion ?? Aws.REGION,
  });
}

const THREAT_PROTECTION: Record<ThreatProtectionMode, cognito.StandardThreatProtectionMode | undefined> = {
  off: undefined,
  audit: cognito.StandardThreatProtectionMode.AUDIT_ONLY,
  enforced: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
};

/** The Cognito user pool users sign up to with their e-mail, and the SPA's public app client. */
export class AuthStack extends Stack {
  public readonly userPool: cognito.UserPool;
  /** The SPA's client: no secret, SRP sign-in (the password never leaves the browser). */
  public readonly userPoolClient: cognito.UserPoolClient;

  constructor(scope: Construct, id: string, props: AuthStackProps) {
    super(scope, id, props);
    const { config } = props;
    const threatProtection = THREAT_PROTECTION[config.threatProtection];
    const email = userPoolEmail(config.email);

    this.userPool = new cognito.UserPool(this, 'Users', {
      signInAliases: { email: true },
      signInCaseSensitive: false,
      selfSignUpEnabled: true,
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      // One policy for the pool and the sign-up form's hint.
      passwordPolicy: { ...PASSWORD_POLICY, tempPasswordValidity: Duration.days(3) },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      ...(email ? { email } : {}),
      featurePlan: threatProtection ? cognito.FeaturePlan.PLUS : cognito.FeaturePlan.ESSENTIALS,
      ...(threatProtection ? { standardThreatProtectionMode: threatProtection } : {}),
      removalPolicy: removalPolicyOf(config),
      deletionProtection: config.removalPolicy === 'retain',
    });

    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG2',
      reason:
        'MFA is not part of the product yet: the SPA sign-in has no second-factor step. Strong passwords, verified e-mail and threat protection apply.',
    });

    this.userPoolClient = this.userPool.addClient('WebClient', {
      generateSecret: false,
      authFlows: { userSrp: true },
      preventUserExistenceErrors: true,
      // The SPA signs in through the Cognito API (SRP/password), never the hosted UI: without this
      // CDK enables the code and implicit OAuth grants with an https://example.com callback.
      disableOAuth: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
      enableTokenRevocation: true,
    });
  }
}
