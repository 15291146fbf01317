/**
 * The API's handlers, in process, against hostile clients: requests derived from the shared
 * contract (valid, near-valid, written oddly) from several users at once. No request earns a 5xx,
 * every refusal is the contract's error without internals, the status is the one the contract
 * and the users' history call for, every accepted task reads back identical, and no acknowledged
 * write is lost. `HOSTILE_RUNS` and `HOSTILE_SEED` size and seed the run (`npm run hostile`).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useApiOnTable } from './support/api.js';
import {
  HostileSession,
  hostileSettings,
  inProcessTarget,
  REGRESSIONS,
  runHostileCases,
  runRegression,
} from './support/hostile/index.js';

const settings = hostileSettings();
const onTable = useApiOnTable('tasks-hostile');

describe('the handlers against hostile clients', () => {
  it(
    `answer ${settings.cases} generated requests from 8 users as the contract says, never with a 5xx`,
    async () => {
      // Arrange
      const target = inProcessTarget(onTable.api, (lane) => `fuzz-${lane}`);
      // Act
      const report = await runHostileCases({ targets: [target], lanes: 8, ...settings });
      // Assert
      const [handler] = report.targets;
      console.log(
        `hostile (in process), seed ${report.seed}: ${report.cases} cases, ${handler?.requests} requests, statuses ${JSON.stringify(Object.fromEntries(handler?.statuses ?? []))}, ${handler?.acknowledged} tasks acknowledged, ${handler?.lostWrites} lost`,
      );
      console.log(JSON.stringify(Object.fromEntries(handler?.outcomes ?? [])));
      expect([...(handler?.statuses.keys() ?? [])].filter((status) => status >= 500)).toEqual([]);
      expect(handler?.lostWrites).toBe(0);
    },
    60_000 + settings.cases * 20,
  );
});

describe('the handlers on every 5xx ever found', () => {
  let session: HostileSession;

  beforeAll(() => {
    session = new HostileSession(
      [inProcessTarget(onTable.api, (lane) => `regression-${lane}`)],
      2 * REGRESSIONS.length,
    );
  });

  it.each(REGRESSIONS.map((regression, i) => [regression.name, regression, i] as const))(
    '%s',
    async (_name, regression, i) => {
      // Act
      const [reply] = await runRegression(session, regression, 2 * i);
      // Assert
      expect(reply?.status).toBe(regression.status);
    },
  );
});
