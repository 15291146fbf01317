/**
 * Values for a contract schema, derived by walking its zod/mini definition: `valid` values the
 * schema accepts, boundaries included, and `nearValid` values one step outside it (a field one
 * character too long, a wrong type, an unknown or a missing key, a number past its bound, a
 * non-canonical spelling of a number). The walker knows exactly the kinds and checks the contract
 * uses and throws on any other, so a contract change it cannot follow fails the suite instead of
 * quietly generating less.
 */
import { BUILT_IN_NAMES } from '@tasktracker/local/built-in-names';
import fc from 'fast-check';
import * as z from 'zod/mini';

/** A schema of the contract. */
export type ContractSchema = z.core.$ZodType;

/** What the walker derives for one schema. */
export interface ContractValues {
  /** Values the schema accepts. */
  readonly valid: fc.Arbitrary<unknown>;
  /** Values one step outside the schema; most are refused, and the schema itself is the judge. */
  readonly nearValid: fc.Arbitrary<unknown>;
  /** Whether an object may leave this key out (optional or defaulted). */
  readonly omittable: boolean;
}

/** The part of a zod definition the walker reads (zod's own def types are a union per kind). */
interface Def {
  readonly type: string;
  readonly checks?: readonly { readonly _zod: { readonly def: CheckDef } }[];
  readonly shape?: Readonly<Record<string, ContractSchema>>;
  readonly catchall?: ContractSchema;
  readonly innerType?: ContractSchema;
  readonly element?: ContractSchema;
  readonly in?: ContractSchema;
  readonly out?: ContractSchema;
  readonly entries?: Readonly<Record<string, string>>;
  readonly transform?: unknown;
  readonly pattern?: RegExp;
}

interface CheckDef {
  readonly check: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly value?: number;
  readonly inclusive?: boolean;
  readonly format?: string;
  readonly pattern?: RegExp;
  readonly tx?: (value: string) => string;
}

const defOf = (schema: ContractSchema): Def => schema._zod.def as unknown as Def;
const checksOf = (def: Def): CheckDef[] => (def.checks ?? []).map((check) => check._zod.def);

/**
 * Characters a hostile client types: plain ASCII most of the time, then NUL, both halves of a
 * surrogate pair on their own, characters JavaScript's `trim` removes, a right-to-left override,
 * a combining mark, astral emoji (two UTF-16 units each) and JSON's own metacharacters.
 */
export const hostileChar: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...'abcdefXYZ0129 -_.') },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '\u0000',
      '\ud800',
      '\udbff',
      '\udc00',
      '\udfff',
      '\u00a0',
      '\ufeff',
      '\u2028',
      '\u3000',
      '\t',
      '\n',
      '\u202e',
      '\u0301',
      'é',
      '€',
      '😀',
      '𝕏',
      '"',
      '\\',
      '<',
      '%',
      '{',
      '\u007f',
    ),
  },
);

/** Strings of hostile characters. */
export const hostileString = (maxLength: number): fc.Arbitrary<string> =>
  fc.string({ unit: hostileChar, maxLength });

/** Keys an object must not grow: built-in names, near-misses of its own keys, odd characters. */
function extraKeys(ownKeys: readonly string[]): fc.Arbitrary<string> {
  const nearMisses = ownKeys.flatMap((key) => [key.toUpperCase(), `${key} `, `${key}\u0000`, `${key}_`]);
  return fc.oneof(
    fc.constantFrom(...BUILT_IN_NAMES),
    ...(nearMisses.length > 0 ? [fc.constantFrom(...nearMisses)] : []),
    hostileString(12).filter((key) => !ownKeys.includes(key)),
  );
}

/** JSON values of every type, small, for wrong types and extra fields. */
const anyJson: fc.Arbitrary<unknown> = fc.jsonValue({ maxDepth: 2 });

/** A value of some type other than `type` (`string`, `number`, `object`, `array`, …). */
function wrongType(type: string): fc.Arbitrary<unknown> {
  const candidates: Array<[string, fc.Arbitrary<unknown>]> = [
    ['string', fc.constantFrom('1', 'true', '', 'null')],
    ['number', fc.constantFrom(0, 1, -1, 1.5)],
    ['boolean', fc.boolean()],
    ['null', fc.constant(null)],
    ['array', fc.constantFrom([], ['x'], [1])],
    ['object', fc.constantFrom({}, { toString: 'x' }, { length: 1 })],
  ];
  return fc.oneof(...candidates.filter(([name]) => name !== type).map(([, arbitrary]) => arbitrary));
}

/** Derives valid and near-valid values of a contract schema. */
export function contractValues(schema: ContractSchema): ContractValues {
  const def = defOf(schema);
  switch (def.type) {
    case 'string':
      return stringValues(def);
    case 'number':
      return numberValues(def);
    case 'enum':
      return enumValues(def);
    case 'optional':
    case 'default':
      return { ...contractValues(inner(def)), omittable: true };
    case 'nullable': {
      const of = contractValues(inner(def));
      return { ...of, valid: fc.oneof(of.valid, fc.constant(null)) };
    }
    case 'array':
      return arrayValues(def);
    case 'object':
      return objectValues(schema, def);
    case 'pipe':
      return decimalQueryValues(def);
    default:
      throw new Error(
        `contractValues: the contract uses a "${def.type}" schema, which the walker does not know.`,
      );
  }
}

