/**
 * Integration: `npm start -- --demo` signs the profile's demo user up and confirms it, so the app
 * can be tried at once; the confirmation code the local Cognito "e-mailed" is a line of its own.
 */
import {
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { describe, expect, it } from 'vitest';
import { seedDemoUser } from '../src/demo.js';
import { userPoolOf } from './support/cloud.js';
import { useFixtureCloud } from './support/fixture-cloud.js';

const user = { email: 'demo@example.com', password: 'Demo-password-1' };
const lines: string[] = [];
const fixture = useFixtureCloud('demo', { log: (l) => lines.push(l) });

describe('the demo user', () => {
  it('can sign in right after the cloud seeds it, and seeding it again changes nothing', async () => {
    // Arrange
    const pool = userPoolOf(fixture.cloud);
    const client = new CognitoIdentityProviderClient({
      endpoint: fixture.cloud.url('cognito'),
      region: pool.region,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });

    // Act
    await seedDemoUser(fixture.cloud, user);
    await seedDemoUser(fixture.cloud, user);
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
    await expect(
      seedDemoUser(fixture.cloud, { email: 'weak@example.com', password: 'short' }),
    ).rejects.toThrow(/^profile\.demoUser cannot sign up: InvalidPasswordException: /);
  });
});
