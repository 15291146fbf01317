/**
 * USER_SRP_AUTH against the local Cognito through the AWS SDK, with the client side computed by
 * cognito-srp-helper (written apart from the service), checked against what Cognito answers.
 */
import {
  AdminConfirmSignUpCommand,
  ChangePasswordCommand,
  type CognitoIdentityProviderClient,
  InitiateAuthCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localCognitoClient, signUpWithEmail } from '../src/services/cognito/client.js';
import { LocalCognito, type UserPoolSpec } from '../src/services/cognito/index.js';
import { initiateSrp, type SrpSignIn, signInWithSrp } from '../src/services/cognito/srp-client.js';
import { aliasPoolOf, SPA_USER_POOL } from './support/cognito-pool.js';

const REGION = 'eu-west-1';
const PASSWORD = 'Correct-horse-9';
const INCORRECT = { name: 'NotAuthorizedException', message: 'Incorrect username or password.' };

/** The template's pool and SPA client, plus clients for the other settings SRP depends on. */
const POOL: UserPoolSpec = {
  ...SPA_USER_POOL,
  clients: [
    ...SPA_USER_POOL.clients,
    {
      logicalId: 'RevealingClient',
      explicitAuthFlows: ['ALLOW_USER_SRP_AUTH'],
      generateSecret: false,
      preventUserExistenceErrors: false,
    },
    {
      logicalId: 'PasswordOnlyClient',
      explicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      generateSecret: false,
      preventUserExistenceErrors: true,
    },
  ],
};

const cognito = new LocalCognito({ port: 0, region: REGION });
let sdk: CognitoIdentityProviderClient;
let userPoolId = '';
let clientIds: Record<string, string> = {};
let counter = 0;

beforeAll(async () => {
  await cognito.start();
  const pool = await cognito.ensureUserPool(POOL);
  userPoolId = pool.userPoolId;
  clientIds = pool.clientIds;
  sdk = localCognitoClient(cognito.url, REGION);
});

afterAll(async () => {
  sdk.destroy();
  await cognito.stop();
});

function web(username: string, password = PASSWORD): SrpSignIn {
  return { userPoolId, clientId: clientIds.WebClient ?? '', username, password };
}

/** A signed-up user, confirmed unless asked otherwise; returns the e-mail and the pool's user name (the sub). */
async function newUser(confirmed = true): Promise<{ email: string; sub: string }> {
  counter += 1;
  const email = `srp${counter}@example.com`;
  const { UserSub = '' } = await sdk.send(
    new SignUpCommand({ ClientId: clientIds.WebClient, Username: email, Password: PASSWORD }),
  );
  if (confirmed) await sdk.send(new AdminConfirmSignUpCommand({ UserPoolId: userPoolId, Username: email }));
  return { email, sub: UserSub };
}

