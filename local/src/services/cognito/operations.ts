/**
 * The Cognito Identity Provider operations the local cloud supports, by `X-Amz-Target` name.
 * Each takes the parsed JSON request and returns the JSON response, or throws a CognitoError.
 */
import { createHmac } from 'node:crypto';
import { type Keyed, keyed } from '../../keyed.js';
import type { AuthenticationResult, CognitoDirectory, ResolvedClient } from './directory.js';
import { CognitoError, INCORRECT_CREDENTIALS, invalidParameter, notAuthorized } from './errors.js';
import { newRefreshToken, newUuid } from './ids.js';
import { assertPasswordMeetsPolicy, hashPassword, verifyPassword } from './password.js';
import { STANDARD_ATTRIBUTES } from './spec.js';
import { createVerifier, type SrpVerifier } from './srp.js';
import { answerPasswordVerifier, initiateSrpAuth } from './srp-flow.js';
import type { CodeKind, StoredPool, StoredSession, StoredUser } from './state.js';

type Input = Record<string, unknown>;
type Operation = (directory: CognitoDirectory, input: Input) => Promise<object>;

const EMAIL = /^[^\s@]+@[^\s@]+$/;
/** Attributes Cognito manages itself; a client may not set them at sign-up. */
const IMMUTABLE_ATTRIBUTES = new Set(['sub', 'email_verified', 'cognito:username']);

function requireString(input: Input, name: string): string {
  const value = input[name];
  if (typeof value !== 'string' || value === '') throw invalidParameter(`Missing required parameter ${name}`);
  return value;
}

function optionalString(input: Input, name: string): string | undefined {
  const value = input[name];
  return typeof value === 'string' ? value : undefined;
}

/** Checks `SECRET_HASH` for clients with a secret: base64(HMAC-SHA256(secret, username + clientId)). */
function checkSecretHash(client: ResolvedClient, username: string, secretHash: unknown): void {
  if (client.secret === undefined) return;
  if (typeof secretHash !== 'string') {
    throw notAuthorized(
      `Client ${client.clientId} is configured with secret but SECRET_HASH was not received`,
    );
  }
  const expected = createHmac('sha256', client.secret)
    .update(username + client.clientId)
    .digest('base64');
  if (secretHash !== expected)
    throw notAuthorized(`Unable to verify secret hash for client ${client.clientId}`);
}

/** What a user signs in with: the scrypt hash the password flows check, and the SRP verifier. */
async function credentials(
  pool: StoredPool,
  username: string,
  password: string,
): Promise<{ passwordHash: string; srp: SrpVerifier }> {
  return {
    passwordHash: await hashPassword(password),
    srp: createVerifier(pool.userPoolId, username, password),
  };
}

function maskEmail(email: string): string {
  const [local = '', domain = ''] = email.split('@');
  return `${local.slice(0, 1)}***@${domain.slice(0, 1)}***`;
}

function emailDelivery(email: string): object {
  return { Destination: maskEmail(email), DeliveryMedium: 'EMAIL', AttributeName: 'email' };
}

/**
 * The user a code is sent to. With user-existence errors prevented, an unknown name gets
 * `undefined` and the caller answers with {@link pretendedDelivery}; otherwise it is an error.
 */
function codeRecipient(directory: CognitoDirectory, client: ResolvedClient, name: string) {
  const user = directory.findUser(client.pool, name);
  if (user || client.spec.preventUserExistenceErrors) return user;
  throw new CognitoError('UserNotFoundException', 'Username/client id combination not found.');
}

/** Looks like a code delivery, so the answer does not reveal whether the account exists. */
function pretendedDelivery(name: string): object {
  return { CodeDeliveryDetails: emailDelivery(name.includes('@') ? name : `${name}@example.com`) };
}

/**
 * Sends a code of `kind` to the user the request names (`ResendConfirmationCode`,
 * `ForgotPassword`), at the address `addressOf` gives, or refuses with the error it gives instead.
 */
function sendCode(
  directory: CognitoDirectory,
  input: Input,
  kind: CodeKind,
  addressOf: (user: StoredUser, client: ResolvedClient) => string | CognitoError,
): object {
  const client = directory.client(input.ClientId);
  const name = requireString(input, 'Username');
  checkSecretHash(client, name, input.SecretHash);
  const user = codeRecipient(directory, client, name);
  if (!user) return pretendedDelivery(name);
  const address = addressOf(user, client);
  if (address instanceof CognitoError) throw address;
  directory.sendCode(client.pool, user, kind);
  directory.save();
  return { CodeDeliveryDetails: emailDelivery(address) };
}

