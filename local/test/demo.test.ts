/**
 * Integration: `npm start -- --demo` signs the profile's demo user up and confirms it, so the app
 * can be tried at once; the confirmation code the local Cognito "e-mailed" is a line of its own.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStageAssembly } from '../src/assembly/index.js';
import { seedDemoUser } from '../src/demo.js';
import { type LocalCloud, startLocalCloud } from '../src/index.js';
import { buildFixtureApp } from './fixtures/app.js';
import { EPHEMERAL_PORTS, userPoolOf } from './support/cloud.js';

const outdir = mkdtempSync(join(tmpdir(), 'local-cloud-demo-'));
const user = { email: 'demo@example.com', password: 'Demo-password-1' };
const lines: string[] = [];
let cloud: LocalCloud;

beforeAll(async () => {
  const assembly = readStageAssembly(buildFixtureApp(outdir).app.synth(), 'dev');
  cloud = await startLocalCloud({
    assembly,
    inMemory: true,
    ports: EPHEMERAL_PORTS,
    log: (l) => lines.push(l),
  });
}, 60_000);

afterAll(async () => {
  await cloud?.stop();
  rmSync(outdir, { recursive: true, force: true });
});

describe('the demo user', () => {
  it('can sign in right after the cloud seeds it, and seeding it again changes nothing', async () => {
    // Arrange
    const pool = userPoolOf(cloud);
    const client = new CognitoIdentityProviderClient({
      endpoint: cloud.url('cognito'),
      region: pool.region,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });

    // Act
    await seedDemoUser(cloud, user);
    await seedDemoUser(cloud, user);
    const auth = await client.send(
      new InitiateAuthCommand({
        ClientId: pool.clientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: user.email, PASSWORD: user.password },
      }),
    );
    client.destroy();

    // Assert
    expect(auth.AuthenticationResult?.IdToken).toMatch(/^ey/);
    expect(lines.filter((line) => line.includes(user.email))).toEqual([
      expect.stringMatching(/^\[Cognito\] confirmation code for demo@example\.com: \d{6}$/),
    ]);
  });

  it('whose password the pool refuses is one line naming the profile key', async () => {
    await expect(seedDemoUser(cloud, { email: 'weak@example.com', password: 'short' })).rejects.toThrow(
      /^profile\.demoUser cannot sign up: InvalidPasswordException: /,
    );
  });
});