describe('USER_SRP_AUTH through the AWS SDK', () => {
  it('answers a PASSWORD_VERIFIER challenge naming the internal user name, then issues tokens', async () => {
    // Arrange
    const { email, sub } = await newUser();

    // Act
    const { challenge } = await initiateSrp(sdk, web(email));
    const result = await signInWithSrp(sdk, web(email));

    // Assert
    expect(challenge.ChallengeName).toBe('PASSWORD_VERIFIER');
    expect(challenge.Session).toBeUndefined();
    expect(challenge.ChallengeParameters).toEqual({
      SALT: expect.stringMatching(/^[0-9a-f]+$/),
      SRP_B: expect.stringMatching(/^[0-9a-f]+$/),
      SECRET_BLOCK: expect.stringMatching(/^[A-Za-z0-9+/]+=*$/),
      USERNAME: sub,
      USER_ID_FOR_SRP: sub,
    });
    const verifier = CognitoJwtVerifier.create({
      userPoolId,
      tokenUse: 'id',
      clientId: clientIds.WebClient ?? '',
    });
    verifier.cacheJwks(cognito.jwks(userPoolId) as Parameters<typeof verifier.cacheJwks>[0]);
    await expect(verifier.verify(result.IdToken ?? '')).resolves.toMatchObject({ sub, email });
    expect(result.RefreshToken).toEqual(expect.any(String));
  });

  it('refuses a wrong password with NotAuthorizedException', async () => {
    const { email } = await newUser();

    await expect(signInWithSrp(sdk, web(email, 'Wrong-horse-9'))).rejects.toMatchObject(INCORRECT);
  });

  it('gives an unknown user a simulated challenge, the same each time, then NotAuthorizedException', async () => {
    const first = await initiateSrp(sdk, web('nobody@example.com'));
    const second = await initiateSrp(sdk, web('Nobody@Example.com'));

    expect(first.challenge.ChallengeName).toBe('PASSWORD_VERIFIER');
    const id = first.challenge.ChallengeParameters?.USER_ID_FOR_SRP;
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(second.challenge.ChallengeParameters).toMatchObject({
      USER_ID_FOR_SRP: id,
      SALT: first.challenge.ChallengeParameters?.SALT,
    });
    await expect(signInWithSrp(sdk, web('nobody@example.com'))).rejects.toMatchObject(INCORRECT);
  });

  it('names an unknown user at the first step when the client reveals user existence', async () => {
    await expect(
      initiateSrp(sdk, { ...web('nobody@example.com'), clientId: clientIds.RevealingClient ?? '' }),
    ).rejects.toMatchObject({ name: 'UserNotFoundException', message: 'User does not exist.' });
  });

  it('tells an unconfirmed user with the right password to confirm', async () => {
    const { email } = await newUser(false);

    await expect(signInWithSrp(sdk, web(email))).rejects.toMatchObject({
      name: 'UserNotConfirmedException',
      message: 'User is not confirmed.',
    });
  });

  it.each([
    [
      'a signature from another key',
      (r: Record<string, string>) => ({ ...r, PASSWORD_CLAIM_SIGNATURE: 'AAAA' }),
    ],
    [
      'a secret block it never issued',
      (r: Record<string, string>) => ({ ...r, PASSWORD_CLAIM_SECRET_BLOCK: 'c2VjcmV0' }),
    ],
    ['another user name', (r: Record<string, string>) => ({ ...r, USERNAME: 'srp1@example.com' })],
  ])('refuses a claim with %s', async (_case, tamper) => {
    const { email } = await newUser();

    await expect(signInWithSrp(sdk, { ...web(email), tamper })).rejects.toMatchObject(INCORRECT);
  });

  it('accepts each challenge once', async () => {
    const { email } = await newUser();
    let replay: Record<string, string> = {};
    await signInWithSrp(sdk, {
      ...web(email),
      tamper: (responses) => {
        replay = responses;
        return responses;
      },
    });

    await expect(
      signInWithSrp(sdk, {
        ...web(email),
        tamper: () => replay,
      }),
    ).rejects.toMatchObject(INCORRECT);
  });

  it('refuses missing SRP_A and an SRP_A that is a multiple of N', async () => {
    const { email } = await newUser();
    const initiate = (SRP_A: string | undefined) =>
      sdk.send(
        new InitiateAuthCommand({
          ClientId: clientIds.WebClient,
          AuthFlow: 'USER_SRP_AUTH',
          AuthParameters: { USERNAME: email, ...(SRP_A === undefined ? {} : { SRP_A }) },
        }),
      );

    await expect(initiate(undefined)).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: 'Missing required parameter SRP_A',
    });
    await expect(initiate('0')).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await expect(initiate('not hex')).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });

  it('refuses SRP on a client whose auth flows leave it out', async () => {
    const { email } = await newUser();

    await expect(
      signInWithSrp(sdk, { ...web(email), clientId: clientIds.PasswordOnlyClient ?? '' }),
    ).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: expect.stringMatching(/^USER_SRP_AUTH flow not enabled for this client/),
    });
  });

  it('keeps USER_PASSWORD_AUTH where the client enables it, and refuses it where it does not', async () => {
    const { email } = await newUser();
    const passwordAuth = (ClientId: string | undefined) =>
      sdk.send(
        new InitiateAuthCommand({
          ClientId,
          AuthFlow: 'USER_PASSWORD_AUTH',
          AuthParameters: { USERNAME: email, PASSWORD },
        }),
      );

    await expect(passwordAuth(clientIds.PasswordOnlyClient)).resolves.toMatchObject({
      AuthenticationResult: { TokenType: 'Bearer' },
    });
    await expect(passwordAuth(clientIds.WebClient)).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: expect.stringMatching(/^USER_PASSWORD_AUTH flow not enabled for this client/),
    });
  });

  it('signs in with the new password after a password change, and not with the old one', async () => {
    const { email } = await newUser();
    const { AccessToken } = await signInWithSrp(sdk, web(email));
    await sdk.send(
      new ChangePasswordCommand({
        AccessToken,
        PreviousPassword: PASSWORD,
        ProposedPassword: 'New-horse-10',
      }),
    );

    await expect(signInWithSrp(sdk, web(email))).rejects.toMatchObject(INCORRECT);
    await expect(signInWithSrp(sdk, web(email, 'New-horse-10'))).resolves.toHaveProperty('IdToken');
  });

  it('hashes the password with the user name in a pool that signs in by user name or e-mail alias', async () => {
    const alias = await cognito.ensureUserPool(aliasPoolOf(POOL));
    const clientId = alias.clientIds.WebClient ?? '';
    await sdk.send(signUpWithEmail(clientId, 'ada', PASSWORD, 'ada@example.com'));
    await sdk.send(new AdminConfirmSignUpCommand({ UserPoolId: alias.userPoolId, Username: 'ada' }));
    const signIn = (username: string) => ({
      userPoolId: alias.userPoolId,
      clientId,
      username,
      password: PASSWORD,
    });

    const byName = await initiateSrp(sdk, signIn('ada'));

    expect(byName.challenge.ChallengeParameters?.USER_ID_FOR_SRP).toBe('ada');
    await expect(signInWithSrp(sdk, signIn('ada'))).resolves.toHaveProperty('IdToken');
  });
});

