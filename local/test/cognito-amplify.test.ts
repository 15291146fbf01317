import { InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { Amplify } from 'aws-amplify';
import { confirmSignUp, fetchAuthSession, getCurrentUser, signIn, signOut, signUp } from 'aws-amplify/auth';
import { cognitoUserPoolsTokenProvider } from 'aws-amplify/auth/cognito';
import type { KeyValueStorageInterface } from 'aws-amplify/utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localCognitoClient } from '../src/services/cognito/client.js';
import { LocalCognito } from '../src/services/cognito/index.js';
import { SPA_USER_POOL } from './support/cognito-pool.js';

/** Amplify's token storage, readable by the test so it can try the refresh token after sign-out. */
class InspectableStorage implements KeyValueStorageInterface {
  readonly items = new Map<string, string>();
  async setItem(key: string, value: string) {
    this.items.set(key, value);
  }
  async getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  async removeItem(key: string) {
    this.items.delete(key);
  }
  async clear() {
    this.items.clear();
  }
  refreshToken(): string | undefined {
    return [...this.items].find(([key]) => key.endsWith('.refreshToken'))?.[1];
  }
}

const REGION = 'eu-west-1';
const EMAIL = 'grace@example.com';
const PASSWORD = 'Passw0rd!';
const cognito = new LocalCognito({ port: 0, region: REGION });
const storage = new InspectableStorage();
let clientId = '';

beforeAll(async () => {
  await cognito.start();
  const pool = await cognito.ensureUserPool(SPA_USER_POOL);
  clientId = pool.clientIds.WebClient ?? '';
  Amplify.configure({
    Auth: {
      Cognito: { userPoolId: pool.userPoolId, userPoolClientId: clientId, userPoolEndpoint: cognito.url },
    },
  });
  cognitoUserPoolsTokenProvider.setKeyValueStorage(storage);
});

afterAll(async () => {
  await cognito.stop();
});

describe('Amplify v6 against the local Cognito', () => {
  it('signs up, confirms, signs in with its default flow (SRP), refreshes and signs out', async () => {
    const signedUp = await signUp({
      username: EMAIL,
      password: PASSWORD,
      options: { userAttributes: { email: EMAIL } },
    });
    expect(signedUp.nextStep.signUpStep).toBe('CONFIRM_SIGN_UP');
    const code = cognito.confirmationCodes().at(-1)?.code ?? '';
    expect((await confirmSignUp({ username: EMAIL, confirmationCode: code })).isSignUpComplete).toBe(true);

    const signedIn = await signIn({ username: EMAIL, password: PASSWORD });
    expect(signedIn.isSignedIn).toBe(true);
    expect((await getCurrentUser()).userId).toBe(signedUp.userId);
    const session = await fetchAuthSession();
    expect(session.tokens?.idToken?.payload.email).toBe(EMAIL);

    const refreshed = await fetchAuthSession({ forceRefresh: true });
    expect(refreshed.tokens?.idToken?.payload.jti).not.toBe(session.tokens?.idToken?.payload.jti);

    const refreshToken = storage.refreshToken();
    expect(refreshToken).toBeTruthy();
    await signOut();
    expect((await fetchAuthSession()).tokens).toBeUndefined();
    // Amplify's sign-out revokes the refresh token, so a copy of it is useless.
    const sdk = localCognitoClient(cognito.url, REGION);
    await expect(
      sdk.send(
        new InitiateAuthCommand({
          ClientId: clientId,
          AuthFlow: 'REFRESH_TOKEN_AUTH',
          AuthParameters: { REFRESH_TOKEN: refreshToken ?? '' },
        }),
      ),
    ).rejects.toMatchObject({ name: 'NotAuthorizedException', message: 'Refresh Token has been revoked' });
    sdk.destroy();
  });

  it('surfaces a wrong password as NotAuthorizedException', async () => {
    await expect(signIn({ username: EMAIL, password: 'Wrong-pass-1' })).rejects.toMatchObject({
      name: 'NotAuthorizedException',
      message: 'Incorrect username or password.',
    });
  });

  it('surfaces an unknown user exactly like a wrong password', async () => {
    await expect(signIn({ username: 'nobody@example.com', password: PASSWORD })).rejects.toMatchObject({
      name: 'NotAuthorizedException',
      message: 'Incorrect username or password.',
    });
  });

  it('sends an unconfirmed user with the right password to the confirmation step', async () => {
    await signUp({ username: 'later@example.com', password: PASSWORD });

    const attempt = await signIn({ username: 'later@example.com', password: PASSWORD });

    expect(attempt).toMatchObject({ isSignedIn: false, nextStep: { signInStep: 'CONFIRM_SIGN_UP' } });
  });

  it('refuses USER_PASSWORD_AUTH, which the SPA client does not enable', async () => {
    await expect(
      signIn({ username: EMAIL, password: PASSWORD, options: { authFlowType: 'USER_PASSWORD_AUTH' } }),
    ).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: expect.stringMatching(/^USER_PASSWORD_AUTH flow not enabled for this client/),
    });
  });
});
