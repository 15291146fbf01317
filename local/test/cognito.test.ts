import { createHmac } from 'node:crypto';
import {
  AdminConfirmSignUpCommand,
  AdminDeleteUserCommand,
  AdminGetUserCommand,
  ChangePasswordCommand,
  type CognitoIdentityProviderClient,
  ConfirmForgotPasswordCommand,
  ConfirmSignUpCommand,
  DescribeUserPoolClientCommand,
  ForgotPasswordCommand,
  GetTokensFromRefreshTokenCommand,
  GetUserCommand,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  ListUsersCommand,
  ResendConfirmationCodeCommand,
  RevokeTokenCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { isJwks, type Jwks } from 'aws-jwt-verify/jwk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localCognitoClient, signUpWithEmail } from '../src/services/cognito/client.js';
import { LocalCognito, type UserPoolSpec } from '../src/services/cognito/index.js';
import { aliasPoolOf, SPA_USER_POOL } from './support/cognito-pool.js';
import { decodeJwt } from './support/tokens.js';

const REGION = 'eu-west-1';
const PASSWORD = 'Correct-horse-9';

/**
 * The template-shaped pool, its SPA client also allowing USER_PASSWORD_AUTH (these tests sign in
 * with a password; SRP has its own file), a client limited to SRP and one that reveals unknown users.
 */
const POOL: UserPoolSpec = {
  ...SPA_USER_POOL,
  clients: [
    ...SPA_USER_POOL.clients.map((client) => ({
      ...client,
      explicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', ...client.explicitAuthFlows],
    })),
    {
      logicalId: 'SrpOnlyClient',
      explicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      generateSecret: false,
    },
    {
      logicalId: 'RevealingClient',
      explicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      generateSecret: false,
      preventUserExistenceErrors: false,
      accessTokenValidity: 5,
      tokenValidityUnits: { accessToken: 'minutes' },
    },
  ],
};

// The service's clock; tests move it forward to expire codes and tokens (aws-jwt-verify uses the real one).
let now = Date.now();
const logLines: string[] = [];
const WEB_ORIGIN = 'http://127.0.0.1:5173';
const cognito = new LocalCognito({
  port: 0,
  region: REGION,
  log: (line) => logLines.push(line),
  clock: () => now,
  allowedOrigins: () => [WEB_ORIGIN],
});
let sdk: CognitoIdentityProviderClient;
let userPoolId: string;
let clientId: string;
let srpClientId: string;
let revealingClientId: string;
let emailCounter = 0;

/** A JWKS as aws-jwt-verify types it, checked by aws-jwt-verify's own shape test. */
function asJwks(value: unknown): Jwks {
  if (!isJwks(value as Parameters<typeof isJwks>[0])) throw new Error('not a JWKS');
  return value as Jwks;
}

function newEmail(): string {
  emailCounter += 1;
  return `user${emailCounter}@example.com`;
}

function lastCode(username: string, kind: 'sign-up' | 'forgot-password' = 'sign-up'): string {
  const code = cognito
    .confirmationCodes()
    .filter((c) => c.username === username && c.kind === kind)
    .at(-1)?.code;
  if (code === undefined) throw new Error(`no ${kind} code for ${username}`);
  return code;
}

async function signUp(email: string, password = PASSWORD) {
  return sdk.send(new SignUpCommand({ ClientId: clientId, Username: email, Password: password }));
}

async function signIn(email: string, password = PASSWORD, client = clientId) {
  const out = await sdk.send(
    new InitiateAuthCommand({
      ClientId: client,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: email, PASSWORD: password },
    }),
  );
  const result = out.AuthenticationResult;
  if (!result?.IdToken || !result.AccessToken || !result.RefreshToken)
    throw new Error('sign-in returned no tokens');
  return {
    idToken: result.IdToken,
    accessToken: result.AccessToken,
    refreshToken: result.RefreshToken,
    result,
  };
}

/** Signs a new e-mail up (unconfirmed) and returns it. */
async function signedUpUser(): Promise<string> {
  const email = newEmail();
  await signUp(email);
  return email;
}

async function confirmedUser(): Promise<string> {
  const email = await signedUpUser();
  await sdk.send(
    new ConfirmSignUpCommand({ ClientId: clientId, Username: email, ConfirmationCode: lastCode(email) }),
  );
  return email;
}