describe('the claim TIMESTAMP', () => {
  // Tuesday 5 March 2024, 10:00 UTC: a day below 10, where padding shows.
  const instant = Date.UTC(2024, 2, 5, 10, 0, 0);
  const clocked = new LocalCognito({ port: 0, region: REGION, clock: () => instant });
  let client: CognitoIdentityProviderClient;
  let input: SrpSignIn;

  beforeAll(async () => {
    await clocked.start();
    const pool = await clocked.ensureUserPool(POOL);
    client = localCognitoClient(clocked.url, REGION);
    const ClientId = pool.clientIds.WebClient ?? '';
    await client.send(new SignUpCommand({ ClientId, Username: 'tick@example.com', Password: PASSWORD }));
    await client.send(
      new AdminConfirmSignUpCommand({ UserPoolId: pool.userPoolId, Username: 'tick@example.com' }),
    );
    input = {
      userPoolId: pool.userPoolId,
      clientId: ClientId,
      username: 'tick@example.com',
      password: PASSWORD,
    };
  });

  afterAll(async () => {
    client.destroy();
    await clocked.stop();
  });

  it('is accepted as EEE MMM d HH:mm:ss UTC yyyy, with the day unpadded', async () => {
    await expect(
      signInWithSrp(client, { ...input, timestamp: 'Tue Mar 5 10:00:00 UTC 2024' }),
    ).resolves.toHaveProperty('IdToken');
  });

  it.each([
    ['a padded day', 'Tue Mar 05 10:00:00 UTC 2024'],
    ['the wrong weekday', 'Wed Mar 5 10:00:00 UTC 2024'],
    ['ten minutes off the clock', 'Tue Mar 5 10:10:00 UTC 2024'],
    ['an ISO date', '2024-03-05T10:00:00Z'],
  ])('refuses %s even when the claim is signed over it', async (_case, timestamp) => {
    await expect(signInWithSrp(client, { ...input, timestamp })).rejects.toMatchObject(INCORRECT);
  });
});
