/**
 * Capacity units as DynamoDB charges them, from item sizes in UTF-8 bytes (the local store counts
 * a string's characters, which undercounts anything but ASCII): a write costs one unit per KB of
 * the larger of the item before and after it; a read one per 4 KB, half that when eventually
 * consistent. A write also costs each global secondary index the item is in, before or after,
 * which the local store does not report: one unit per KB of the index entry (the item projected
 * onto the index) — one write to put it, one to delete it, two when its index key changes.
 */

/** An attribute value in DynamoDB's JSON (`{ "S": "…" }`, `{ "N": "1" }`, `{ "M": {…} }`, …). */
export type AttributeValue = Readonly<Record<string, unknown>>;
export type Item = Readonly<Record<string, AttributeValue>>;

/** A global secondary index as the table declares it. */
export interface IndexShape {
  readonly name: string;
  /** Its partition and sort key attribute names. */
  readonly keys: readonly string[];
  readonly projection: 'ALL' | 'KEYS_ONLY' | 'INCLUDE';
  /** `NonKeyAttributes` of an INCLUDE projection. */
  readonly include: readonly string[];
}

/** The parts of a table definition the front needs. */
export interface TableShape {
  /** Its partition and sort key attribute names. */
  readonly keys: readonly string[];
  readonly indexes: readonly IndexShape[];
}

/** Reads the shape out of a template's (resolved) table properties. */
export function tableShapeOf(properties: {
  KeySchema?: unknown;
  GlobalSecondaryIndexes?: unknown;
}): TableShape {
  const keysOf = (schema: unknown) =>
    ((schema ?? []) as Array<{ AttributeName: string }>).map((k) => String(k.AttributeName));
  const indexes = ((properties.GlobalSecondaryIndexes ?? []) as Array<Record<string, unknown>>).map(
    (index) => {
      const projection = (index.Projection ?? {}) as { ProjectionType?: string; NonKeyAttributes?: string[] };
      return {
        name: String(index.IndexName),
        keys: keysOf(index.KeySchema),
        projection: (projection.ProjectionType ?? 'ALL') as IndexShape['projection'],
        include: (projection.NonKeyAttributes ?? []).map(String),
      };
    },
  );
  return { keys: keysOf(properties.KeySchema), indexes };
}

/** The item's key attributes, for the `Key` of a GetItem. */
export function keyOf(table: TableShape, item: Item): Item {
  return Object.fromEntries(table.keys.flatMap((name) => (item[name] ? [[name, item[name]]] : [])));
}

/**
 * Write units each index consumes for one item write, from the item before and after it
 * (undefined: absent). An index without a write is left out.
 */
export function indexWriteUnits(
  table: TableShape,
  before: Item | undefined,
  after: Item | undefined,
): Map<string, number> {
  const units = new Map<string, number>();
  for (const index of table.indexes) {
    const old = before && inIndex(index, before) ? entryOf(table, index, before) : undefined;
    const next = after && inIndex(index, after) ? entryOf(table, index, after) : undefined;
    let cost = 0;
    if (old && next) {
      const keyChanged = index.keys.some((k) => !sameValue(before?.[k], after?.[k]));
      if (keyChanged) cost = unitsOf(old) + unitsOf(next);
      else if (!sameEntry(old, next)) cost = unitsOf(next);
    } else if (old) cost = unitsOf(old);
    else if (next) cost = unitsOf(next);
    if (cost > 0) units.set(index.name, cost);
  }
  return units;
}

/** Write units of one item write: per KB of the larger image, at least one. */
export function writeUnits(before: Item | undefined, after: Item | undefined): number {
  return Math.max(1, Math.ceil(Math.max(before ? itemSize(before) : 0, after ? itemSize(after) : 0) / 1024));
}

/**
 * Read units of items read: rounded per item (`GetItem`, where a missing item still costs the
 * minimum) or over their total (`Query`, `Scan`).
 */
export function readUnits(
  items: ReadonlyArray<Item | undefined>,
  consistent: boolean,
  perItem: boolean,
): number {
  const blocks = (bytes: number) => Math.max(1, Math.ceil(bytes / 4096));
  const sizes = items.map((item) => (item ? itemSize(item) : 0));
  const total = perItem
    ? sizes.reduce((sum, size) => sum + blocks(size), 0)
    : blocks(sizes.reduce((a, b) => a + b, 0));
  return consistent ? total : total / 2;
}

/** An item is in a (sparse) index only when it has every one of the index's key attributes. */
function inIndex(index: IndexShape, item: Item): boolean {
  return index.keys.every((k) => item[k] !== undefined);
}

/** The item as the index stores it: the table's and index's keys, plus the projected attributes. */
function entryOf(table: TableShape, index: IndexShape, item: Item): Item {
  if (index.projection === 'ALL') return item;
  const names = new Set([
    ...table.keys,
    ...index.keys,
    ...(index.projection === 'INCLUDE' ? index.include : []),
  ]);
  return Object.fromEntries(Object.entries(item).filter(([name]) => names.has(name)));
}

function unitsOf(entry: Item): number {
  return Math.max(1, Math.ceil(itemSize(entry) / 1024));
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function sameEntry(a: Item, b: Item): boolean {
  const names = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...names].every((name) => sameValue(a[name], b[name]));
}

/** DynamoDB's item size: each attribute's name (UTF-8 bytes) plus its value's size. */
export function itemSize(item: Item): number {
  return Object.entries(item).reduce(
    (sum, [name, value]) => sum + Buffer.byteLength(name) + valueSize(value),
    0,
  );
}

function valueSize(value: AttributeValue): number {
  const [type, raw] = Object.entries(value)[0] ?? ['NULL', true];
  switch (type) {
    case 'S':
      return Buffer.byteLength(String(raw));
    case 'N':
      return numberSize(String(raw));
    case 'B':
      return Buffer.from(String(raw), 'base64').length;
    case 'SS':
      return (raw as string[]).reduce((sum, s) => sum + Buffer.byteLength(s), 0);
    case 'NS':
      return (raw as string[]).reduce((sum, n) => sum + numberSize(n), 0);
    case 'BS':
      return (raw as string[]).reduce((sum, b) => sum + Buffer.from(b, 'base64').length, 0);
    case 'L':
      return 3 + (raw as AttributeValue[]).reduce((sum, v) => sum + 1 + valueSize(v), 0);
    case 'M': {
      const map = raw as Item;
      return 3 + Object.keys(map).length + itemSize(map);
    }
    default:
      // BOOL and NULL.
      return 1;
  }
}

/** A number takes about one byte per two significant digits, plus one. */
function numberSize(text: string): number {
  const digits = text
    .replace(/^-/, '')
    .replace(/e.*$/i, '')
    .replace('.', '')
    .replace(/^0+/, '')
    .replace(/0+$/, '');
  return Math.ceil(Math.max(1, digits.length) / 2) + 1;
}
