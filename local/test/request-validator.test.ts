import { describe, expect, it } from 'vitest';
import {
  type JsonSchema,
  matchesSchema,
  validateRequest,
} from '../src/services/apigateway/request-validator.js';

const TASK: JsonSchema = {
  type: 'object',
  properties: {
    title: { type: 'string', minLength: 1, maxLength: 5 },
    version: { type: 'integer', minimum: 0, exclusiveMinimum: true },
    status: { type: 'string', enum: ['todo', 'done'] },
    dueDate: { anyOf: [{ type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' }, { type: 'null' }] },
    tags: { type: 'array', maxItems: 2, items: { type: 'string', minLength: 1 } },
  },
  required: ['title'],
  additionalProperties: false,
};

describe('matchesSchema (JSON Schema draft 4, as API Gateway models use it)', () => {
  it('accepts a body that fits the model', () => {
    expect(matchesSchema(TASK, { title: 'ok', version: 1, status: 'done', dueDate: null, tags: ['a'] })).toBe(
      true,
    );
    expect(matchesSchema(TASK, { title: 'ok', dueDate: '2026-01-31' })).toBe(true);
  });

  it('rejects each kind of violation', () => {
    expect(matchesSchema(TASK, {})).toBe(false);
    expect(matchesSchema(TASK, { title: '' })).toBe(false);
    expect(matchesSchema(TASK, { title: 'toolong' })).toBe(false);
    expect(matchesSchema(TASK, { title: 'ok', version: 0 })).toBe(false);
    expect(matchesSchema(TASK, { title: 'ok', version: 1.5 })).toBe(false);
    expect(matchesSchema(TASK, { title: 'ok', status: 'doing' })).toBe(false);
    expect(matchesSchema(TASK, { title: 'ok', dueDate: 'soon' })).toBe(false);
    expect(matchesSchema(TASK, { title: 'ok', tags: ['a', 'b', 'c'] })).toBe(false);
    expect(matchesSchema(TASK, { title: 'ok', other: 1 })).toBe(false);
    expect(matchesSchema(TASK, ['title'])).toBe(false);
  });
});

describe('validateRequest', () => {
  const parts = { pathParameters: { id: 'x' }, query: new URLSearchParams(), headers: {} };

  it("answers with API Gateway's messages", () => {
    expect(
      validateRequest({ body: TASK, requiredParameters: [] }, { ...parts, body: Buffer.from('{') }),
    ).toMatchObject({ type: 'BAD_REQUEST_BODY', message: 'Invalid request body' });
    expect(
      validateRequest(
        { body: TASK, requiredParameters: [] },
        { ...parts, body: Buffer.from('{"title":"a","x":1}') },
      )?.validationErrorString,
    ).toBe('[object instance has properties which are not allowed by the schema: ["x"]]');
    expect(
      validateRequest({ requiredParameters: ['querystring.status'] }, { ...parts, body: Buffer.alloc(0) }),
    ).toMatchObject({
      type: 'BAD_REQUEST_PARAMETERS',
      message: 'Missing required request parameters: [status]',
    });
    expect(
      validateRequest(
        { body: TASK, requiredParameters: ['path.id'] },
        { ...parts, body: Buffer.from('{"title":"a"}') },
      ),
    ).toBeUndefined();
  });
});

describe("the validator's messages (json-schema-validator's, as API Gateway answers)", () => {
  const parts = { pathParameters: {}, query: new URLSearchParams(), headers: {} };
  const errorsFor = (schema: JsonSchema, body: unknown) =>
    validateRequest(
      { body: schema, requiredParameters: [] },
      { ...parts, body: Buffer.from(JSON.stringify(body)) },
    )?.validationErrorString;

  it.each([
    [{ type: 'object', required: ['version'] }, {}, '[object has missing required properties (["version"])]'],
    [
      { type: 'object', properties: { version: { type: 'integer' } } },
      { version: '1' },
      '[instance type (string) does not match any allowed primitive type (allowed: ["integer"])]',
    ],
    [
      { type: 'object', properties: { status: { enum: ['todo', 'done'] } } },
      { status: 'doing' },
      '[instance value ("doing") not found in enum (possible values: ["todo","done"])]',
    ],
    [
      { type: 'object', properties: { title: { type: 'string', maxLength: 3 } } },
      { title: 'four' },
      '[string "four" is too long (length: 4, maximum allowed: 3)]',
    ],
    [
      { type: 'object', properties: { title: { type: 'string', minLength: 1 } } },
      { title: '' },
      '[string "" is too short (length: 0, required minimum: 1)]',
    ],
    [
      { type: 'object', properties: { n: { type: 'integer', minimum: 1 } } },
      { n: 0 },
      '[numeric instance is lower than the required minimum (minimum: 1, found: 0)]',
    ],
    [
      { type: 'object', properties: { n: { type: 'integer', maximum: 9 } } },
      { n: 10 },
      '[numeric instance is greater than the required maximum (maximum: 9, found: 10)]',
    ],
    [
      { type: 'object', properties: { n: { type: 'integer', minimum: 0, exclusiveMinimum: true } } },
      { n: 0 },
      '[numeric instance is not strictly greater than the required minimum 0]',
    ],
    [
      { type: 'object', properties: { n: { type: 'integer', multipleOf: 5 } } },
      { n: 7 },
      '[remainder of division is not zero (7 / 5)]',
    ],
    [
      { type: 'object', properties: { tags: { type: 'array', uniqueItems: true } } },
      { tags: ['a', 'a'] },
      '[array must not contain duplicate elements]',
    ],
    [
      { type: 'object', properties: { tags: { type: 'array', maxItems: 1 } } },
      { tags: ['a', 'b'] },
      '[array is too long: must have at most 1 elements but instance has 2 elements]',
    ],
    [
      { type: 'object', properties: { d: { type: 'string', pattern: '^\\d+$' } } },
      { d: 'x' },
      '[ECMA 262 regex "^\\\\d+$" does not match input string "x"]',
    ],
  ] as const)('%j with %j → %s', (schema, body, message) => {
    expect(errorsFor(schema, body)).toBe(message);
  });

  it('lists every failure, one message per keyword and object, keywords in name order, names sorted', () => {
    expect(
      errorsFor(
        {
          type: 'object',
          required: ['b', 'a'],
          additionalProperties: false,
          properties: { a: {}, b: {}, n: { type: 'object', additionalProperties: false } },
        },
        { z: 1, c: 2, n: { y: 3 } },
      ),
    ).toBe(
      '[object instance has properties which are not allowed by the schema: ["c","z"], object has missing required properties (["a","b"]), object instance has properties which are not allowed by the schema: ["y"]]',
    );
  });

  it('keeps the failures of different subschemas of one object apart', () => {
    expect(errorsFor({ anyOf: [{ required: ['a'] }, { required: ['b'] }] }, {})).toBe(
      '[instance failed to match at least one required schema among 2, object has missing required properties (["a"]), object has missing required properties (["b"])]',
    );
  });

  it('answers 10,000 unwanted keys with one message naming them, not one message each', () => {
    // Arrange
    const keys = Array.from({ length: 10_000 }, (_, i) => `k${i}`);
    const body = Buffer.from(JSON.stringify({ title: 'p', ...Object.fromEntries(keys.map((k) => [k, 1])) }));
    // Act
    const failure = validateRequest({ body: TASK, requiredParameters: [] }, { ...parts, body });
    // Assert
    expect(failure?.validationErrorString).toBe(
      `[object instance has properties which are not allowed by the schema: ${JSON.stringify([...keys].sort())}]`,
    );
  });

  it('resolves $ref to definitions in the model', () => {
    const schema = {
      type: 'object',
      definitions: { tag: { type: 'string', minLength: 1 } },
      properties: { tags: { type: 'array', items: { $ref: '#/definitions/tag' } } },
    };
    expect(matchesSchema(schema, { tags: ['a'] })).toBe(true);
    expect(matchesSchema(schema, { tags: [''] })).toBe(false);
  });

  it.each(['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty', 'prototype'])(
    'refuses a body key named %s when the model allows no extra properties',
    (name) => {
      const body = Buffer.from(`{"title":"p","${name}":1}`);
      expect(
        validateRequest({ body: TASK, requiredParameters: [] }, { ...parts, body })?.validationErrorString,
      ).toBe(`[object instance has properties which are not allowed by the schema: ["${name}"]]`);
    },
  );

  it.each(['constructor', 'toString', '__proto__'])(
    'does not take Object.prototype.%s for a path parameter',
    (name) => {
      expect(
        validateRequest(
          { requiredParameters: [`path.${name}`] },
          { ...parts, pathParameters: {}, body: Buffer.alloc(0) },
        ),
      ).toMatchObject({ type: 'BAD_REQUEST_PARAMETERS' });
    },
  );
});

describe('combinators', () => {
  const parts = { pathParameters: {}, query: new URLSearchParams(), headers: {} };
  it('counts the subschemas of anyOf in its message', () => {
    const schema = { type: 'object', properties: { due: { anyOf: [{ type: 'string' }, { type: 'null' }] } } };
    expect(
      validateRequest({ body: schema, requiredParameters: [] }, { ...parts, body: Buffer.from('{"due":1}') })
        ?.validationErrorString,
    ).toContain('instance failed to match at least one required schema among 2');
  });
});
