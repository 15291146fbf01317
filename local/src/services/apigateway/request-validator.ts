/**
 * API Gateway's request validation: the body against the method's JSON Schema (draft 4) model
 * and the presence of required request parameters, with API Gateway's own error messages.
 */

/** The draft-4 keywords API Gateway models use. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  enum?: unknown[];
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  minItems?: number;
  maxItems?: number;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  not?: JsonSchema;
}

/** Whether `value` satisfies `schema` (draft 4; `format` is not checked, as in API Gateway). */
export function matchesSchema(schema: JsonSchema, value: unknown): boolean {
  if (schema.type !== undefined && ![schema.type].flat().some((type) => hasType(type, value))) return false;
  if (schema.enum && !schema.enum.some((option) => JSON.stringify(option) === JSON.stringify(value)))
    return false;
  if (schema.anyOf && !schema.anyOf.some((s) => matchesSchema(s, value))) return false;
  if (schema.oneOf && schema.oneOf.filter((s) => matchesSchema(s, value)).length !== 1) return false;
  if (schema.allOf && !schema.allOf.every((s) => matchesSchema(s, value))) return false;
  if (schema.not && matchesSchema(schema.not, value)) return false;
  if (typeof value === 'string') return matchesString(schema, value);
  if (typeof value === 'number') return matchesNumber(schema, value);
  if (Array.isArray(value)) return matchesArray(schema, value);
  if (typeof value === 'object' && value !== null)
    return matchesObject(schema, value as Record<string, unknown>);
  return true;
}

function hasType(type: string, value: unknown): boolean {
  switch (type) {
    case 'null':
      return value === null;
    case 'array':
      return Array.isArray(value);
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'integer':
      return Number.isInteger(value);
    default:
      return typeof value === type;
  }
}

function matchesString(schema: JsonSchema, value: string): boolean {
  const length = [...value].length;
  if (schema.minLength !== undefined && length < schema.minLength) return false;
  if (schema.maxLength !== undefined && length > schema.maxLength) return false;
  return schema.pattern === undefined || new RegExp(schema.pattern, 'u').test(value);
}

function matchesNumber(schema: JsonSchema, value: number): boolean {
  if (
    schema.minimum !== undefined &&
    (schema.exclusiveMinimum ? value <= schema.minimum : value < schema.minimum)
  )
    return false;
  return (
    schema.maximum === undefined ||
    (schema.exclusiveMaximum ? value < schema.maximum : value <= schema.maximum)
  );
}

function matchesArray(schema: JsonSchema, value: unknown[]): boolean {
  if (schema.minItems !== undefined && value.length < schema.minItems) return false;
  if (schema.maxItems !== undefined && value.length > schema.maxItems) return false;
  const items = schema.items;
  return items === undefined || value.every((item) => matchesSchema(items, item));
}

function matchesObject(schema: JsonSchema, value: Record<string, unknown>): boolean {
  if (schema.required?.some((name) => !(name in value))) return false;
  for (const [name, item] of Object.entries(value)) {
    const property = schema.properties?.[name];
    if (property) {
      if (!matchesSchema(property, item)) return false;
    } else if (schema.additionalProperties === false) {
      return false;
    } else if (
      typeof schema.additionalProperties === 'object' &&
      !matchesSchema(schema.additionalProperties, item)
    ) {
      return false;
    }
  }
  return true;
}

/** What a method's validator checks, read from its RequestValidator, RequestModels and RequestParameters. */
export interface MethodValidation {
  readonly body?: JsonSchema;
  /** e.g. `path.id`, `querystring.status`, `header.Idempotency-Key`. */
  readonly requiredParameters: readonly string[];
}

export interface RequestParts {
  readonly body: Buffer;
  readonly pathParameters: Record<string, string> | null;
  readonly query: URLSearchParams;
  readonly headers: Record<string, string | string[] | undefined>;
}

export interface ValidationFailure {
  readonly type: 'BAD_REQUEST_BODY' | 'BAD_REQUEST_PARAMETERS';
  readonly message: string;
  /** `$context.error.validationErrorString`, approximated: API Gateway's exact wording is not public. */
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
  if (matchesSchema(validation.body, parsed)) return undefined;
  return {
    type: 'BAD_REQUEST_BODY',
    message: 'Invalid request body',
    validationErrorString: `[${explain(validation.body, parsed)}]`,
  };
}

/** A one-line reason in the style of API Gateway's validator. */
function explain(schema: JsonSchema, value: unknown): string {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return 'instance type does not match the schema';
  const object = value as Record<string, unknown>;
  const missing = (schema.required ?? []).filter((name) => !(name in object));
  if (missing.length > 0) return `object has missing required properties (${JSON.stringify(missing)})`;
  const extra = Object.keys(object).filter((name) => !schema.properties?.[name]);
  if (extra.length > 0 && schema.additionalProperties === false) {
    return `object instance has properties which are not allowed by the schema: ${JSON.stringify(extra)}`;
  }
  const invalid = Object.entries(object).find(
    ([name, item]) => schema.properties?.[name] && !matchesSchema(schema.properties[name] ?? {}, item),
  );
  return invalid
    ? `instance failed to match the schema at /${invalid[0]}`
    : 'instance does not match the schema';
}

function hasParameter(parameter: string, request: RequestParts): boolean {
  const [where = '', ...rest] = parameter.split('.');
  const name = rest.join('.');
  if (where === 'path') return Boolean(request.pathParameters?.[name]);
  if (where === 'querystring') return request.query.has(name);
  if (where === 'header') return request.headers[name.toLowerCase()] !== undefined;
  return true;
}