function userAttributes(user: StoredUser): { Name: string; Value: string }[] {
  const attributes = [{ Name: 'sub', Value: user.sub }];
  if (user.email !== undefined) {
    attributes.push(
      { Name: 'email', Value: user.email },
      { Name: 'email_verified', Value: String(user.emailVerified) },
    );
  }
  for (const [Name, Value] of Object.entries(user.attributes)) attributes.push({ Name, Value });
  return attributes;
}

/** A user as ListUsers (`Attributes`) or AdminGetUser (`UserAttributes`) returns it. */
function userRecord(user: StoredUser, attributesKey: 'Attributes' | 'UserAttributes' = 'Attributes'): object {
  return {
    Username: user.username,
    [attributesKey]: userAttributes(user),
    UserCreateDate: user.createdAt / 1000,
    UserLastModifiedDate: user.updatedAt / 1000,
    Enabled: user.enabled,
    UserStatus: user.status,
  };
}

/** Whether the pool's schema has an attribute: a standard one, or `custom:<name>` for a custom one. */
function inSchema(pool: StoredPool, name: string): boolean {
  if (STANDARD_ATTRIBUTES.has(name)) return true;
  return (
    name.startsWith('custom:') && (pool.spec.customAttributes ?? []).includes(name.slice('custom:'.length))
  );
}

function parseAttributes(pool: StoredPool, value: unknown): Keyed<string> {
  const attributes = keyed<string>();
  if (value === undefined) return attributes;
  if (!Array.isArray(value)) throw invalidParameter('UserAttributes must be a list of { Name, Value }.');
  for (const item of value as unknown[]) {
    const { Name, Value } = (item ?? {}) as { Name?: unknown; Value?: unknown };
    if (typeof Name !== 'string' || typeof Value !== 'string') {
      throw invalidParameter('UserAttributes must be a list of { Name, Value } strings.');
    }
    if (IMMUTABLE_ATTRIBUTES.has(Name))
      throw invalidParameter(`Cannot modify the non-mutable attribute ${Name}`);
    if (!inSchema(pool, Name)) {
      throw invalidParameter(
        `Attributes did not conform to the schema: ${Name}: Attribute does not exist in the schema.`,
      );
    }
    attributes[Name] = Value;
  }
  return attributes;
}

function assertEmail(email: string, message: string): void {
  if (!EMAIL.test(email)) throw invalidParameter(message);
}

/**
 * The user a confirmation code is for. An unknown one gets the wrong-code error where the client
 * prevents user-existence errors, so the answer does not reveal whether the account exists.
 */
function codeOwner(directory: CognitoDirectory, client: ResolvedClient, name: string): StoredUser {
  const user = directory.findUser(client.pool, name);
  if (user) return user;
  throw client.spec.preventUserExistenceErrors
    ? new CognitoError('CodeMismatchException', 'Invalid verification code provided, please try again.')
    : new CognitoError('UserNotFoundException', 'Username/client id combination not found.');
}

function adminUser(directory: CognitoDirectory, input: Input): { pool: StoredPool; user: StoredUser } {
  const pool = directory.poolById(requireString(input, 'UserPoolId'));
  const user = directory.findUser(pool, requireString(input, 'Username'));
  if (!user) throw new CognitoError('UserNotFoundException', 'User does not exist.');
  return { pool, user };
}

function emailTaken(pool: StoredPool, email: string | undefined): boolean {
  return email !== undefined && Object.values(pool.users).some((u) => u.email === email);
}

