/** How the local cloud's tests start a cloud, and what they read off it: its user pool, codes and alarms. */
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { type LocalCloud, type LocalCloudOptions, startLocalCloud } from '../../src/index.js';
import { portSpecs } from '../../src/registry.js';
import { cloudwatchService } from '../../src/services/cloudwatch/module.js';
import { signUpAndConfirm } from '../../src/services/cognito/client.js';
import {
  type CognitoService,
  cognitoService,
  type RunningUserPool,
} from '../../src/services/cognito/module.js';

/** Every port of the registry set to 0: ephemeral ports, so test clouds never collide. */
export const EPHEMERAL_PORTS: Readonly<Record<string, number>> = Object.fromEntries(
  portSpecs().map((p) => [p.name, 0]),
);

/** Starts a cloud as tests run one: in memory, on ephemeral ports, printing nothing; `options` adds to that or overrides it. */
export function startTestCloud(options: LocalCloudOptions = {}): Promise<LocalCloud> {
  return startLocalCloud({ inMemory: true, ports: EPHEMERAL_PORTS, log: () => {}, ...options });
}

export function cognitoOf(cloud: LocalCloud): CognitoService {
  const cognito = cloud.service(cognitoService);
  if (!cognito) throw new Error('The cloud runs no Cognito.');
  return cognito;
}

/** The assembly's first user pool and its first app client. */
export function userPoolOf(cloud: LocalCloud): RunningUserPool {
  const pool = cognitoOf(cloud).userPools()[0];
  if (!pool) throw new Error('The cloud runs no user pool.');
  return pool;
}

export function codesOf(cloud: LocalCloud) {
  return cognitoOf(cloud).confirmationCodes();
}

/** Alarm state changes published to SNS so far. */
export function notificationsOf(cloud: LocalCloud) {
  return cloud.service(cloudwatchService)?.notifications() ?? [];
}

/** Signs `email` up in the cloud's user pool and confirms it with the code the local Cognito shows. */
export function signUpConfirmed(
  cloud: LocalCloud,
  client: CognitoIdentityProviderClient,
  email: string,
  password: string,
): Promise<void> {
  return signUpAndConfirm(client, cognitoOf(cloud), {
    clientId: userPoolOf(cloud).clientId,
    email,
    password,
  });
}