function refresh(refreshToken: string) {
  return sdk.send(
    new InitiateAuthCommand({
      ClientId: clientId,
      AuthFlow: 'REFRESH_TOKEN_AUTH',
      AuthParameters: { REFRESH_TOKEN: refreshToken },
    }),
  );
}

beforeAll(async () => {
  await cognito.start();
  const pool = await cognito.ensureUserPool(POOL);
  userPoolId = pool.userPoolId;
  clientId = pool.clientIds.WebClient ?? '';
  srpClientId = pool.clientIds.SrpOnlyClient ?? '';
  revealingClientId = pool.clientIds.RevealingClient ?? '';
  sdk = localCognitoClient(cognito.url, REGION);
});

afterAll(async () => {
  sdk.destroy();
  await cognito.stop();
});

describe('local Cognito ids', () => {
  it('creates ids shaped like AWS ones, and ensureUserPool is idempotent', async () => {
    expect(userPoolId).toMatch(/^eu-west-1_[0-9A-Za-z]{9}$/);
    expect(clientId).toMatch(/^[0-9a-z]{26}$/);
    const again = await cognito.ensureUserPool(POOL);
    expect(again).toEqual({
      userPoolId,
      clientIds: { WebClient: clientId, SrpOnlyClient: srpClientId, RevealingClient: revealingClientId },
      issuer: `https://cognito-idp.eu-west-1.amazonaws.com/${userPoolId}`,
    });
    expect(cognito.describe().resources.map((r) => r.type)).toContain('AWS::Cognito::UserPool');
  });

  it('gives a pool one signing key even when it is ensured twice at once', async () => {
    const spec = { ...POOL, logicalId: 'RacedPool' };
    const first = cognito.ensureUserPool(spec);
    const second = cognito.ensureUserPool(spec);
    const a = await first;
    const keysAfterFirst = cognito.jwks(a.userPoolId);
    expect((await second).userPoolId).toBe(a.userPoolId);
    // Tokens signed right after the first call must stay verifiable: the key may not be replaced.
    expect(cognito.jwks(a.userPoolId)).toEqual(keysAfterFirst);
    expect(keysAfterFirst.keys).toHaveLength(1);
    expect(keysAfterFirst).not.toEqual(cognito.jwks(userPoolId));
  });
});

