/** The local cloud a test file runs against: in memory, on ephemeral ports of 127.0.0.1. */
import { cognitoService, portSpecs, startLocalCloud } from '@tasktracker/local';
import type { CloudUnderTest } from './cloud.js';
import { useForFile } from './suite.js';

/** Starts one local cloud for the calling test file and stops it after the file. */
export function useLocalCloud() {
  const log: string[] = [];
  return useForFile<CloudUnderTest & { stop(): Promise<void> }>(
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
  );
}
