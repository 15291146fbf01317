/**
 * CloudWatch Logs filter patterns, as metric filters apply them to one log event.
 *
 * JSON patterns (`{ $.level = "ERROR" || ($.type = "platform.report" && $.record.status != "success") }`)
 * are parsed and evaluated against the event's fields, so text inside a field never matches a
 * selector on another. Term patterns (`ERROR`, `"a phrase"`, `?A ?B`, `-term`) match text.
 * Space-delimited patterns (`[ip, user, ...]`) are approximated: every quoted value must appear.
 */

/** Decides whether one log event matches a compiled pattern. */
export type LogEventMatcher = (event: string) => boolean;

/** A pattern CloudWatch would refuse, or one the local cloud cannot evaluate; names the pattern. */
export class FilterPatternError extends Error {
  constructor(pattern: string, problem: string) {
    super(`filter pattern ${JSON.stringify(pattern)}: ${problem}`);
    this.name = 'FilterPatternError';
  }
}

/** Compiles a filter pattern once; throws {@link FilterPatternError} when it cannot be evaluated. */
export function compileFilterPattern(pattern: string): LogEventMatcher {
  const trimmed = pattern.trim();
  if (trimmed.startsWith('{')) return compileJsonPattern(pattern);
  if (trimmed.startsWith('[')) return compileSpaceDelimitedPattern(trimmed);
  return compileTermPattern(trimmed);
}

function compileTermPattern(pattern: string): LogEventMatcher {
  if (pattern === '' || pattern === '""') return () => true;
  const terms = [...pattern.matchAll(/([?-]?)(?:"([^"]*)"|([^\s"]+))/g)].map((m) => ({
    op: m[1] ?? '',
    text: m[2] ?? m[3] ?? '',
  }));
  const any = terms.filter((t) => t.op === '?');
  if (any.length > 0) return (event) => any.some((t) => event.includes(t.text));
  return (event) => terms.every((t) => (t.op === '-' ? !event.includes(t.text) : event.includes(t.text)));
}

function compileSpaceDelimitedPattern(pattern: string): LogEventMatcher {
  const quoted = [...pattern.matchAll(/"([^"]*)"/g)].map((m) => m[1] ?? '');
  return (event) => quoted.every((text) => event.includes(text));
}

// ── JSON patterns ────────────────────────────────────────────────────────────

type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
type Step = string | number;
type Operator = '=' | '!=' | '<' | '>' | '<=' | '>=';

/** A parsed JSON pattern: a boolean expression over comparisons of selected fields. */
type Expression =
  | { readonly kind: 'and' | 'or'; readonly left: Expression; readonly right: Expression }
  | {
      readonly kind: 'compare';
      readonly path: readonly Step[];
      readonly op: Operator;
      readonly value: string | number;
    }
  | {
      readonly kind: 'is';
      readonly path: readonly Step[];
      readonly test: 'NULL' | 'TRUE' | 'FALSE' | 'NOT EXISTS';
    };

type Token =
  | { readonly kind: 'punct'; readonly text: '{' | '}' | '(' | ')' | '&&' | '||' | Operator }
  | { readonly kind: 'selector'; readonly text: string }
  | { readonly kind: 'string'; readonly text: string }
  | { readonly kind: 'word'; readonly text: string };

const PUNCTUATION = ['&&', '||', '!=', '<=', '>=', '{', '}', '(', ')', '=', '<', '>'] as const;

function tokenize(pattern: string, fail: (problem: string) => never): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < pattern.length) {
    const rest = pattern.slice(i);
    const space = /^\s+/.exec(rest);
    if (space) {
      i += space[0].length;
      continue;
    }
    const punct = PUNCTUATION.find((p) => rest.startsWith(p));
    if (punct) {
      tokens.push({ kind: 'punct', text: punct });
      i += punct.length;
      continue;
    }
    if (rest.startsWith('"')) {
      const quoted = /^"((?:[^"\\]|\\.)*)"/.exec(rest);
      if (!quoted) fail('a quoted value is not closed');
      tokens.push({ kind: 'string', text: (quoted[1] ?? '').replace(/\\(.)/g, '$1') });
      i += quoted[0].length;
      continue;
    }
    if (rest.startsWith('%')) fail('regular-expression values (%…%) are not evaluated by the local cloud');
    const word = /^[^\s(){}=!<>&|"]+/.exec(rest);
    if (!word) fail(`unexpected "${rest[0]}"`);
    tokens.push({ kind: word[0].startsWith('$') ? 'selector' : 'word', text: word[0] });
    i += word[0].length;
  }
  return tokens;
}

/** `$.a.b[0].c` → ['a', 'b', 0, 'c']. */
function parseSelector(selector: string, fail: (problem: string) => never): Step[] {
  const steps: Step[] = [];
  const rest = /^\$((?:\.[A-Za-z0-9_@-]+|\[\d+\])+)$/.exec(selector)?.[1];
  if (rest === undefined) fail(`"${selector}" is not a selector like $.field, $.a.b or $.list[0]`);
  for (const m of rest.matchAll(/\.([A-Za-z0-9_@-]+)|\[(\d+)\]/g)) {
    steps.push(m[1] ?? Number(m[2]));
  }
  return steps;
}