describe('sign-up, confirmation and sign-in', () => {
  it('takes a new user from sign-up to tokens that aws-jwt-verify accepts', async () => {
    const email = newEmail();
    const signedUp = await signUp(email);
    expect(signedUp.UserConfirmed).toBe(false);
    expect(signedUp.UserSub).toMatch(/^[0-9a-f-]{36}$/);
    expect(signedUp.CodeDeliveryDetails).toEqual({
      Destination: 'u***@e***',
      DeliveryMedium: 'EMAIL',
      AttributeName: 'email',
    });

    await expect(signIn(email)).rejects.toMatchObject({
      name: 'UserNotConfirmedException',
      message: 'User is not confirmed.',
    });

    const code = lastCode(email);
    expect(code).toMatch(/^\d{6}$/);
    expect(logLines).toContain(`confirmation code for ${email}: ${code}`);
    const served = (await (await fetch(`${cognito.url}/_local/codes`)).json()) as {
      username: string;
      code: string;
    }[];
    expect(served.at(-1)).toMatchObject({ userPoolId, username: email, code, kind: 'sign-up' });
    const page = await (await fetch(`${cognito.url}/_local/`)).text();
    expect(page).toContain(code);
    expect(page).toContain(email);

    await sdk.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: email, ConfirmationCode: code }));
    const { idToken, accessToken } = await signIn(email);

    const jwks = asJwks(await (await fetch(`${cognito.url}/${userPoolId}/.well-known/jwks.json`)).json());
    const idVerifier = CognitoJwtVerifier.create({ userPoolId, tokenUse: 'id', clientId });
    idVerifier.cacheJwks(jwks);
    const idClaims = await idVerifier.verify(idToken);
    expect(idClaims).toMatchObject({
      sub: signedUp.UserSub,
      email,
      email_verified: true,
      'cognito:username': signedUp.UserSub,
      aud: clientId,
      token_use: 'id',
      iss: `https://cognito-idp.eu-west-1.amazonaws.com/${userPoolId}`,
    });
    expect(idClaims.exp - idClaims.iat).toBe(3600);
    await expect(idVerifier.verify(accessToken)).rejects.toThrow('Token use not allowed: access');

    const accessVerifier = CognitoJwtVerifier.create({ userPoolId, tokenUse: 'access', clientId });
    accessVerifier.cacheJwks(asJwks(cognito.jwks(userPoolId)));
    const accessClaims = await accessVerifier.verify(accessToken);
    expect(accessClaims).toMatchObject({
      sub: signedUp.UserSub,
      client_id: clientId,
      scope: 'aws.cognito.signin.user.admin',
      username: signedUp.UserSub,
    });
    expect(accessClaims.origin_jti).toBe(idClaims.origin_jti);

    const otherClient = CognitoJwtVerifier.create({ userPoolId, tokenUse: 'id', clientId: srpClientId });
    otherClient.cacheJwks(jwks);
    await expect(otherClient.verify(idToken)).rejects.toThrow(/audience/i);

    const user = await sdk.send(new GetUserCommand({ AccessToken: accessToken }));
    expect(user.Username).toBe(signedUp.UserSub);
    expect(user.UserAttributes).toEqual(
      expect.arrayContaining([
        { Name: 'email', Value: email },
        { Name: 'email_verified', Value: 'true' },
      ]),
    );
  });

  it.each([
    ['Sh0rt-x', 'Password not long enough'],
    ['NO-LOWER-CASE-9', 'Password must have lowercase characters'],
    ['no-upper-case-9', 'Password must have uppercase characters'],
    ['No-Numbers-Here', 'Password must have numeric characters'],
    ['NoSymbolsHere99', 'Password must have symbol characters'],
  ])('refuses the password %s: %s', async (password, rule) => {
    await expect(signUp(newEmail(), password)).rejects.toMatchObject({
      name: 'InvalidPasswordException',
      message: `Password did not conform with policy: ${rule}`,
    });
  });

  it('refuses a second sign-up with the same e-mail, whatever its case', async () => {
    const email = await signedUpUser();
    await expect(signUp(email.toUpperCase())).rejects.toMatchObject({
      name: 'UsernameExistsException',
      message: 'An account with the given email already exists.',
    });
  });

  it('refuses a user name that is not an e-mail in an e-mail pool', async () => {
    await expect(signUp('not-an-email')).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: 'Username should be an email.',
    });
  });

  it('rejects a wrong code, keeps the user unconfirmed, and gives up after five wrong codes', async () => {
    const email = await signedUpUser();
    const wrong = lastCode(email) === '000000' ? '111111' : '000000';
    const confirm = (code: string) =>
      sdk.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: email, ConfirmationCode: code }));
    await expect(confirm(wrong)).rejects.toMatchObject({
      name: 'CodeMismatchException',
      message: 'Invalid verification code provided, please try again.',
    });
    await expect(signIn(email)).rejects.toMatchObject({ name: 'UserNotConfirmedException' });
    for (let i = 0; i < 3; i++)
      await expect(confirm(wrong)).rejects.toMatchObject({ name: 'CodeMismatchException' });
    await expect(confirm(wrong)).rejects.toMatchObject({ name: 'LimitExceededException' });
    await sdk.send(new ResendConfirmationCodeCommand({ ClientId: clientId, Username: email }));
    await confirm(lastCode(email));
    await signIn(email);
  });

  it('expires a sign-up code after 24 hours', async () => {
    const email = await signedUpUser();
    const code = lastCode(email);
    now += 24 * 3_600_000 + 1;
    await expect(
      sdk.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: email, ConfirmationCode: code })),
    ).rejects.toMatchObject({ name: 'ExpiredCodeException' });
  });

  it('answers a wrong password and an unknown user alike when existence errors are prevented', async () => {
    const email = await confirmedUser();
    const incorrect = { name: 'NotAuthorizedException', message: 'Incorrect username or password.' };
    await expect(signIn(email, 'Wrong-password-1')).rejects.toMatchObject(incorrect);
    await expect(signIn('nobody@example.com')).rejects.toMatchObject(incorrect);
    await expect(signIn('nobody@example.com', PASSWORD, revealingClientId)).rejects.toMatchObject({
      name: 'UserNotFoundException',
    });
  });

  it('answers code requests for an unknown user like a delivery when existence errors are prevented', async () => {
    const codesBefore = cognito.confirmationCodes().length;
    for (const send of [
      (ClientId: string) => sdk.send(new ForgotPasswordCommand({ ClientId, Username: 'ghost@example.com' })),
      (ClientId: string) =>
        sdk.send(new ResendConfirmationCodeCommand({ ClientId, Username: 'ghost@example.com' })),
    ]) {
      const answer = await send(clientId);
      expect(answer.CodeDeliveryDetails).toMatchObject({ DeliveryMedium: 'EMAIL', AttributeName: 'email' });
      await expect(send(revealingClientId)).rejects.toMatchObject({ name: 'UserNotFoundException' });
    }
    expect(cognito.confirmationCodes()).toHaveLength(codesBefore);
  });

  it('refuses USER_PASSWORD_AUTH on a client whose auth flows do not allow it', async () => {
    const email = await confirmedUser();
    await expect(signIn(email, PASSWORD, srpClientId)).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: expect.stringMatching(/^USER_PASSWORD_AUTH flow not enabled for this client/),
    });
  });

  it('refuses self sign-up when the pool allows admins only', async () => {
    const adminOnly = await cognito.ensureUserPool({
      ...POOL,
      logicalId: 'AdminOnlyPool',
      allowAdminCreateUserOnly: true,
    });
    await expect(
      sdk.send(
        new SignUpCommand({
          ClientId: adminOnly.clientIds.WebClient,
          Username: newEmail(),
          Password: PASSWORD,
        }),
      ),
    ).rejects.toMatchObject({
      name: 'NotAuthorizedException',
      message: 'SignUp is not permitted for this user pool',
    });
  });
});

