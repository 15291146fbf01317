/** The strict flag parsing `npm start` and `npm run gameday` share. */
import { describe, expect, it } from 'vitest';
import { parseFlags } from '../src/cli-flags.js';
import { LocalCloudError } from '../src/errors.js';

const OPTIONS = { stage: { type: 'string' }, quick: { type: 'boolean', short: 'q' } } as const;

describe('parseFlags', () => {
  it('returns the values of the flags it was given', () => {
    // Arrange + Act
    const values = parseFlags(['--stage', 'prod', '-q'], OPTIONS);

    // Assert
    expect({ ...values }).toEqual({ stage: 'prod', quick: true });
  });

  it.each([
    ['an unknown flag', ['--bogus'], "Unknown option '--bogus'"],
    [
      'a positional argument',
      ['prod'],
      "Unexpected argument 'prod'. This command does not take positional arguments",
    ],
    ['a flag whose value is missing', ['--stage'], "Option '--stage <value>' argument missing"],
    [
      'a flag followed by another flag instead of its value',
      ['--stage', '--quick'],
      "Option '--stage' argument is ambiguous. Did you forget to specify the option argument for '--stage'?",
    ],
  ])('refuses %s with a one-line LocalCloudError', (_, argv, message) => {
    // Arrange + Act
    const parse = () => parseFlags(argv, OPTIONS);

    // Assert
    expect(parse).toThrow(LocalCloudError);
    expect(parse).toThrow(new LocalCloudError(message));
  });
});
