/**
 * Committed example values. The repository ships configuration that synthesizes every path
 * offline (HTTPS on a domain, SES e-mail, a pipeline source) without anyone's real domain or
 * repository in it; a deploy must refuse those values, or a first deploy would request a
 * certificate for `tasks.example.com` and wait forever for its validation.
 */

const EXAMPLE_VALUES = new Set<string>();

/**
 * Marks a committed value as an example: synth accepts it, a deploy refuses it naming its key.
 * Replace the whole `example('…')` call with your value.
 */
export function example<T extends string>(value: T): T {
  EXAMPLE_VALUES.add(value);
  return value;
}

/** Domains reserved for documentation (RFC 2606, RFC 6761): they can never be anyone's real one. */
const RESERVED_DOMAIN = /(^|\.)(example\.(com|net|org)|example|test|invalid|localhost)$/i;

/** True for a host name, or the domain of an e-mail address, that is reserved for examples. */
export function isReservedExampleDomain(value: string): boolean {
  const domain = (value.includes('@') ? value.slice(value.lastIndexOf('@') + 1) : value).replace(/\.$/, '');
  return /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(domain) && RESERVED_DOMAIN.test(domain);
}

/** A key of a configuration object that still holds an example value. */
export interface ExampleValue {
  /** Dotted path of the key, e.g. `domain.name`. */
  readonly key: string;
  readonly value: string;
}

/**
 * The first key, in declaration order, whose value was marked with {@link example} or names a
 * reserved example domain; undefined when the configuration holds none.
 */
export function findExampleValue(config: object, path = ''): ExampleValue | undefined {
  for (const [name, value] of Object.entries(config)) {
    const key = Array.isArray(config) ? `${path}[${name}]` : path ? `${path}.${name}` : name;
    if (typeof value === 'string' && (EXAMPLE_VALUES.has(value) || isReservedExampleDomain(value))) {
      return { key, value };
    }
    if (value !== null && typeof value === 'object') {
      const nested = findExampleValue(value, key);
      if (nested) return nested;
    }
  }
  return undefined;
}