describe('other pool and client settings', () => {
  it('signs in by user name, or by e-mail alias once the e-mail is verified', async () => {
    const aliasPool = await cognito.ensureUserPool(aliasPoolOf(POOL));
    const aliasClient = aliasPool.clientIds.WebClient ?? '';
    await expect(
      sdk.send(new SignUpCommand({ ClientId: aliasClient, Username: 'ada@example.com', Password: PASSWORD })),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await sdk.send(signUpWithEmail(aliasClient, 'ada', PASSWORD, 'ada@example.com'));
    await expect(
      sdk.send(new SignUpCommand({ ClientId: aliasClient, Username: 'ada', Password: PASSWORD })),
    ).rejects.toMatchObject({ name: 'UsernameExistsException', message: 'User already exists' });
    expect(lastCode('ada')).toMatch(/^\d{6}$/);
    await expect(signIn('ada@example.com', PASSWORD, aliasClient)).rejects.toMatchObject({
      name: 'NotAuthorizedException',
    });
    await sdk.send(
      new ConfirmSignUpCommand({ ClientId: aliasClient, Username: 'ada', ConfirmationCode: lastCode('ada') }),
    );
    const byAlias = await signIn('ada@example.com', PASSWORD, aliasClient);
    expect(decodeJwt(byAlias.idToken).payload).toMatchObject({
      'cognito:username': 'ada',
      email: 'ada@example.com',
      email_verified: true,
    });
  });

  it('requires the secret hash from a client with a secret', async () => {
    const spec = {
      ...POOL,
      logicalId: 'SecretPool',
      clients: [
        { logicalId: 'Backend', explicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH'], generateSecret: true },
      ],
    };
    const pool = await cognito.ensureUserPool(spec);
    const backend = pool.clientIds.Backend ?? '';
    const described = await sdk.send(
      new DescribeUserPoolClientCommand({ UserPoolId: pool.userPoolId, ClientId: backend }),
    );
    const secret = described.UserPoolClient?.ClientSecret ?? '';
    expect(secret).toMatch(/^[0-9a-z]{51}$/);
    const email = newEmail();
    await expect(
      sdk.send(new SignUpCommand({ ClientId: backend, Username: email, Password: PASSWORD })),
    ).rejects.toMatchObject({
      name: 'NotAuthorizedException',
      message: expect.stringContaining('SECRET_HASH'),
    });
    const secretHash = createHmac('sha256', secret)
      .update(email + backend)
      .digest('base64');
    const signedUp = await sdk.send(
      new SignUpCommand({ ClientId: backend, Username: email, Password: PASSWORD, SecretHash: secretHash }),
    );
    expect(signedUp.UserSub).toBeDefined();
  });
});

describe('sessions', () => {
  it('refreshes tokens with REFRESH_TOKEN_AUTH and GetTokensFromRefreshToken', async () => {
    const email = await confirmedUser();
    const { refreshToken, idToken } = await signIn(email);
    now += 60_000;
    const refreshed = await refresh(refreshToken);
    expect(refreshed.AuthenticationResult?.RefreshToken).toBeUndefined();
    const newIdToken = refreshed.AuthenticationResult?.IdToken ?? '';
    expect(newIdToken).not.toBe(idToken);
    const verifier = CognitoJwtVerifier.create({ userPoolId, tokenUse: 'id', clientId });
    verifier.cacheJwks(asJwks(cognito.jwks(userPoolId)));
    await expect(verifier.verify(newIdToken)).resolves.toMatchObject({ email });

    const viaAmplifyOperation = await sdk.send(
      new GetTokensFromRefreshTokenCommand({ ClientId: clientId, RefreshToken: refreshToken }),
    );
    expect(viaAmplifyOperation.AuthenticationResult?.AccessToken).toBeTruthy();
    await expect(refresh('not-a-refresh-token')).rejects.toMatchObject({
      name: 'NotAuthorizedException',
      message: 'Invalid Refresh Token',
    });
  });

  it('expires access tokens after the client’s validity', async () => {
    const email = await signedUpUser();
    await sdk.send(new AdminConfirmSignUpCommand({ UserPoolId: userPoolId, Username: email }));
    const { accessToken, result } = await signIn(email, PASSWORD, revealingClientId);
    expect(result.ExpiresIn).toBe(300);
    await sdk.send(new GetUserCommand({ AccessToken: accessToken }));
    now += 301_000;
    await expect(sdk.send(new GetUserCommand({ AccessToken: accessToken }))).rejects.toMatchObject({
      name: 'NotAuthorizedException',
      message: 'Access Token has expired',
    });
  });

  it('makes a revoked refresh token unusable', async () => {
    const email = await confirmedUser();
    const { refreshToken } = await signIn(email);
    await sdk.send(new RevokeTokenCommand({ ClientId: clientId, Token: refreshToken }));
    await expect(refresh(refreshToken)).rejects.toMatchObject({
      name: 'NotAuthorizedException',
      message: 'Refresh Token has been revoked',
    });
  });

  it('signs a user out everywhere with GlobalSignOut', async () => {
    const email = await confirmedUser();
    const first = await signIn(email);
    const second = await signIn(email);
    await sdk.send(new GlobalSignOutCommand({ AccessToken: second.accessToken }));
    for (const session of [first, second]) {
      await expect(refresh(session.refreshToken)).rejects.toMatchObject({ name: 'NotAuthorizedException' });
      await expect(sdk.send(new GetUserCommand({ AccessToken: session.accessToken }))).rejects.toMatchObject({
        name: 'NotAuthorizedException',
        message: 'Access Token has been revoked',
      });
    }
    await signIn(email);
  });
});

describe('passwords', () => {
  it('resets a forgotten password with the emailed code', async () => {
    const email = await confirmedUser();
    const delivery = await sdk.send(new ForgotPasswordCommand({ ClientId: clientId, Username: email }));
    expect(delivery.CodeDeliveryDetails?.DeliveryMedium).toBe('EMAIL');
    const code = lastCode(email, 'forgot-password');
    expect(logLines).toContain(`password reset code for ${email}: ${code}`);
    const newPassword = 'Battery-staple-7';
    const confirm = (confirmationCode: string, password: string) =>
      sdk.send(
        new ConfirmForgotPasswordCommand({
          ClientId: clientId,
          Username: email,
          ConfirmationCode: confirmationCode,
          Password: password,
        }),
      );
    await expect(confirm(code === '123456' ? '654321' : '123456', newPassword)).rejects.toMatchObject({
      name: 'CodeMismatchException',
    });
    await expect(confirm(code, 'weak')).rejects.toMatchObject({ name: 'InvalidPasswordException' });
    await confirm(code, newPassword);
    await expect(signIn(email)).rejects.toMatchObject({ name: 'NotAuthorizedException' });
    await signIn(email, newPassword);
    await expect(confirm(code, 'Another-pass-8')).rejects.toMatchObject({ name: 'ExpiredCodeException' });
  });

  it('changes a password for a signed-in user who knows the old one', async () => {
    const email = await confirmedUser();
    const { accessToken } = await signIn(email);
    await expect(
      sdk.send(
        new ChangePasswordCommand({
          AccessToken: accessToken,
          PreviousPassword: 'Wrong-pass-1',
          ProposedPassword: 'New-pass-12',
        }),
      ),
    ).rejects.toMatchObject({ name: 'NotAuthorizedException' });
    await sdk.send(
      new ChangePasswordCommand({
        AccessToken: accessToken,
        PreviousPassword: PASSWORD,
        ProposedPassword: 'New-pass-12',
      }),
    );
    await signIn(email, 'New-pass-12');
  });
});

describe('admin operations', () => {
  it('confirms, reads, lists and deletes users', async () => {
    const email = newEmail();
    const { UserSub } = await signUp(email);
    await sdk.send(new AdminConfirmSignUpCommand({ UserPoolId: userPoolId, Username: email }));
    const user = await sdk.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: email }));
    expect(user).toMatchObject({ Username: UserSub, UserStatus: 'CONFIRMED', Enabled: true });
    expect(user.UserCreateDate).toBeInstanceOf(Date);

    const listed = await sdk.send(
      new ListUsersCommand({ UserPoolId: userPoolId, Filter: `email = "${email}"` }),
    );
    expect(listed.Users?.map((u) => u.Username)).toEqual([UserSub]);
    const page = await sdk.send(new ListUsersCommand({ UserPoolId: userPoolId, Limit: 1 }));
    expect(page.Users).toHaveLength(1);
    expect(page.PaginationToken).toBeDefined();

    await sdk.send(new AdminDeleteUserCommand({ UserPoolId: userPoolId, Username: email }));
    await expect(
      sdk.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: email })),
    ).rejects.toMatchObject({
      name: 'UserNotFoundException',
    });
    await expect(
      sdk.send(new AdminGetUserCommand({ UserPoolId: 'eu-west-1_nonexist0', Username: email })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});

