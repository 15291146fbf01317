/**
 * Sign-in with `USER_SRP_AUTH` through the AWS SDK, the client side computed by cognito-srp-helper:
 * an SRP client written apart from the local Cognito, so a shared mistake cannot make both agree.
 */
import {
  type AuthenticationResultType,
  type CognitoIdentityProviderClient,
  InitiateAuthCommand,
  type InitiateAuthCommandOutput,
  RespondToAuthChallengeCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { createSrpSession, signSrpSession, wrapAuthChallenge, wrapInitiateAuth } from 'cognito-srp-helper';

export interface SrpSignIn {
  readonly userPoolId: string;
  readonly clientId: string;
  /** What the person types: their e-mail in an e-mail pool. */
  readonly username: string;
  readonly password: string;
  /**
   * The claim's TIMESTAMP, signed as given, to try formats Cognito refuses.
   * @default now, as `EEE MMM d HH:mm:ss UTC yyyy`
   */
  readonly timestamp?: string;
  /**
   * Changes the signed claim before it is sent, to try what Cognito refuses.
   * @default the claim as signed
   */
  readonly tamper?: (responses: Record<string, string>) => Record<string, string>;
}

/**
 * A claim TIMESTAMP for any instant, written the way cognito-srp-helper writes the current one
 * (`EEE MMM d HH:mm:ss UTC yyyy`): for a service whose clock a test has moved.
 */
export function claimTimestamp(epochMs: number): string {
  const date = new Date(epochMs);
  const part = (options: Intl.DateTimeFormatOptions) =>
    date.toLocaleString('en-US', { timeZone: 'UTC', ...options });
  const time = part({ hour: '2-digit', hourCycle: 'h23', minute: '2-digit', second: '2-digit' });
  return `${part({ weekday: 'short' })} ${part({ month: 'short' })} ${part({ day: 'numeric' })} ${time} UTC ${date.getUTCFullYear()}`;
}

/** The PASSWORD_VERIFIER challenge for a user, as InitiateAuth answers it. */
export async function initiateSrp(
  client: CognitoIdentityProviderClient,
  input: SrpSignIn,
): Promise<{ challenge: InitiateAuthCommandOutput; session: ReturnType<typeof createSrpSession> }> {
  const session = createSrpSession(input.username, input.password, input.userPoolId, false);
  const challenge = await client.send(
    new InitiateAuthCommand(
      wrapInitiateAuth(session, {
        ClientId: input.clientId,
        AuthFlow: 'USER_SRP_AUTH',
        AuthParameters: { USERNAME: input.username },
      }),
    ),
  );
  return { challenge, session };
}

/** Signs in with SRP and returns the tokens; the service's errors (NotAuthorizedException, …) are thrown. */
export async function signInWithSrp(
  client: CognitoIdentityProviderClient,
  input: SrpSignIn,
): Promise<AuthenticationResultType> {
  const { challenge, session } = await initiateSrp(client, input);
  const signed = signSrpSession(
    { ...session, timestamp: input.timestamp ?? session.timestamp },
    {
      ...challenge,
      ChallengeName: 'PASSWORD_VERIFIER',
    },
  );
  const { ChallengeResponses: responses = {} } = wrapAuthChallenge(signed, {
    ClientId: input.clientId,
    ChallengeName: 'PASSWORD_VERIFIER',
    ChallengeResponses: { USERNAME: input.username },
  });
  const answer = await client.send(
    new RespondToAuthChallengeCommand({
      ClientId: input.clientId,
      ChallengeName: 'PASSWORD_VERIFIER',
      ChallengeResponses: input.tamper ? input.tamper(responses) : responses,
    }),
  );
  if (!answer.AuthenticationResult) {
    throw new Error(`SRP sign-in of ${input.username} ended in the challenge ${answer.ChallengeName}`);
  }
  return answer.AuthenticationResult;
}