const signUp: Operation = async (directory, input) => {
  const client = directory.client(input.ClientId);
  const { pool } = client;
  if (pool.spec.allowAdminCreateUserOnly) throw notAuthorized('SignUp is not permitted for this user pool');
  const name = requireString(input, 'Username');
  const password = requireString(input, 'Password');
  checkSecretHash(client, name, input.SecretHash);
  const { email: emailAttribute, ...attributes } = parseAttributes(pool, input.UserAttributes);
  const byEmail = directory.emailIsUsername(pool);
  if (byEmail) assertEmail(name, 'Username should be an email.');
  if (!byEmail && pool.spec.aliasAttributes.includes('email') && name.includes('@')) {
    throw invalidParameter(
      'Username cannot be of email format, since user pool is configured for email alias.',
    );
  }
  const email = (byEmail ? name : emailAttribute)?.toLowerCase();
  if (email !== undefined) assertEmail(email, 'Invalid email address format.');
  assertPasswordMeetsPolicy(password, pool.spec.passwordPolicy);

  const sub = newUuid();
  const username = byEmail ? sub : name;
  const exists = () =>
    byEmail
      ? emailTaken(pool, email)
      : pool.users[username] !== undefined || directory.findUser(pool, name) !== undefined;
  const existsError = new CognitoError(
    'UsernameExistsException',
    byEmail ? 'An account with the given email already exists.' : 'User already exists',
  );
  if (exists()) throw existsError;
  const credential = await credentials(pool, username, password);
  // Checked again: another sign-up for the same name may have finished while the password was hashing.
  if (exists()) throw existsError;

  const now = directory.now();
  const user: StoredUser = {
    username,
    sub,
    ...(email === undefined ? {} : { email }),
    emailVerified: false,
    ...credential,
    status: 'UNCONFIRMED',
    enabled: true,
    attributes,
    createdAt: now,
    updatedAt: now,
    codes: keyed(),
  };
  pool.users[username] = user;
  const delivers = email !== undefined && pool.spec.autoVerifiedAttributes.includes('email');
  if (delivers) directory.sendCode(pool, user, 'sign-up');
  directory.save();
  return {
    UserConfirmed: false,
    UserSub: sub,
    ...(delivers && email !== undefined ? { CodeDeliveryDetails: emailDelivery(email) } : {}),
  };
};

const confirmSignUp: Operation = async (directory, input) => {
  const client = directory.client(input.ClientId);
  const name = requireString(input, 'Username');
  const code = requireString(input, 'ConfirmationCode');
  checkSecretHash(client, name, input.SecretHash);
  const user = codeOwner(directory, client, name);
  if (user.status === 'CONFIRMED')
    throw notAuthorized('User cannot be confirmed. Current status is CONFIRMED');
  directory.consumeCode(user, 'sign-up', code);
  user.status = 'CONFIRMED';
  user.emailVerified = user.email !== undefined;
  user.updatedAt = directory.now();
  directory.save();
  return {};
};

const resendConfirmationCode: Operation = async (directory, input) =>
  sendCode(directory, input, 'sign-up', (user, client) => {
    if (user.status === 'CONFIRMED') return invalidParameter('User is already confirmed.');
    if (user.email === undefined || !client.pool.spec.autoVerifiedAttributes.includes('email'))
      return invalidParameter('Auto verification not turned on.');
    return user.email;
  });

async function passwordAuth(directory: CognitoDirectory, client: ResolvedClient, params: Input) {
  const flows = client.spec.explicitAuthFlows;
  if (!flows.includes('ALLOW_USER_PASSWORD_AUTH') && !flows.includes('USER_PASSWORD_AUTH')) {
    throw invalidParameter(
      `USER_PASSWORD_AUTH flow not enabled for this client (its ExplicitAuthFlows: ${flows.join(', ') || 'none'})`,
    );
  }
  const name = requireString(params, 'USERNAME');
  const password = requireString(params, 'PASSWORD');
  checkSecretHash(client, name, params.SECRET_HASH);
  const user = directory.findUser(client.pool, name);
  // An unknown user's check costs what a wrong password costs, so timing does not reveal existence.
  const matches = await verifyPassword(password, user?.passwordHash);
  if (!user) throw directory.unknownUser(client);
  if (!matches) throw notAuthorized(INCORRECT_CREDENTIALS);
  if (!user.enabled) throw notAuthorized('User is disabled.');
  if (user.status === 'UNCONFIRMED')
    throw new CognitoError('UserNotConfirmedException', 'User is not confirmed.');
  // Users stored before the local Cognito kept SRP verifiers get one from the password they just proved.
  user.srp ??= createVerifier(client.pool.userPoolId, user.username, password);
  return directory.startSession(client, user, newRefreshToken());
}

/** New tokens for the session a refresh token belongs to, if the token and its user are still good. */
function refreshAuth(directory: CognitoDirectory, client: ResolvedClient, session: StoredSession) {
  const user = client.pool.users[session.username];
  if (!user) throw notAuthorized('User does not exist.');
  if (!user.enabled) throw notAuthorized('User is disabled.');
  return directory.issueTokens(client, user, session);
}

function authResult(result: AuthenticationResult): object {
  return { ChallengeParameters: {}, AuthenticationResult: result };
}

