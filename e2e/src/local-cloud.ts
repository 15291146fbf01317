/** The local cloud a test file runs against: in memory, on ephemeral ports of 127.0.0.1. */
import { cognitoService, portSpecs, startLocalCloud } from '@tasktracker/local';
import { startedAroundTests } from '@tasktracker/local/test-hooks';
import type { CloudUnderTest } from './cloud.js';

/**
 * How long a file's local cloud may take to start (a synth of the app on two busy cores): the e2e
 * config's hook timeout, which these hooks had before.
 */
export const CLOUD_START_TIMEOUT_MS = 120_000;

/** Starts one local cloud for the calling test file and stops it after the file. */
export function useLocalCloud(): CloudUnderTest {
  const log: string[] = [];
  return startedAroundTests<CloudUnderTest & { stop(): Promise<void> }>(
    'The local cloud',
    async () => {
      try {
        const cloud = await startLocalCloud({
          inMemory: true,
          ports: Object.fromEntries(portSpecs().map((p) => [p.name, 0])),
          log: (line) => log.push(line),
        });
        const cognito = cloud.service(cognitoService);
        const pool = cognito?.userPools()[0];
        if (!cognito || !pool) throw new Error('the app has no user pool');
        return {
          urls: { web: cloud.url('alb'), api: cloud.url('apigateway'), cognito: cloud.url('cognito') },
          userPool: { id: pool.id, clientId: pool.clientId, region: pool.region },
          confirmationCodes: () => cognito.confirmationCodes(),
          stop: () => cloud.stop(),
        };
      } catch (error) {
        // The cloud's own log says which service failed; show its tail with the error.
        throw new Error(
          `the local cloud did not start: ${(error as Error).message}\n${log.slice(-20).join('\n')}`,
        );
      }
    },
    (cloud) => cloud.stop(),
    CLOUD_START_TIMEOUT_MS,
  );
}
