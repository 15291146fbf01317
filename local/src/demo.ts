/**
 * `npm start -- --demo`: the app profile's demo user, signed up and confirmed in the first user
 * pool through the local Cognito's own API, so the app can be tried without signing up. A user
 * kept from an earlier run is left as it is (confirmed if it was not).
 */
import {
  AdminConfirmSignUpCommand,
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { LocalCloudError } from './errors.js';
import type { LocalCloud } from './index.js';
import type { DemoUser } from './profile.js';
import { cognitoService } from './services/cognito/module.js';

export async function seedDemoUser(cloud: LocalCloud, user: DemoUser): Promise<void> {
  const pool = cloud.service(cognitoService)?.userPools()[0];
  if (!pool) throw new LocalCloudError('--demo needs a user pool, and the app has none.');
  const client = new CognitoIdentityProviderClient({
    endpoint: cloud.url('cognito'),
    region: pool.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    await client
      .send(
        new SignUpCommand({
          ClientId: pool.clientId,
          Username: user.email,
          Password: user.password,
          UserAttributes: [{ Name: 'email', Value: user.email }],
        }),
      )
      .catch((err: Error) => {
        if (err.name === 'UsernameExistsException') return;
        throw new LocalCloudError(`profile.demoUser cannot sign up: ${err.name}: ${err.message}`);
      });
    const { UserStatus } = await client.send(
      new AdminGetUserCommand({ UserPoolId: pool.id, Username: user.email }),
    );
    if (UserStatus !== 'CONFIRMED')
      await client.send(new AdminConfirmSignUpCommand({ UserPoolId: pool.id, Username: user.email }));
  } finally {
    client.destroy();
  }
}
