/**
 * Infra live reload is all or nothing: every service plans its part before any applies, so a save
 * one service refuses leaves every other service — its memory and its data folder — as it was.
 * A user pool's settings change in the same save as an SSM parameter (which the local SSM cannot
 * change while it runs, and which is planned after Cognito); a service the save adds (DynamoDB)
 * defines its fault kinds only if the save applies.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidPasswordException } from '@aws-sdk/client-cognito-identity-provider';
import { afterEach, describe, expect, it } from 'vitest';
import type { LocalAssembly, TemplateResource } from '../src/assembly/index.js';
import { faultsService } from '../src/faults.js';
import { EMPTY_PROFILE, type LocalCloud } from '../src/index.js';
import type { ServiceDescription } from '../src/service.js';
import { localCognitoClient, signUpWithEmail } from '../src/services/cognito/client.js';
import { LocalCognito } from '../src/services/cognito/index.js';
import { lambdaService } from '../src/services/lambda/module.js';
import { PK_TABLE, stackAssembly } from './support/assembly.js';
import { cognitoOf, startTestCloud, userPoolOf } from './support/cloud.js';

/** Long enough for the pool before the save, too short for the pool after it. */
const TEN_CHARACTERS = 'Ten-char1!';

interface AppShape {
  /** The pool's `MinimumLength`. */
  readonly minimumLength: number;
  /** Logical ids of the pool's app clients. */
  readonly clients: readonly string[];
  /** The SSM parameter's value. */
  readonly greeting: string;
  /** Whether the app has a table (and so runs the local DynamoDB, which defines a fault kind). */
  readonly table?: boolean;
}

const BEFORE: AppShape = { minimumLength: 8, clients: ['Web'], greeting: 'hello' };
/** Stricter passwords and a second client: what Cognito can apply in place. */
const STRICTER: AppShape = { ...BEFORE, minimumLength: 16, clients: ['Web', 'Admin'] };
/** The same, with a parameter change the local SSM refuses. */
const REFUSED: AppShape = { ...STRICTER, greeting: 'bonjour' };

function appOf({ minimumLength, clients, greeting, table = false }: AppShape): LocalAssembly {
  const resources: Record<string, TemplateResource> = {
    Users: {
      Type: 'AWS::Cognito::UserPool',
      Properties: {
        UsernameAttributes: ['email'],
        AutoVerifiedAttributes: ['email'],
        Policies: { PasswordPolicy: { MinimumLength: minimumLength } },
      },
    },
    Greeting: {
      Type: 'AWS::SSM::Parameter',
      Properties: { Name: '/reload/greeting', Type: 'String', Value: greeting },
    },
  };
  if (table) resources.Items = PK_TABLE;
  for (const client of clients)
    resources[client] = {
      Type: 'AWS::Cognito::UserPoolClient',
      Properties: { UserPoolId: { Ref: 'Users' }, ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH'] },
    };
  return stackAssembly('App', resources);
}

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A cloud running `BEFORE` on its own data folder, stopped after the test. */
async function startBefore(): Promise<{ cloud: LocalCloud; dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'reload-refused-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const cloud = await startTestCloud({
    assembly: appOf(BEFORE),
    profile: EMPTY_PROFILE,
    inMemory: false,
    dataDir,
  });
  cleanups.push(() => cloud.stop());
  return { cloud, dataDir };
}

/** Signs `email` up with the ten-character password through `clientId` of the Cognito at `endpoint`. */
async function signUp(endpoint: string, clientId: string, email: string): Promise<unknown> {
  const sdk = localCognitoClient(endpoint, 'eu-west-1');
  try {
    return await sdk.send(signUpWithEmail(clientId, email, TEN_CHARACTERS));
  } finally {
    sdk.destroy();
  }
}

/** The app clients' logical ids and ids, as a Cognito store lists them. */
function storedClients(cognito: { describe(): ServiceDescription }): Array<[string, string | undefined]> {
  return cognito
    .describe()
    .resources.filter((resource) => resource.type === 'AWS::Cognito::UserPoolClient')
    .map((resource): [string, string | undefined] => [resource.logicalId, resource.detail]);
}

/** The Cognito store of a stopped cloud's data folder, read as the next start reads it. */
async function storeOf(dataDir: string): Promise<LocalCognito> {
  const cognito = new LocalCognito({ port: 0, region: 'eu-west-1', dataDir });
  await cognito.start();
  cleanups.push(() => cognito.stop());
  return cognito;
}