const initiateAuth: Operation = async (directory, input) => {
  const client = directory.client(input.ClientId);
  const flow = requireString(input, 'AuthFlow');
  const params = (input.AuthParameters ?? {}) as Input;
  switch (flow) {
    case 'USER_PASSWORD_AUTH':
      return authResult(await passwordAuth(directory, client, params));
    case 'REFRESH_TOKEN_AUTH':
    case 'REFRESH_TOKEN': {
      const session = directory.sessionForRefreshToken(client, params.REFRESH_TOKEN);
      checkSecretHash(client, session.username, params.SECRET_HASH);
      return authResult(refreshAuth(directory, client, session));
    }
    case 'USER_SRP_AUTH':
      return initiateSrpAuth(directory, client, params, (name, hash) => checkSecretHash(client, name, hash));
    default:
      throw invalidParameter(
        `AuthFlow ${flow} is not supported by the local cloud; use USER_SRP_AUTH, USER_PASSWORD_AUTH or REFRESH_TOKEN_AUTH.`,
      );
  }
};

const respondToAuthChallenge: Operation = async (directory, input) => {
  const client = directory.client(input.ClientId);
  const challenge = requireString(input, 'ChallengeName');
  if (challenge !== 'PASSWORD_VERIFIER') {
    throw invalidParameter(
      `The local cloud answers the PASSWORD_VERIFIER challenge of USER_SRP_AUTH only, not ${challenge}.`,
    );
  }
  const responses = input.ChallengeResponses;
  if (typeof responses !== 'object' || responses === null || Array.isArray(responses)) {
    throw invalidParameter('Missing required parameter ChallengeResponses');
  }
  const result = answerPasswordVerifier(directory, client, responses as Input, (name, hash) =>
    checkSecretHash(client, name, hash),
  );
  return authResult(result);
};

/** The refresh operation Amplify v6 uses. Refresh-token rotation is not emulated: no new refresh token. */
const getTokensFromRefreshToken: Operation = async (directory, input) => {
  const client = directory.client(input.ClientId);
  if (client.secret !== undefined && input.ClientSecret !== client.secret) {
    throw notAuthorized(`Unable to verify secret hash for client ${client.clientId}`);
  }
  const session = directory.sessionForRefreshToken(client, input.RefreshToken);
  return { AuthenticationResult: refreshAuth(directory, client, session) };
};

const getUser: Operation = async (directory, input) => {
  const { user } = directory.authenticate(input.AccessToken);
  return { Username: user.username, UserAttributes: userAttributes(user) };
};

const globalSignOut: Operation = async (directory, input) => {
  const { pool, user } = directory.authenticate(input.AccessToken);
  directory.revokeSessions(pool, user.username);
  directory.save();
  return {};
};

const revokeToken: Operation = async (directory, input) => {
  const client = directory.client(input.ClientId);
  if (client.secret !== undefined && input.ClientSecret !== client.secret) {
    throw notAuthorized(`Unable to verify secret hash for client ${client.clientId}`);
  }
  // Revoking twice succeeds, as in Cognito; a token this client never issued does not.
  const session = directory.findSession(client, requireString(input, 'Token'));
  if (!session) throw notAuthorized('Invalid Refresh Token');
  session.revoked = true;
  directory.save();
  return {};
};

const forgotPassword: Operation = async (directory, input) =>
  sendCode(directory, input, 'forgot-password', (user) => {
    if (!user.enabled) return notAuthorized('User is disabled.');
    if (user.email === undefined || (!user.emailVerified && user.status === 'UNCONFIRMED'))
      return invalidParameter(
        'Cannot reset password for the user as there is no registered/verified email or phone_number',
      );
    return user.email;
  });

const confirmForgotPassword: Operation = async (directory, input) => {
  const client = directory.client(input.ClientId);
  const name = requireString(input, 'Username');
  const code = requireString(input, 'ConfirmationCode');
  const password = requireString(input, 'Password');
  checkSecretHash(client, name, input.SecretHash);
  const user = codeOwner(directory, client, name);
  assertPasswordMeetsPolicy(password, client.pool.spec.passwordPolicy);
  const credential = await credentials(client.pool, user.username, password);
  directory.consumeCode(user, 'forgot-password', code);
  Object.assign(user, credential);
  user.updatedAt = directory.now();
  directory.save();
  return {};
};

const changePassword: Operation = async (directory, input) => {
  const { pool, user } = directory.authenticate(input.AccessToken);
  const previous = requireString(input, 'PreviousPassword');
  const proposed = requireString(input, 'ProposedPassword');
  if (!(await verifyPassword(previous, user.passwordHash))) throw notAuthorized(INCORRECT_CREDENTIALS);
  assertPasswordMeetsPolicy(proposed, pool.spec.passwordPolicy);
  Object.assign(user, await credentials(pool, user.username, proposed));
  user.updatedAt = directory.now();
  directory.save();
  return {};
};