describe('wire protocol', () => {
  it('answers errors in Cognito’s JSON 1.1 shape, including unknown operations', async () => {
    const res = await fetch(cognito.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AWSCognitoIdentityProviderService.AdminSetUserMFAPreference',
      },
      body: '{}',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
    const body = (await res.json()) as { __type: string; message: string };
    expect(body.__type).toBe('UnknownOperationException');
    expect(body.message).toContain('AdminSetUserMFAPreference');

    const oddFilter = await fetch(cognito.url, {
      method: 'POST',
      headers: { 'x-amz-target': 'AWSCognitoIdentityProviderService.ListUsers' },
      body: JSON.stringify({ UserPoolId: userPoolId, Filter: 'émail\n= x' }),
    });
    expect(oddFilter.status).toBe(400);
    expect(await oddFilter.json()).toMatchObject({ __type: 'InvalidParameterException' });

    const garbage = await fetch(cognito.url, {
      method: 'POST',
      headers: { 'x-amz-target': 'AWSCognitoIdentityProviderService.SignUp' },
      body: '{not json',
    });
    expect(garbage.status).toBe(400);
    expect(await garbage.json()).toMatchObject({ __type: 'SerializationException' });
  });

  it('lets the local web app, on another origin, call it (CORS)', async () => {
    const origin = WEB_ORIGIN;
    const preflight = await fetch(cognito.url, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,x-amz-target,x-amz-user-agent',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(origin);
    const allowed = preflight.headers.get('access-control-allow-headers') ?? '';
    for (const header of [
      'content-type',
      'x-amz-target',
      'x-amz-user-agent',
      'cache-control',
      'amz-sdk-request',
    ]) {
      expect(allowed).toContain(header);
    }
    const failed = await fetch(cognito.url, {
      method: 'POST',
      headers: { origin, 'x-amz-target': 'AWSCognitoIdentityProviderService.GetUser' },
      body: '{"AccessToken":"x"}',
    });
    expect(failed.headers.get('access-control-allow-origin')).toBe(origin);
    expect(failed.headers.get('access-control-expose-headers')).toContain('x-amzn-errortype');
  });

  it('serves an OpenID configuration that points at the JWKS', async () => {
    const config = (await (
      await fetch(`${cognito.url}/${userPoolId}/.well-known/openid-configuration`)
    ).json()) as {
      issuer: string;
      jwks_uri: string;
    };
    expect(config.issuer).toBe(`https://cognito-idp.eu-west-1.amazonaws.com/${userPoolId}`);
    const jwks = (await (await fetch(config.jwks_uri)).json()) as { keys: { kid: string; alg: string }[] };
    expect(jwks.keys).toEqual([expect.objectContaining({ alg: 'RS256', kty: 'RSA', use: 'sig' })]);
    expect(jwks.keys[0]).not.toHaveProperty('d');
  });
});
