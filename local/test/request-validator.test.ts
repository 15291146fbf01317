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
