import { describe, expect, it } from 'vitest';
import { MEASUREMENTS, parseArgs, UsageError } from '../src/args.js';

describe('parseArgs', () => {
  it('runs every measurement in full mode by default', () => {
    expect(parseArgs([])).toEqual({ quick: false, only: [...MEASUREMENTS], json: undefined, help: false });
  });

  it('reads --quick, --only (kept in run order) and --json in either form', () => {
    const options = parseArgs(['--quick', '--only', 'frontend,cold-start', '--json=out/bench.json']);
    expect(options.quick).toBe(true);
    expect(options.only).toEqual(['cold-start', 'frontend']);
    expect(options.json).toBe('out/bench.json');
    expect(parseArgs(['--only=api-load']).only).toEqual(['api-load']);
  });

  it('rejects an unknown measurement, naming the valid ones', () => {
    expect(() => parseArgs(['--only', 'cold-start,latency'])).toThrow(
      new UsageError(`unknown measurement 'latency' (expected one of: ${MEASUREMENTS.join(', ')})`),
    );
  });

  it('rejects flags missing their value', () => {
    expect(() => parseArgs(['--only'])).toThrow(UsageError);
    expect(() => parseArgs(['--json'])).toThrow('--json needs a file path');
    expect(() => parseArgs(['--json', '--quick'])).toThrow('--json needs a file path');
  });

  it('rejects unknown arguments and values on --quick', () => {
    expect(() => parseArgs(['--fast'])).toThrow("unknown argument '--fast' (try --help)");
    expect(() => parseArgs(['--quick=yes'])).toThrow('--quick takes no value');
  });
});
