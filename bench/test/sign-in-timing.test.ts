import { describe, expect, it } from 'vitest';
import { signInTimingRows } from '../src/sign-in-timing.js';

describe('signInTimingRows', () => {
  it('reports each kind’s median CPU and wall time per try and the gaps, the gaps against their budgets', () => {
    // Arrange
    const samples = {
      wrongPassword: { cpu: [30, 26, 27], wall: [31, 28, 90] },
      unknownUser: { cpu: [25, 29, 24], wall: [27, 29, 26] },
    };

    // Act
    const rows = signInTimingRows('USER_PASSWORD_AUTH', samples);

    // Assert
    expect(rows.map(({ metric, value, budget }) => ({ metric, value, budget }))).toEqual([
      { metric: 'USER_PASSWORD_AUTH CPU p50: wrong password', value: 27, budget: undefined },
      { metric: 'USER_PASSWORD_AUTH CPU p50: unknown user', value: 25, budget: undefined },
      { metric: 'USER_PASSWORD_AUTH CPU p50 gap', value: 2, budget: 'signInCpuGapMs' },
      { metric: 'USER_PASSWORD_AUTH wall p50: wrong password', value: 31, budget: undefined },
      { metric: 'USER_PASSWORD_AUTH wall p50: unknown user', value: 27, budget: undefined },
      { metric: 'USER_PASSWORD_AUTH wall p50 gap', value: 4, budget: 'signInWallGapMs' },
    ]);
  });
});
