/**
 * API Gateway's request validation: the body against the method's model (JSON Schema draft 4,
 * checked by ajv's draft-04 validator) and the presence of required request parameters, with
 * API Gateway's own messages. API Gateway validates with the json-schema-validator library and
 * lists every failure in `$context.error.validationErrorString` as `[message, message, …]`; the
 * messages below are that library's wording for each draft-4 keyword.
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import Ajv from 'ajv-draft-04';

/** A draft-4 JSON Schema, as an `AWS::ApiGateway::Model`'s `Schema` holds it. */
export type JsonSchema = Readonly<Record<string, unknown>>;

// `ownProperties`: a body key named like an Object.prototype member (`constructor`) is just a key.
// `format` is not checked, as API Gateway does not check it.
// `verbose`: errors carry their schema, for messages that count a keyword's subschemas.
const ajv = new Ajv({
  allErrors: true,
  strict: false,
  ownProperties: true,
  validateFormats: false,
  verbose: true,
});
const compiled = new WeakMap<JsonSchema, ValidateFunction>();

function validatorOf(schema: JsonSchema): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  return validate;
}

/** Whether `value` satisfies `schema` (draft 4). */
export function matchesSchema(schema: JsonSchema, value: unknown): boolean {
  return validatorOf(schema)(value) === true;
}

/** What a method's validator checks, read from its RequestValidator, RequestModels and RequestParameters. */
export interface MethodValidation {
  readonly body?: JsonSchema;
  /** e.g. `path.id`, `querystring.status`, `header.Idempotency-Key`. */
  readonly requiredParameters: readonly string[];
}

