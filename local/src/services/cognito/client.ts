/**
 * The client side of the local Cognito, as a person or script uses it through the AWS SDK: sign up
 * with the e-mail as an attribute, then confirm with the code the local Cognito shows (it sends no
 * mail). The game day's caller and the tests' users are made this way.
 */
import {
  CognitoIdentityProviderClient,
  ConfirmSignUpCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { CodeRecord } from './state.js';

/**
 * An SDK client of the local Cognito at `endpoint`. One attempt: the SDK retries what it counts as
 * throttling (LimitExceededException), and a retry would hide what the service answered.
 */
export function localCognitoClient(endpoint: string, region: string): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient({
    endpoint,
    region,
    // The calls are unauthenticated; fixed credentials stop the SDK from probing for real ones.
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
}

/** The SignUp of `username` through a client, `email` its e-mail attribute (an e-mail pool's user name by default). */
export function signUpWithEmail(
  clientId: string,
  username: string,
  password: string,
  email = username,
): SignUpCommand {
  return new SignUpCommand({
    ClientId: clientId,
    Username: username,
    Password: password,
    UserAttributes: [{ Name: 'email', Value: email }],
  });
}

/** Signs `email` up in an e-mail pool and confirms it with the code the local Cognito shows for it. */
export async function signUpAndConfirm(
  client: CognitoIdentityProviderClient,
  cognito: { confirmationCodes(): ReadonlyArray<CodeRecord> },
  user: { readonly clientId: string; readonly email: string; readonly password: string },
): Promise<void> {
  const { clientId, email, password } = user;
  await client.send(signUpWithEmail(clientId, email, password));
  const code = cognito.confirmationCodes().find((c) => c.username === email)?.code;
  if (code === undefined) throw new Error(`The local Cognito shows no code for ${email}.`);
  await client.send(
    new ConfirmSignUpCommand({ ClientId: clientId, Username: email, ConfirmationCode: code }),
  );
}