describe('a reload another service refuses', () => {
  it('is refused in one line naming what cannot change', async () => {
    // Arrange
    const { cloud } = await startBefore();

    // Act
    const outcome = await cloud.reload(appOf(REFUSED));

    // Assert
    expect(outcome).toEqual({
      applied: false,
      reason:
        'T-dev-App/Greeting changed (Value), which the local SSM cannot apply while it runs; restart the local cloud to apply it.',
    });
  });

  it("keeps the user pool's old password policy in force", async () => {
    // Arrange
    const { cloud } = await startBefore();

    // Act
    await cloud.reload(appOf(REFUSED));

    // Assert
    await expect(
      signUp(cloud.url('cognito'), userPoolOf(cloud).clientId, 'kept@example.com'),
    ).resolves.toBeDefined();
  });

  it("keeps the user pool's old app clients", async () => {
    // Arrange
    const { cloud } = await startBefore();
    const before = storedClients(cognitoOf(cloud));

    // Act
    await cloud.reload(appOf(REFUSED));

    // Assert
    expect(storedClients(cognitoOf(cloud))).toEqual(before);
    expect(userPoolOf(cloud).clientIds).toHaveLength(1);
  });

  it("leaves the user pool's settings in the data folder as they were", async () => {
    // Arrange
    const { cloud, dataDir } = await startBefore();
    const before = storedClients(cognitoOf(cloud));
    const clientId = userPoolOf(cloud).clientId;

    // Act
    await cloud.reload(appOf(REFUSED));
    await cloud.stop();

    // Assert
    const store = await storeOf(dataDir);
    expect(storedClients(store)).toEqual(before);
    await expect(signUp(store.url, clientId, 'stored@example.com')).resolves.toBeDefined();
  });
});

describe('the same user pool change when nothing refuses it', () => {
  it('applies the stricter password policy', async () => {
    // Arrange
    const { cloud } = await startBefore();

    // Act
    const outcome = await cloud.reload(appOf(STRICTER));

    // Assert
    expect(outcome).toEqual({ applied: true, changes: ['user pool Users'] });
    await expect(
      signUp(cloud.url('cognito'), userPoolOf(cloud).clientId, 'new@example.com'),
    ).rejects.toBeInstanceOf(InvalidPasswordException);
  });

  it('adds the client with the id the other services were given', async () => {
    // Arrange
    const { cloud } = await startBefore();

    // Act
    await cloud.reload(appOf(STRICTER));

    // Assert
    expect(storedClients(cognitoOf(cloud))).toEqual([
      ['Web', userPoolOf(cloud).clientIds[0]],
      ['Admin', userPoolOf(cloud).clientIds[1]],
    ]);
  });

  it('stores the new settings in the data folder', async () => {
    // Arrange
    const { cloud, dataDir } = await startBefore();
    await cloud.reload(appOf(STRICTER));
    const applied = storedClients(cognitoOf(cloud));
    const clientId = userPoolOf(cloud).clientId;

    // Act
    await cloud.stop();
    const store = await storeOf(dataDir);

    // Assert
    expect(storedClients(store)).toEqual(applied);
    await expect(signUp(store.url, clientId, 'stored@example.com')).rejects.toBeInstanceOf(
      InvalidPasswordException,
    );
  });
});

describe('a refused reload that adds a service', () => {
  /** The fault kinds the console offers. */
  const faultKinds = (cloud: LocalCloud) =>
    cloud
      .service(faultsService)
      ?.registry.describeKinds()
      .map((kind) => kind.name) ?? [];

  it("leaves out the added service's fault kinds", async () => {
    // Arrange
    const { cloud } = await startBefore();

    // Act
    await cloud.reload(appOf({ ...BEFORE, table: true, greeting: 'bonjour' }));

    // Assert
    expect(faultKinds(cloud)).not.toContain('dynamodb-throttle');
  });

  it('applies once the refused part is undone', async () => {
    // Arrange
    const { cloud } = await startBefore();
    await cloud.reload(appOf({ ...BEFORE, table: true, greeting: 'bonjour' }));

    // Act
    const outcome = await cloud.reload(appOf({ ...BEFORE, table: true }));

    // Assert
    expect(outcome).toEqual({ applied: true, changes: ['+ DynamoDB'] });
    expect(faultKinds(cloud)).toContain('dynamodb-throttle');
  });
});

describe("a refused reload that changes a function's inline code", () => {
  /** A function whose inline code answers `answer`, beside the SSM parameter. */
  const inlineApp = (answer: number, greeting: string) =>
    stackAssembly('App', {
      Fn: {
        Type: 'AWS::Lambda::Function',
        Properties: {
          Handler: 'index.handler',
          Runtime: 'nodejs20.x',
          Code: { ZipFile: `exports.handler = async () => ${answer};` },
        },
      },
      Greeting: {
        Type: 'AWS::SSM::Parameter',
        Properties: { Name: '/reload/greeting', Type: 'String', Value: greeting },
      },
    });

  it('keeps running the old code, even in a new environment', async () => {
    // Arrange
    const cloud = await startTestCloud({ assembly: inlineApp(1, 'hello'), profile: EMPTY_PROFILE });
    cleanups.push(() => cloud.stop());
    const lambda = cloud.service(lambdaService);
    const [config] = lambda?.configs() ?? [];
    if (!lambda || !config) throw new Error('The cloud runs no function.');
    // Act: the new code and a parameter change the local SSM refuses, in one save.
    const outcome = await cloud.reload(inlineApp(2, 'bonjour'));
    // A fresh environment loads the code from its folder again.
    const answers = await Promise.all([1, 2, 3].map(() => lambda.invoke(config.name, {})));
    // Assert
    expect(outcome.applied).toBe(false);
    expect(answers.map((answer) => (answer.kind === 'result' ? answer.payload : answer.kind))).toEqual([
      1, 1, 1,
    ]);
  });
});