function inner(def: Def): ContractSchema {
  if (!def.innerType) throw new Error(`contractValues: a "${def.type}" schema without its inner type.`);
  return def.innerType;
}

/** Strings: length bounds (after trimming when the schema trims) and a format's pattern. */
function stringValues(def: Def): ContractValues {
  let min = 0;
  let max = Number.POSITIVE_INFINITY;
  let trims = false;
  let pattern = def.pattern;
  for (const check of checksOf(def)) {
    if (check.check === 'min_length') min = check.minimum ?? 0;
    else if (check.check === 'max_length') max = check.maximum ?? max;
    else if (check.check === 'string_format' && check.pattern) pattern = check.pattern;
    else if (check.check === 'overwrite' && check.tx?.(' x ') === 'x') trims = true;
    else throw new Error(`contractValues: the string check "${check.check}" is not one the walker knows.`);
  }
  if (pattern) return patternValues(pattern);
  const longest = Number.isFinite(max) ? max : 64;
  const fits = (value: string) => {
    const counted = trims ? value.trim() : value;
    return counted.length >= min && counted.length <= max;
  };
  const exactly = (length: number) =>
    fc
      .tuple(hostileString(Math.min(length, 40)), fc.constantFrom('a', 'Z', '€', '9'))
      .map(([start, fill]) => (start + fill.repeat(length)).slice(0, length))
      .filter(fits);
  const padding = fc.constantFrom(' ', '  ', '\t', '\u00a0', '\ufeff', '\u3000 ');
  const valid = fc.oneof(
    { weight: 4, arbitrary: hostileString(Math.min(longest, 60)).filter(fits) },
    { weight: 1, arbitrary: exactly(Math.max(min, 1)) },
    { weight: 1, arbitrary: exactly(longest) },
    ...(trims
      ? [fc.tuple(padding, exactly(longest), padding).map(([before, core, after]) => before + core + after)]
      : []),
  );
  const tooLong = fc
    .tuple(hostileString(20), fc.constantFrom('a', '€', '😀'))
    .map(([start, fill]) => (start + fill.repeat(longest + 1)).slice(0, longest + 1))
    .filter((value) => !fits(value));
  const nearValid = fc.oneof(
    ...(Number.isFinite(max) ? [tooLong] : []),
    ...(min > 0 ? [trims ? padding : fc.constant('')] : []),
    wrongType('string'),
  );
  return { valid, nearValid, omittable: false };
}

/** Strings of a format (an ISO date): matches of its pattern, and near-misses of them. */
function patternValues(pattern: RegExp): ContractValues {
  const valid = fc.stringMatching(pattern);
  const nearValid = fc.oneof(
    valid.map((value) => `${value}T00:00:00Z`),
    valid.map((value) => ` ${value}`),
    valid.map((value) => value.replace(/\d(?!.*\d)/, (digit) => String.fromCharCode(0xff10 + Number(digit)))),
    fc.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
    fc.constantFrom('2026-02-30', '2026-13-01', '2026-1-01', '20260101', '2025-02-29', ''),
    wrongType('string'),
  );
  return { valid, nearValid, omittable: false };
}

/** Integers within inclusive bounds (safe integers at most), and the numbers just outside them. */
function numberValues(def: Def): ContractValues & { readonly valid: fc.Arbitrary<number> } {
  let min = Number.MIN_SAFE_INTEGER;
  let max = Number.MAX_SAFE_INTEGER;
  let integer = false;
  for (const check of checksOf(def)) {
    if (check.check === 'number_format' && check.format === 'safeint') integer = true;
    else if (check.check === 'greater_than' && check.inclusive) min = Math.max(min, check.value ?? min);
    else if (check.check === 'less_than' && check.inclusive) max = Math.min(max, check.value ?? max);
    else throw new Error(`contractValues: the number check "${check.check}" is not one the walker knows.`);
  }
  if (!integer) throw new Error('contractValues: only integer numbers are known to the walker.');
  const valid = fc.oneof(
    fc.constantFrom(min, max, min + 1, max - 1),
    fc.bigInt({ min: BigInt(min), max: BigInt(max) }).map(Number),
    fc.integer({ min, max: Math.min(max, min + 1000) }),
  );
  const nearValid = fc.oneof(
    fc.constantFrom(min - 1, max + 1, min + 0.5, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 1e308, -1e308, 0.1),
    wrongType('number'),
  );
  return { valid, nearValid, omittable: false };
}

/** One of an enum's values, and near-misses: another case, padding, built-in names. */
function enumValues(def: Def): ContractValues {
  const values = Object.values(def.entries ?? {});
  const valid = fc.constantFrom(...values);
  const nearValid = fc.oneof(
    valid.map((value) => value.toUpperCase()),
    valid.map((value) => `${value} `),
    valid.map((value) => `${value}\u0000`),
    fc.constantFrom(...BUILT_IN_NAMES, ''),
    wrongType('string'),
  );
  return { valid, nearValid, omittable: false };
}

