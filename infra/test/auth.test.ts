import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { AuthStack } from '../src/auth.js';
import { STAGES, type StageConfig } from '../src/config/stages.js';
import { devStack } from './support/assembly.js';
import { testApp } from './support/synth.js';

const { template } = await devStack('Auth');

describe('auth stack', () => {
  it('lets users sign up with their e-mail, verified automatically', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      UsernameAttributes: ['email'],
      AutoVerifiedAttributes: ['email'],
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: false },
      AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
    });
  });

  it('requires strong passwords (8+ with upper, lower, digit and symbol)', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      Policies: {
        PasswordPolicy: {
          MinimumLength: 8,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        },
      },
    });
  });

  it('runs threat protection in audit mode in dev and enforced in prod', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'AUDIT' },
    });
    const prod = Template.fromStack(new AuthStack(testApp(), 'Auth', { config: STAGES.prod as StageConfig }));
    prod.hasResourceProperties('AWS::Cognito::UserPool', {
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
    });
    const pool = Object.values(prod.findResources('AWS::Cognito::UserPool'))[0];
    expect(pool?.DeletionPolicy).toBe('Retain');
    expect(pool?.Properties.DeletionProtection).toBe('ACTIVE');
    template.hasResourceProperties('AWS::Cognito::UserPool', { DeletionProtection: 'INACTIVE' });
  });

  it("sends e-mail through SES from the configured identity in prod, Cognito's low-quota sender in dev", () => {
    const prodConfig = STAGES.prod as StageConfig;
    const prod = Template.fromStack(new AuthStack(testApp(), 'Auth', { config: prodConfig }));
    prod.hasResourceProperties('AWS::Cognito::UserPool', {
      EmailConfiguration: {
        EmailSendingAccount: 'DEVELOPER',
        From: `${prodConfig.email?.fromName} <${prodConfig.email?.from}>`,
        SourceArn: {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':ses:',
              { Ref: 'AWS::Region' },
              ':',
              { Ref: 'AWS::AccountId' },
              `:identity/${prodConfig.email?.from}`,
            ],
          ],
        },
      },
    });
    const devPool = Object.values(template.findResources('AWS::Cognito::UserPool'))[0];
    expect(devPool?.Properties.EmailConfiguration?.EmailSendingAccount ?? 'COGNITO_DEFAULT').toBe(
      'COGNITO_DEFAULT',
    );
  });

  it('gives the SPA a public client with SRP sign-in only and no user-existence leaks', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      PreventUserExistenceErrors: 'ENABLED',
      IdTokenValidity: 60,
      AccessTokenValidity: 60,
      RefreshTokenValidity: 43200,
    });
  });

  it('enables no OAuth grant (no implicit flow, no placeholder callback URL)', () => {
    const client = Object.values(template.findResources('AWS::Cognito::UserPoolClient'))[0];
    expect(client?.Properties).toBeDefined();
    for (const key of ['AllowedOAuthFlows', 'AllowedOAuthScopes', 'CallbackURLs']) {
      expect(client?.Properties[key]).toBeUndefined();
    }
    expect(client?.Properties.AllowedOAuthFlowsUserPoolClient).not.toBe(true);
  });
});
