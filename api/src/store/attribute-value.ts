/**
 * Plain values to DynamoDB JSON and back, for the values the store keeps: strings, numbers,
 * booleans, null, lists and maps. Maps read back are null-prototype objects, so an attribute
 * named `__proto__` is data, not a prototype.
 */

/** A DynamoDB attribute value, of the types the store writes. */
export type AttributeValue =
  | { readonly S: string }
  | { readonly N: string }
  | { readonly BOOL: boolean }
  | { readonly NULL: true }
  | { readonly L: readonly AttributeValue[] }
  | { readonly M: Readonly<Record<string, AttributeValue>> };

/** An item, key or expression-values map in DynamoDB JSON. */
export type AttributeMap = Record<string, AttributeValue>;

/** `value` as a DynamoDB attribute value; `path` names it in the error for a type it cannot hold. */
export function toAttributeValue(value: unknown, path = 'value'): AttributeValue {
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'boolean') return { BOOL: value };
  if (value === null) return { NULL: true };
  if (typeof value === 'number') return { N: numberText(value, path) };
  if (Array.isArray(value)) return { L: value.map((member, i) => toAttributeValue(member, `${path}[${i}]`)) };
  if (typeof value === 'object' && isPlainObject(value)) {
    return { M: marshall(value as Record<string, unknown>, path) };
  }
  throw new TypeError(`${path}: DynamoDB JSON has no type for ${describe(value)}`);
}

/** A record of plain values in DynamoDB JSON; `undefined` members are left out. */
export function marshall(record: Readonly<Record<string, unknown>>, path = 'item'): AttributeMap {
  const out: AttributeMap = Object.create(null);
  for (const [name, value] of Object.entries(record)) {
    if (value !== undefined) out[name] = toAttributeValue(value, `${path}.${name}`);
  }
  return out;
}

/** An item in DynamoDB JSON as plain values. */
export function unmarshall(item: Readonly<Record<string, unknown>>, path = 'item'): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null);
  for (const [name, value] of Object.entries(item)) out[name] = fromAttributeValue(value, `${path}.${name}`);
  return out;
}

/** A DynamoDB attribute value as a plain value; `path` names it in the error for a type the store never writes. */
export function fromAttributeValue(value: unknown, path = 'value'): unknown {
  if (typeof value !== 'object' || value === null)
    throw new TypeError(`${path}: not a DynamoDB attribute value`);
  const attribute = value as Record<string, unknown>;
  if (typeof attribute.S === 'string') return attribute.S;
  if (typeof attribute.N === 'string') return numberOf(attribute.N, path);
  if (typeof attribute.BOOL === 'boolean') return attribute.BOOL;
  if (attribute.NULL === true) return null;
  if (Array.isArray(attribute.L))
    return attribute.L.map((member, i) => fromAttributeValue(member, `${path}[${i}]`));
  if (typeof attribute.M === 'object' && attribute.M !== null) {
    return unmarshall(attribute.M as Record<string, unknown>, path);
  }
  throw new TypeError(
    `${path}: the store does not read DynamoDB type ${Object.keys(attribute).join(', ') || '(none)'}`,
  );
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value !== 'object') return `a ${typeof value}`;
  return `an object of class ${(value as object).constructor?.name ?? 'null-prototype'}`;
}

function isPlainObject(value: object): boolean {
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** DynamoDB's number range: magnitudes from 1E-130 up to, not including, 1E+126. */
const SMALLEST_MAGNITUDE = 1e-130;
const MAGNITUDE_LIMIT = 1e126;

/** A number as DynamoDB stores it, refusing what it would refuse or what would not read back exactly. */
function numberText(value: number, path: string): string {
  const magnitude = Math.abs(value);
  if (
    !Number.isFinite(value) ||
    (magnitude !== 0 && (magnitude < SMALLEST_MAGNITUDE || magnitude >= MAGNITUDE_LIMIT))
  ) {
    throw new TypeError(`${path}: DynamoDB cannot store the number ${value}`);
  }
  if (Number.isInteger(value) && !Number.isSafeInteger(value)) {
    throw new TypeError(`${path}: ${value} is beyond the integers a JavaScript number holds exactly`);
  }
  return String(value);
}

/** A stored number as a JavaScript number, refusing an integer it cannot hold exactly. */
function numberOf(text: string, path: string): number {
  const value = Number(text);
  if (Number.isInteger(value) && !Number.isSafeInteger(value)) {
    throw new TypeError(`${path}: ${text} is beyond the integers a JavaScript number holds exactly`);
  }
  return value;
}
