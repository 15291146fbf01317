import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileMetricMath, MetricMathError } from '../src/services/cloudwatch/metric-math.js';

const ids = new Set(['a', 'b']);
const periods = new Map([
  ['a', 60],
  ['b', 300],
]);
const run = (expression: string, a?: number, b?: number) =>
  compileMetricMath(expression, ids)(
    new Map([
      ['a', a],
      ['b', b],
    ]),
    periods,
  );

describe('metric math', () => {
  it.each([
    ['a + b * 2', 1, 3, 7],
    ['(a + b) * 2', 1, 3, 8],
    ['a - b - 1', 10, 3, 6],
    ['-a / 4', 10, 0, -2.5],
    ['FILL(a, 0) + FILL(b, 0)', undefined, 3, 3],
    ['a / PERIOD(a)', 120, undefined, 2],
    ['PERIOD(b)', undefined, undefined, 300],
    ['ABS(a - b)', 1, 4, 3],
  ])('%s with a=%s, b=%s is %s', (expression, a, b, expected) => {
    expect(run(expression, a, b)).toBe(expected);
  });

  it('leaves a period without data missing unless FILL fills it', () => {
    expect(run('a + b', 1, undefined)).toBeUndefined();
  });

  it('treats a division by zero as no value', () => {
    expect(run('a / b', 1, 0)).toBeUndefined();
  });

  it.each([
    ['c + 1', /"c" is not the id of a metric/],
    ['RATE(a)', /RATE\(\) is not evaluated/],
    ['FILL(a, b)', /FILL is evaluated with a number/],
    ['(a + b', /expected \)/],
    ['a b', /unexpected "b"/],
  ])('refuses %s, naming the problem', (expression, problem) => {
    expect(() => compileMetricMath(expression, ids)).toThrow(MetricMathError);
    expect(() => compileMetricMath(expression, ids)).toThrow(problem);
  });

  it('evaluates the sum of filled metrics like arithmetic for any values', () => {
    fc.assert(
      fc.property(
        fc.option(fc.integer({ min: 0, max: 1e6 }), { nil: undefined }),
        fc.option(fc.integer({ min: 0, max: 1e6 }), { nil: undefined }),
        (a, b) => {
          expect(run('(FILL(a, 0) + FILL(b, 0)) / PERIOD(a)', a, b)).toBeCloseTo(((a ?? 0) + (b ?? 0)) / 60);
        },
      ),
    );
  });
});
