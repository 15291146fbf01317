/**
 * CloudWatch metric math, for alarms whose `Metrics` combine metrics with an expression: numbers,
 * metric ids, `+ - * /`, parentheses, unary minus, and the functions `FILL(m, value)`,
 * `PERIOD(m)` and `ABS(x)`. An alarm evaluates one value per period, so an expression here maps
 * one value per metric id (undefined when the metric had no datapoint) to one value.
 */

/** One period's value of each metric id; undefined: no datapoint in that period. */
export type PeriodValues = ReadonlyMap<string, number | undefined>;

/** A compiled expression: one period's metric values and periods (seconds) in, a value or no value out. */
export type MathExpression = (
  values: PeriodValues,
  periods: ReadonlyMap<string, number>,
) => number | undefined;

/** An expression CloudWatch would refuse, or one the local cloud does not evaluate; names the expression. */
export class MetricMathError extends Error {
  constructor(expression: string, problem: string) {
    super(`metric math ${JSON.stringify(expression)}: ${problem}`);
    this.name = 'MetricMathError';
  }
}

type BinaryOperator = '+' | '-' | '*' | '/';

type Node =
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'metric'; readonly id: string }
  | { readonly kind: 'negate'; readonly operand: Node }
  | { readonly kind: 'binary'; readonly op: BinaryOperator; readonly left: Node; readonly right: Node }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly Node[] };

const FUNCTIONS = new Map<string, number>([
  ['FILL', 2],
  ['PERIOD', 1],
  ['ABS', 1],
]);

/** Compiles an expression over the given metric ids; throws {@link MetricMathError}. */
export function compileMetricMath(expression: string, ids: ReadonlySet<string>): MathExpression {
  const fail = (problem: string): never => {
    throw new MetricMathError(expression, problem);
  };
  const tokens = [...expression.matchAll(/\s*(\d+(?:\.\d+)?|[A-Za-z_][A-Za-z0-9_]*|[-+*/(),]|\S)/g)].map(
    (m) => m[1] ?? '',
  );
  let at = 0;
  const peek = () => tokens[at];
  const take = (expected?: string) => {
    const token = tokens[at];
    if (token === undefined || (expected !== undefined && token !== expected))
      fail(`expected ${expected ?? 'more'}${token === undefined ? ' at the end' : ` before "${token}"`}`);
    at++;
    return token as string;
  };

  const primary = (): Node => {
    const token = take();
    if (/^\d/.test(token)) return { kind: 'number', value: Number(token) };
    if (token === '(') {
      const inner = sum();
      take(')');
      return inner;
    }
    if (token === '-') return { kind: 'negate', operand: primary() };
    if (/^[A-Za-z_]/.test(token)) {
      if (peek() !== '(') {
        if (!ids.has(token)) fail(`"${token}" is not the id of a metric of this alarm`);
        return { kind: 'metric', id: token };
      }
      const name = token.toUpperCase();
      const arity = FUNCTIONS.get(name);
      if (arity === undefined)
        fail(`${token}() is not evaluated by the local cloud (it knows ${[...FUNCTIONS.keys()].join(', ')})`);
      take('(');
      const args: Node[] = [sum()];
      while (peek() === ',') {
        take(',');
        args.push(sum());
      }
      take(')');
      if (args.length !== arity) fail(`${name} takes ${arity} argument${arity === 1 ? '' : 's'}`);
      if (name === 'PERIOD' && args[0]?.kind !== 'metric') fail('PERIOD takes a metric id');
      if (name === 'FILL' && args[1]?.kind !== 'number') fail('FILL is evaluated with a number to fill with');
      return { kind: 'call', name, args };
    }
    return fail(`unexpected "${token}"`);
  };
  /** One precedence level, `operand (op operand)*` for any of `ops`, grouped to the left. */
  const level = (ops: readonly BinaryOperator[], operand: () => Node) => (): Node => {
    let left = operand();
    for (let op = peek(); ops.some((o) => o === op); op = peek()) {
      left = { kind: 'binary', op: take() as BinaryOperator, left, right: operand() };
    }
    return left;
  };
  const product = level(['*', '/'], primary);
  const sum = level(['+', '-'], product);

  const root = sum();
  if (at < tokens.length) fail(`unexpected "${peek()}"`);
  return (values, periods) => evaluate(root, values, periods);
}

function evaluate(
  node: Node,
  values: PeriodValues,
  periods: ReadonlyMap<string, number>,
): number | undefined {
  switch (node.kind) {
    case 'number':
      return node.value;
    case 'metric':
      return values.get(node.id);
    case 'negate': {
      const operand = evaluate(node.operand, values, periods);
      return operand === undefined ? undefined : -operand;
    }
    case 'binary': {
      // A period missing on either side is missing in the result, as in CloudWatch's series arithmetic.
      const left = evaluate(node.left, values, periods);
      const right = evaluate(node.right, values, periods);
      if (left === undefined || right === undefined) return undefined;
      const result =
        node.op === '+'
          ? left + right
          : node.op === '-'
            ? left - right
            : node.op === '*'
              ? left * right
              : left / right;
      return Number.isFinite(result) ? result : undefined;
    }
    case 'call': {
      const [first, second] = node.args;
      if (node.name === 'PERIOD') return first?.kind === 'metric' ? periods.get(first.id) : undefined;
      const value = first === undefined ? undefined : evaluate(first, values, periods);
      if (node.name === 'ABS') return value === undefined ? undefined : Math.abs(value);
      return value ?? (second === undefined ? undefined : evaluate(second, values, periods));
    }
  }
}