/** Arrays up to their length bound of valid elements; one too many, one bad element, a wrong type. */
function arrayValues(def: Def): ContractValues {
  if (!def.element) throw new Error('contractValues: an array schema without its element.');
  const element = contractValues(def.element);
  let max = 20;
  for (const check of checksOf(def)) {
    if (check.check === 'max_length') max = check.maximum ?? max;
    else throw new Error(`contractValues: the array check "${check.check}" is not one the walker knows.`);
  }
  const valid = fc.oneof(
    fc.array(element.valid, { maxLength: max }),
    fc.array(element.valid, { minLength: max, maxLength: max }),
  );
  const nearValid = fc.oneof(
    fc.array(element.valid, { minLength: max + 1, maxLength: max + 3 }),
    fc
      .tuple(fc.array(element.valid, { maxLength: 3 }), element.nearValid)
      .map(([good, bad]) => [...good, bad]),
    wrongType('array'),
  );
  return { valid, nearValid, omittable: false };
}

/** Builds an object from entries with every key an own property, `__proto__` included. */
const objectOf = (entries: ReadonlyArray<readonly [string, unknown]>): Record<string, unknown> =>
  Object.fromEntries(entries);

const ABSENT = Symbol('absent');

/**
 * Objects: each key valid (optional ones sometimes left out), then filtered by the schema itself
 * for object-level refinements the walker cannot read (a PATCH needs a field besides `version`).
 * Near-valid: one field near-valid, a required key missing, an unknown key, not an object.
 */
function objectValues(schema: ContractSchema, def: Def): ContractValues {
  const fields = Object.entries(def.shape ?? {}).map(([key, field]) => ({ key, ...contractValues(field) }));
  const strict = def.catchall !== undefined && defOf(def.catchall).type === 'never';
  if (!strict) throw new Error('contractValues: only strict objects are known to the walker.');
  const accepts = (value: unknown) => z.safeParse(schema, value).success;
  const valid = fc
    .tuple(
      ...fields.map((field) =>
        field.omittable ? fc.option(field.valid, { nil: ABSENT, freq: 3 }) : field.valid,
      ),
    )
    .map((values) =>
      objectOf(fields.flatMap((field, i) => (values[i] === ABSENT ? [] : [[field.key, values[i]] as const]))),
    )
    .filter(accepts);
  const keys = fields.map((field) => field.key);
  const required = fields.filter((field) => !field.omittable).map((field) => field.key);
  const oneFieldOff = fc.tuple(valid, fc.nat({ max: fields.length - 1 })).chain(([object, i]) => {
    const field = fields[i] ?? fields[0];
    if (!field) return fc.constant(object);
    return field.nearValid.map((bad) => objectOf([...Object.entries(object), [field.key, bad]]));
  });
  const nearValid = fc.oneof(
    { weight: 4, arbitrary: oneFieldOff },
    {
      weight: 2,
      arbitrary: fc
        .tuple(valid, extraKeys(keys), anyJson)
        .map(([object, key, value]) => objectOf([...Object.entries(object), [key, value]])),
    },
    ...(required.length > 0
      ? [
          fc
            .tuple(valid, fc.constantFrom(...required))
            .map(([object, key]) => objectOf(Object.entries(object).filter(([name]) => name !== key))),
        ]
      : []),
    wrongType('object'),
  );
  return { valid, nearValid, omittable: false };
}

/**
 * A query integer: a pipe from canonical decimal digits to a bounded number. Valid: the bounded
 * numbers in canonical digits. Near-valid: numbers just out of range, and valid numbers spelled
 * the ways `Number()` accepts but the contract must not (hex, exponent, sign, leading zero,
 * padding, fractions, full-width digits).
 */
function decimalQueryValues(def: Def): ContractValues {
  const digits = def.in && defOf(def.in);
  const toNumber = digits?.type === 'pipe' && digits.out ? defOf(digits.out) : undefined;
  if (!def.out || !digits?.in || toNumber?.transform !== Number)
    throw new Error('contractValues: the only pipe the walker knows is digits → Number → a bounded number.');
  const numbers = numberValues(defOf(def.out));
  const valid = numbers.valid.map(String);
  const nearValid = fc.oneof(
    numbers.nearValid.filter((value) => typeof value === 'number').map(String),
    numbers.valid.chain((n: number) =>
      fc.constantFrom(
        `0x${n.toString(16)}`,
        `${n}e0`,
        `+${n}`,
        `0${n}`,
        ` ${n}`,
        `${n} `,
        `${n}.0`,
        String(n).replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d))),
        `${n}\u0000`,
      ),
    ),
    fc.constantFrom('', '-0', 'NaN', 'Infinity', '1_0'),
    // Canonical digits past every safe integer: Number() rounds them.
    fc.bigInt({ min: 2n ** 53n, max: 10n ** 30n }).map(String),
  );
  return { valid, nearValid, omittable: false };
}
