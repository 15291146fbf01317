/** What the local cloud's tests read off a running cloud: its user pool, codes and alarms. */
import type { LocalCloud } from '../../src/index.js';
import { portSpecs } from '../../src/registry.js';
import { cloudwatchService } from '../../src/services/cloudwatch/module.js';
import {
  type CognitoService,
  cognitoService,
  type RunningUserPool,
} from '../../src/services/cognito/module.js';

/** Every port of the registry set to 0: ephemeral ports, so test clouds never collide. */
export const EPHEMERAL_PORTS: Readonly<Record<string, number>> = Object.fromEntries(
  portSpecs().map((p) => [p.name, 0]),
);

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
