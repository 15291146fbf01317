/**
 * Test users: fresh credentials, and the shortcuts a test takes when signing up through the UI
 * is not what it tests (sign-up and tokens through the Cognito API, as a script would).
 */
import { randomUUID } from 'node:crypto';
import {
  CognitoIdentityProviderClient,
  ConfirmSignUpCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { signInWithSrp } from '@tasktracker/local/srp-sign-in';
import type { CloudUnderTest } from './cloud.js';

export interface TestUser {
  readonly email: string;
  readonly password: string;
}

/**
 * A user nobody has signed up yet, with a password that meets the pool's strong policy.
 * `name` starts the address; a long one with no hyphen or space cannot wrap, as some real ones cannot.
 */
export function newTestUser(name = 'e2e'): TestUser {
  const id = randomUUID().slice(0, 8);
  return { email: `${name}_${id}@example.com`, password: `Tr4cker!${id}Aa` };
}

/** The newest confirmation code the local Cognito issued for `email`; fails in one line if none. */
export function confirmationCodeFor(cloud: CloudUnderTest, email: string): string {
  const wanted = email.toLowerCase();
  const record = cloud
    .confirmationCodes()
    .filter((c) => c.username.toLowerCase() === wanted)
    .at(-1);
  if (!record) throw new Error(`no confirmation code was issued for ${email}`);
  return record.code;
}

function cognitoClient(cloud: CloudUnderTest): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient({
    endpoint: cloud.urls.cognito,
    region: cloud.userPool.region,
    // The calls below are unauthenticated; fixed credentials stop the SDK from probing for real ones.
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

/** Signs a user up through the Cognito API; the local Cognito "emails" the confirmation code. */
export async function signUpUnconfirmed(cloud: CloudUnderTest, user: TestUser): Promise<void> {
  const client = cognitoClient(cloud);
  try {
    await client.send(
      new SignUpCommand({
        ClientId: cloud.userPool.clientId,
        Username: user.email,
        Password: user.password,
        UserAttributes: [{ Name: 'email', Value: user.email }],
      }),
    );
  } finally {
    client.destroy();
  }
}

/** Signs a user up and confirms them with the code the local Cognito issued. */
export async function signUpConfirmed(cloud: CloudUnderTest, user: TestUser): Promise<void> {
  await signUpUnconfirmed(cloud, user);
  const client = cognitoClient(cloud);
  try {
    const code = confirmationCodeFor(cloud, user.email);
    await client.send(
      new ConfirmSignUpCommand({
        ClientId: cloud.userPool.clientId,
        Username: user.email,
        ConfirmationCode: code,
      }),
    );
  } finally {
    client.destroy();
  }
}

/** The user's ID token, as the SPA would send it to the API (signed in with SRP, like the SPA). */
export async function idTokenFor(cloud: CloudUnderTest, user: TestUser): Promise<string> {
  const client = cognitoClient(cloud);
  try {
    const out = await signInWithSrp(client, {
      userPoolId: cloud.userPool.id,
      clientId: cloud.userPool.clientId,
      username: user.email,
      password: user.password,
    });
    if (!out.IdToken) throw new Error(`sign-in of ${user.email} returned no ID token`);
    return out.IdToken;
  } finally {
    client.destroy();
  }
}