function parseJsonPattern(pattern: string): Expression {
  const fail: (problem: string) => never = (problem) => {
    throw new FilterPatternError(pattern, problem);
  };
  const tokens = tokenize(pattern, fail);
  let at = 0;
  const peek = () => tokens[at];
  const isPunct = (text: string) => {
    const token = peek();
    return token?.kind === 'punct' && token.text === text;
  };
  const expect = (text: string) => {
    if (!isPunct(text)) fail(`expected "${text}"${peek() ? ` before "${peek()?.text}"` : ' at the end'}`);
    at++;
  };
  const isWord = (text: string) => {
    const token = peek();
    return token?.kind === 'word' && token.text === text;
  };

  const comparison = (): Expression => {
    const selector = peek();
    if (selector?.kind !== 'selector')
      fail(`expected a selector${selector ? ` before "${selector.text}"` : ''}`);
    at++;
    const path = parseSelector(selector.text, fail);
    if (isWord('IS')) {
      at++;
      const test = peek();
      if (test?.kind !== 'word' || !['NULL', 'TRUE', 'FALSE'].includes(test.text)) {
        fail('IS must be followed by NULL, TRUE or FALSE');
      }
      at++;
      return { kind: 'is', path, test: test.text as 'NULL' | 'TRUE' | 'FALSE' };
    }
    if (isWord('NOT')) {
      at++;
      if (!isWord('EXISTS')) fail('NOT must be followed by EXISTS');
      at++;
      return { kind: 'is', path, test: 'NOT EXISTS' };
    }
    const op = peek();
    if (op?.kind !== 'punct' || !['=', '!=', '<', '>', '<=', '>='].includes(op.text)) {
      fail(`expected a comparison after ${selector.text}`);
    }
    at++;
    const operand = peek();
    if (operand?.kind !== 'string' && operand?.kind !== 'word') fail(`expected a value after ${op.text}`);
    at++;
    const number = operand.kind === 'word' ? Number(operand.text) : Number.NaN;
    const value = Number.isFinite(number) ? number : operand.text;
    const relational = op.text !== '=' && op.text !== '!=';
    if (relational && typeof value !== 'number') fail(`${op.text} compares numbers only`);
    return { kind: 'compare', path, op: op.text as Operator, value };
  };
  const primary = (): Expression => {
    if (!isPunct('(')) return comparison();
    at++;
    const inner = or();
    expect(')');
    return inner;
  };
  /** One precedence level, `operand (op operand)*`, grouped to the left. */
  const level = (kind: 'and' | 'or', op: string, operand: () => Expression) => (): Expression => {
    let left = operand();
    while (isPunct(op)) {
      at++;
      left = { kind, left, right: operand() };
    }
    return left;
  };
  const and = level('and', '&&', primary);
  const or = level('or', '||', and);

  expect('{');
  const expression = or();
  expect('}');
  if (at < tokens.length) fail(`unexpected "${peek()?.text}" after the closing brace`);
  return expression;
}

/** The selected field, or undefined when the event has none there. */
function select(document: JsonValue, path: readonly Step[]): JsonValue | undefined {
  let current: JsonValue | undefined = document;
  for (const step of path) {
    if (typeof step === 'number') {
      current = Array.isArray(current) ? current[step] : undefined;
    } else if (current !== null && typeof current === 'object' && !Array.isArray(current)) {
      current = Object.hasOwn(current, step) ? current[step] : undefined;
    } else {
      return undefined;
    }
    if (current === undefined) return undefined;
  }
  return current;
}

/** `*` in a string value matches any run of characters; the rest is literal and the whole field must match. */
function globOf(value: string): RegExp {
  const source = value
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, 's');
}

function compileExpression(expression: Expression): (document: JsonValue) => boolean {
  switch (expression.kind) {
    case 'and': {
      const left = compileExpression(expression.left);
      const right = compileExpression(expression.right);
      return (document) => left(document) && right(document);
    }
    case 'or': {
      const left = compileExpression(expression.left);
      const right = compileExpression(expression.right);
      return (document) => left(document) || right(document);
    }
    case 'is': {
      const { path, test } = expression;
      const expected = { NULL: null, TRUE: true, FALSE: false, 'NOT EXISTS': undefined }[test];
      return (document) => select(document, path) === expected;
    }
    case 'compare':
      return compileComparison(expression.path, expression.op, expression.value);
  }
}

/**
 * A comparison needs the field to exist with the value's type: a string value compares strings
 * (with `*` wildcards), a number compares numbers. A missing field never matches, not even `!=`.
 */
function compileComparison(
  path: readonly Step[],
  op: Operator,
  value: string | number,
): (document: JsonValue) => boolean {
  if (typeof value === 'string') {
    const glob = globOf(value);
    // `"*"` alone matches any value the event has there (CDK's FilterPattern.exists).
    const matches = (field: JsonValue) =>
      value === '*' ? field !== null : typeof field === 'string' && glob.test(field);
    return (document) => {
      const field = select(document, path);
      if (field === undefined) return false;
      return op === '=' ? matches(field) : !matches(field);
    };
  }
  const compare: Record<Operator, (field: number) => boolean> = {
    '=': (field) => field === value,
    '!=': (field) => field !== value,
    '<': (field) => field < value,
    '>': (field) => field > value,
    '<=': (field) => field <= value,
    '>=': (field) => field >= value,
  };
  return (document) => {
    const field = select(document, path);
    return typeof field === 'number' && compare[op](field);
  };
}

function compileJsonPattern(pattern: string): LogEventMatcher {
  const evaluate = compileExpression(parseJsonPattern(pattern));
  return (event) => {
    let document: JsonValue;
    try {
      document = JSON.parse(event) as JsonValue;
    } catch {
      // A JSON pattern only ever matches events that are JSON.
      return false;
    }
    return document !== null && typeof document === 'object' && evaluate(document);
  };
}
