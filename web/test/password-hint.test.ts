import { PASSWORD_POLICY, type PasswordPolicy } from '@tasktracker/api/contract';
import { describe, expect, it } from 'vitest';
import { passwordHint } from '../src/auth/password-hint.js';

const NOTHING_REQUIRED: PasswordPolicy = {
  minLength: 6,
  requireLowercase: false,
  requireUppercase: false,
  requireDigits: false,
  requireSymbols: false,
};

describe('passwordHint', () => {
  it("states the user pool's policy", () => {
    // Arrange
    const policy = PASSWORD_POLICY;

    // Act
    const hint = passwordHint(policy);

    // Assert
    expect(hint).toBe('At least 8 characters, with upper- and lower-case letters, a number and a symbol.');
  });

  it('names only what a looser policy requires', () => {
    // Arrange
    const policy = { ...NOTHING_REQUIRED, minLength: 12, requireLowercase: true, requireDigits: true };

    // Act
    const hint = passwordHint(policy);

    // Assert
    expect(hint).toBe('At least 12 characters, with a lower-case letter and a number.');
  });

  it('asks only for the length when nothing else is required', () => {
    // Arrange
    const policy = NOTHING_REQUIRED;

    // Act
    const hint = passwordHint(policy);

    // Assert
    expect(hint).toBe('At least 6 characters.');
  });
});