const deleteUser: Operation = async (directory, input) => {
  const { pool, user } = directory.authenticate(input.AccessToken);
  directory.deleteUser(pool, user);
  return {};
};

const adminConfirmSignUp: Operation = async (directory, input) => {
  const { user } = adminUser(directory, input);
  if (user.status === 'CONFIRMED')
    throw notAuthorized('User cannot be confirmed. Current status is CONFIRMED');
  // Like Cognito, an admin confirmation does not verify the e-mail.
  user.status = 'CONFIRMED';
  delete user.codes['sign-up'];
  user.updatedAt = directory.now();
  directory.save();
  return {};
};

const adminGetUser: Operation = async (directory, input) => {
  const { user } = adminUser(directory, input);
  return userRecord(user, 'UserAttributes');
};

const adminDeleteUser: Operation = async (directory, input) => {
  const { pool, user } = adminUser(directory, input);
  directory.deleteUser(pool, user);
  return {};
};

const FILTER = /^\s*([\w:]+)\s*(\^?=)\s*"([^"]*)"\s*$/;
const MAX_PAGE = 60;

const listUsers: Operation = async (directory, input) => {
  const pool = directory.poolById(requireString(input, 'UserPoolId'));
  const limit = typeof input.Limit === 'number' ? input.Limit : MAX_PAGE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
    throw invalidParameter(`Limit must be an integer from 1 to ${MAX_PAGE}.`);
  }
  const filter = optionalString(input, 'Filter');
  let users = Object.values(pool.users).sort((a, b) => a.createdAt - b.createdAt);
  if (filter) {
    const match = FILTER.exec(filter);
    if (!match)
      throw invalidParameter(`Invalid filter ${filter}; use attribute = "value" or attribute ^= "prefix".`);
    const [, attribute = '', operator, value = ''] = match;
    const attributeValue = (user: StoredUser): string | undefined => {
      if (attribute === 'username') return user.username;
      if (attribute === 'status' || attribute === 'cognito:user_status') return user.status;
      return userAttributes(user).find((a) => a.Name === attribute)?.Value;
    };
    users = users.filter((user) => {
      const actual = attributeValue(user);
      return actual !== undefined && (operator === '=' ? actual === value : actual.startsWith(value));
    });
  }
  const start = Number(optionalString(input, 'PaginationToken') ?? '0');
  if (!Number.isInteger(start) || start < 0) throw invalidParameter('Invalid PaginationToken.');
  const page = users.slice(start, start + limit);
  const next = start + limit < users.length ? { PaginationToken: String(start + limit) } : {};
  return { Users: page.map((user) => userRecord(user)), ...next };
};

const describeUserPoolClient: Operation = async (directory, input) => {
  const pool = directory.poolById(requireString(input, 'UserPoolId'));
  const client = directory.client(requireString(input, 'ClientId'));
  if (client.pool !== pool) {
    throw new CognitoError(
      'ResourceNotFoundException',
      `User pool client ${client.clientId} does not exist.`,
    );
  }
  return {
    UserPoolClient: {
      UserPoolId: pool.userPoolId,
      ClientId: client.clientId,
      ClientName: client.spec.clientName ?? client.spec.logicalId,
      ExplicitAuthFlows: client.spec.explicitAuthFlows,
      ...(client.secret === undefined ? {} : { ClientSecret: client.secret }),
    },
  };
};

/**
 * Supported operations by name; anything else is an UnknownOperationException. A Map, because the
 * name comes from the request: `constructor` or `toString` must not find anything.
 */
export const OPERATIONS: ReadonlyMap<string, Operation> = new Map([
  ['SignUp', signUp],
  ['ConfirmSignUp', confirmSignUp],
  ['ResendConfirmationCode', resendConfirmationCode],
  ['InitiateAuth', initiateAuth],
  ['RespondToAuthChallenge', respondToAuthChallenge],
  ['GetTokensFromRefreshToken', getTokensFromRefreshToken],
  ['GetUser', getUser],
  ['GlobalSignOut', globalSignOut],
  ['RevokeToken', revokeToken],
  ['ForgotPassword', forgotPassword],
  ['ConfirmForgotPassword', confirmForgotPassword],
  ['ChangePassword', changePassword],
  ['DeleteUser', deleteUser],
  ['AdminConfirmSignUp', adminConfirmSignUp],
  ['AdminGetUser', adminGetUser],
  ['AdminDeleteUser', adminDeleteUser],
  ['ListUsers', listUsers],
  ['DescribeUserPoolClient', describeUserPoolClient],
]);
