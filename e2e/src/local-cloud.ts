/** The local cloud a test file runs against: in memory, on ephemeral ports of 127.0.0.1. */
import { type LocalCloud, startLocalCloud } from '@tasktracker/local';
import { useForFile } from './suite.js';

/** Starts one local cloud for the calling test file and stops it after the file. */
export function useLocalCloud() {
  const log: string[] = [];
  return useForFile<LocalCloud>(
    async () => {
      try {
        return await startLocalCloud({
          inMemory: true,
          ports: { api: 0, web: 0, cognito: 0, dynamodb: 0 },
          log: (line) => log.push(line),
        });
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
