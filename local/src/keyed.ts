/**
 * Records keyed by names that come from outside (a request, a file): null-prototype objects, so
 * `constructor`, `toString` or `__proto__` is just another key.
 */

/** A record keyed by names that may come from a request: always made by {@link keyed}. */
export type Keyed<T> = Record<string, T>;

/** An empty null-prototype record: no inherited `constructor`, `toString` or `__proto__` to look up. */
export function keyed<T>(entries: Iterable<readonly [string, T]> = []): Keyed<T> {
  const record = Object.create(null) as Keyed<T>;
  for (const [key, value] of entries) record[key] = value;
  return record;
}

/** JSON.parse reviver that gives every parsed object a null prototype. */
export function nullPrototypeObjects(_key: string, value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  return keyed(Object.entries(value));
}