export interface RequestParts {
  readonly body: Buffer;
  readonly pathParameters: Readonly<Record<string, string>> | null;
  readonly query: URLSearchParams;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

export interface ValidationFailure {
  readonly type: 'BAD_REQUEST_BODY' | 'BAD_REQUEST_PARAMETERS';
  readonly message: string;
  /** `$context.error.validationErrorString`. */
  readonly validationErrorString: string;
}

/** API Gateway's 400 for an invalid request, or undefined when it is valid. */
export function validateRequest(
  validation: MethodValidation,
  request: RequestParts,
): ValidationFailure | undefined {
  const missing = validation.requiredParameters.filter((parameter) => !hasParameter(parameter, request));
  if (missing.length > 0) {
    const message = `Missing required request parameters: [${missing.map((p) => p.split('.').slice(1).join('.')).join(', ')}]`;
    return { type: 'BAD_REQUEST_PARAMETERS', message, validationErrorString: message };
  }
  if (validation.body === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = request.body.length === 0 ? {} : JSON.parse(request.body.toString('utf8'));
  } catch {
    return {
      type: 'BAD_REQUEST_BODY',
      message: 'Invalid request body',
      validationErrorString: '[Invalid JSON in request body]',
    };
  }
  const validate = validatorOf(validation.body);
  if (validate(parsed)) return undefined;
  return {
    type: 'BAD_REQUEST_BODY',
    message: 'Invalid request body',
    validationErrorString: `[${grouped(validate.errors ?? [])
      .map((error) => messageOf(error, parsed))
      .join(', ')}]`,
  };
}

/** The keywords json-schema-validator reports once per object, listing every property at fault. */
const LISTING_KEYWORDS: ReadonlySet<string> = new Set(['required', 'additionalProperties']);

/**
 * ajv's errors as json-schema-validator reports them: ajv gives one `required` error per missing
 * property and one `additionalProperties` error per unwanted one, where json-schema-validator
 * gives one per schema and object naming them all, sorted (so 10,000 unwanted keys are one
 * message, not 10,000). A grouped error carries the sorted names in `params.missingProperties` or
 * `params.additionalProperties`. And as json-schema-validator checks an object's keywords in the
 * order of their names, each object's errors are put in that order (`additionalProperties` before
 * `required` before `type`); objects stay in ajv's order.
 */
export function grouped(errors: readonly ErrorObject[]): ErrorObject[] {
  const out: ErrorObject[] = [];
  const groups = new Map<string, Set<string>>();
  for (const error of errors) {
    if (!LISTING_KEYWORDS.has(error.keyword)) {
      out.push(error);
      continue;
    }
    // One group per keyword, failing subschema and object: anyOf's branches stay apart.
    const key = `${error.keyword}\0${error.schemaPath}\0${error.instancePath}`;
    const p = error.params as Record<string, unknown>;
    const name = String(error.keyword === 'required' ? p.missingProperty : p.additionalProperty);
    const names = groups.get(key);
    if (names) {
      names.add(name);
      continue;
    }
    const found = new Set([name]);
    groups.set(key, found);
    const listParam = error.keyword === 'required' ? 'missingProperties' : 'additionalProperties';
    out.push({ ...error, params: { ...p, [listParam]: found } });
  }
  const objectOrder = new Map<string, number>();
  for (const error of out)
    if (!objectOrder.has(error.instancePath)) objectOrder.set(error.instancePath, objectOrder.size);
  const rank = (error: ErrorObject) => objectOrder.get(error.instancePath) ?? 0;
  return out
    .map((error) => {
      const p = error.params as Record<string, unknown>;
      const listParam = error.keyword === 'required' ? 'missingProperties' : 'additionalProperties';
      const found = p[listParam];
      return found instanceof Set ? { ...error, params: { ...p, [listParam]: [...found].sort() } } : error;
    })
    .sort((a, b) => rank(a) - rank(b) || (a.keyword < b.keyword ? -1 : a.keyword > b.keyword ? 1 : 0));
}

/** The json-schema-validator message for one failed keyword. */
export function messageOf(error: ErrorObject, root: unknown): string {
  const p = error.params as Record<string, unknown>;
  const value = valueAt(root, error.instancePath);
  const json = (v: unknown) => JSON.stringify(v);
  const schema = error.parentSchema as Record<string, unknown> | undefined;
  switch (error.keyword) {
    case 'required':
      return `object has missing required properties (${json(p.missingProperties ?? [p.missingProperty])})`;
    case 'additionalProperties':
      return `object instance has properties which are not allowed by the schema: ${json(p.additionalProperties ?? [p.additionalProperty])}`;
    case 'type':
      return `instance type (${typeName(value)}) does not match any allowed primitive type (allowed: ${json([p.type].flat().flatMap((t) => String(t).split(',')))})`;
    case 'enum':
      return `instance value (${json(value)}) not found in enum (possible values: ${json(p.allowedValues)})`;
    case 'minLength':
      return `string ${json(value)} is too short (length: ${[...String(value)].length}, required minimum: ${p.limit})`;
    case 'maxLength':
      return `string ${json(value)} is too long (length: ${[...String(value)].length}, maximum allowed: ${p.limit})`;
    case 'pattern':
      return `ECMA 262 regex ${json(p.pattern)} does not match input string ${json(value)}`;
    case 'minimum':
      return p.comparison === '>'
        ? `numeric instance is not strictly greater than the required minimum ${p.limit}`
        : `numeric instance is lower than the required minimum (minimum: ${p.limit}, found: ${json(value)})`;
    case 'maximum':
      return p.comparison === '<'
        ? `numeric instance is not strictly lower than the required maximum ${p.limit}`
        : `numeric instance is greater than the required maximum (maximum: ${p.limit}, found: ${json(value)})`;
    case 'multipleOf':
      return `remainder of division is not zero (${json(value)} / ${p.multipleOf})`;
    case 'minItems':
      return `array is too short: must have at least ${p.limit} elements but instance has ${arrayLength(value)} elements`;
    case 'maxItems':
      return `array is too long: must have at most ${p.limit} elements but instance has ${arrayLength(value)} elements`;
    case 'uniqueItems':
      return 'array must not contain duplicate elements';
    case 'minProperties':
      return `object has too few properties (found ${objectSize(value)}, required minimum: ${p.limit})`;
    case 'maxProperties':
      return `object has too many properties (found ${objectSize(value)}, maximum allowed: ${p.limit})`;
    case 'anyOf':
      return `instance failed to match at least one required schema among ${arrayLength(schema?.anyOf)}`;
    case 'oneOf':
      return `instance failed to match exactly one schema (matched ${Array.isArray(p.passingSchemas) ? p.passingSchemas.length : 0} out of ${arrayLength(schema?.oneOf)})`;
    case 'not':
      return 'instance matched a schema which it should not have';
    default:
      return `instance failed to match the schema at ${error.instancePath || '/'} (${error.keyword})`;
  }
}

/** The value at a JSON pointer (`/tags/0`). */
function valueAt(root: unknown, pointer: string): unknown {
  if (pointer === '') return root;
  let value = root;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** JSON Schema's name for a value's type, as the validator reports it. */
function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function arrayLength(value: unknown): number {
  return Array.isArray(value) ? value.length : 0;
}

function objectSize(value: unknown): number {
  return typeof value === 'object' && value !== null ? Object.keys(value).length : 0;
}

function hasParameter(parameter: string, request: RequestParts): boolean {
  const [where = '', ...rest] = parameter.split('.');
  const name = rest.join('.');
  const own = (record: Readonly<Record<string, unknown>> | null, key: string) =>
    record !== null && Object.hasOwn(record, key) && record[key] !== undefined && record[key] !== '';
  if (where === 'path') return own(request.pathParameters, name);
  if (where === 'querystring') return request.query.has(name);
  if (where === 'header') return own(request.headers, name.toLowerCase());
  return true;
}
