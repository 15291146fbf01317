import type { PasswordPolicy } from '@tasktracker/api/contract';

function letters(policy: PasswordPolicy): string | undefined {
  if (policy.requireUppercase && policy.requireLowercase) return 'upper- and lower-case letters';
  if (policy.requireUppercase) return 'an upper-case letter';
  if (policy.requireLowercase) return 'a lower-case letter';
  return undefined;
}

/** "a, b and c" */
function sentenceList(parts: readonly string[]): string {
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}

/**
 * The hint under a new-password field, written from the pool's policy itself, e.g. "At least 8
 * characters, with upper- and lower-case letters, a number and a symbol."
 */
export function passwordHint(policy: PasswordPolicy): string {
  const required = [
    letters(policy),
    policy.requireDigits ? 'a number' : undefined,
    policy.requireSymbols ? 'a symbol' : undefined,
  ].filter((part) => part !== undefined);
  const length = `At least ${policy.minLength} characters`;
  return required.length === 0 ? `${length}.` : `${length}, with ${sentenceList(required)}.`;
}
