/**
 * Sign-in must not tell whether an account exists, neither by its answer nor by how long it takes.
 * How long is the bench's to measure (`npm run bench -- --only sign-in-timing` compares the median
 * times of the two kinds of failure); these tests check, deterministically, what makes the times
 * equal: an unknown user's failed sign-in does the costly work a wrong password does, and gets the
 * same answer. node:crypto's scrypt and createDiffieHellman are wrapped, still doing their work,
 * so the tests see each password derivation and each SRP modular power the service makes.
 */
import { createDiffieHellman, scrypt } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import {
  failedSignIn,
  SIGN_IN_FLOWS,
  srpChallenge,
  startSignInPool,
  unknownUser,
} from './support/failed-sign-in.js';
import { startedAroundTests } from './support/hooks.js';

vi.mock('node:crypto', async (importOriginal) => {
  const crypto = await importOriginal<typeof import('node:crypto')>();
  return {
    ...crypto,
    scrypt: vi.fn(crypto.scrypt),
    createDiffieHellman: vi.fn(crypto.createDiffieHellman),
  };
});

const INCORRECT = { type: 'NotAuthorizedException', message: 'Incorrect username or password.' };
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const pool = startedAroundTests('the sign-in pool', startSignInPool, (started) => started.stop());

/** The costly crypto `work` does: each scrypt derivation's parameters, and the number of modular powers. */
async function costOf(work: () => Promise<unknown>) {
  vi.mocked(scrypt).mockClear();
  vi.mocked(createDiffieHellman).mockClear();
  await work();
  return {
    derivations: vi.mocked(scrypt).mock.calls.map(([, salt, keyLength, options]) => ({
      saltBytes: Buffer.byteLength(salt),
      keyLength,
      options,
    })),
    modularPowers: vi.mocked(createDiffieHellman).mock.calls.length,
  };
}

/** What a client can tell from a PASSWORD_VERIFIER challenge without knowing the password. */
function shapeOf(parameters: Record<string, string>) {
  const { SALT = '', SRP_B = '', SECRET_BLOCK = '', USERNAME, USER_ID_FOR_SRP = '' } = parameters;
  return {
    names: Object.keys(parameters).sort(),
    saltHexDigits: /^[0-9a-f]+$/.test(SALT) ? SALT.length : `not hex: ${SALT}`,
    // B is a random number below the 3072-bit N: its digit count varies, whoever it is for.
    srpB: /^[0-9a-f]{1,768}$/.test(SRP_B) ? 'hex, below 2^3072' : `other: ${SRP_B}`,
    secretBlockBytes: Buffer.from(SECRET_BLOCK, 'base64').length,
    userIdForSrp: UUID_V4.test(USER_ID_FOR_SRP) ? 'a UUID' : `not a UUID: ${USER_ID_FOR_SRP}`,
    usernameIsUserIdForSrp: USERNAME === USER_ID_FOR_SRP,
  };
}

describe('a failed sign-in of an unknown user costs and answers what a wrong password does', () => {
  // A wrong password's costly work: one scrypt derivation for USER_PASSWORD_AUTH; for SRP, g^b for
  // the challenge's B, then v^u and (A·v^u)^b to check the claim.
  it.each([
    ['USER_PASSWORD_AUTH', 'one scrypt derivation', { derivations: 1, modularPowers: 0 }],
    ['USER_SRP_AUTH', 'three modular powers', { derivations: 0, modularPowers: 3 }],
  ] as const)(
    '%s: costs an unknown user what it costs a wrong password, %s with the same parameters',
    async (flow, _, work) => {
      // Arrange
      const ghost = unknownUser();

      // Act
      const wrongPassword = await costOf(() => failedSignIn(pool, flow, pool.knownUser));
      const unknown = await costOf(() => failedSignIn(pool, flow, ghost));

      // Assert
      expect({
        derivations: wrongPassword.derivations.length,
        modularPowers: wrongPassword.modularPowers,
      }).toEqual(work);
      expect(unknown).toEqual(wrongPassword);
    },
  );

  it('USER_SRP_AUTH: challenges an unknown user with a challenge shaped like a known user’s', async () => {
    // Arrange
    const ghost = unknownUser();

    // Act
    const known = await srpChallenge(pool, pool.knownUser);
    const simulated = await srpChallenge(pool, ghost);

    // Assert
    expect(shapeOf(simulated)).toEqual(shapeOf(known));
  });

  it.each(SIGN_IN_FLOWS)('%s: refuses an unknown user with the error of a wrong password', async (flow) => {
    // Arrange
    const ghost = unknownUser();

    // Act
    const refusals = [await failedSignIn(pool, flow, pool.knownUser), await failedSignIn(pool, flow, ghost)];

    // Assert
    expect(refusals).toEqual([INCORRECT, INCORRECT]);
  });
});
