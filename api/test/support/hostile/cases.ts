/**
 * Hostile requests for every route of the API, as fast-check arbitraries: bodies and query strings
 * from the contract walker (valid and near-valid), written the ways a client can write them
 * (duplicate keys, a BOM, truncated, deeply nested, over the size limit, invalid UTF-8), with
 * content types, idempotency keys, duplicate query parameters and path segments that try the
 * encodings a router can trip on. A case names tasks and cursors symbolically; each target
 * resolves them against its own state, so one case runs the same way everywhere.
 */
import fc from 'fast-check';
import {
  CreateTaskInput,
  ListTasksQuery,
  TASK_LIMITS,
  TASK_STATUSES,
  UpdateTaskInput,
} from '../../../src/contract/index.js';
import { TASK_ID_PATTERN } from '../../../src/domain/task-id.js';
import { ROUTES, type Route } from '../../../src/routes.js';
import { type ContractValues, contractValues, hostileString } from './contract-values.js';

/** Name/value pairs in the order sent; a name may repeat. */
export type Pairs = ReadonlyArray<readonly [string, string]>;

/** How a case names the task of `/tasks/{id}`. */
export type TaskRef =
  /** One of the lane's own tasks (deleted ones too), its id spelled as `spelling` says. */
  | { readonly kind: 'own'; readonly pick: number; readonly spelling: 'plain' | 'percent-encoded' }
  /** A task of another lane: never visible to this one. */
  | { readonly kind: 'foreign'; readonly pick: number }
  /** A raw path segment, sent as is. */
  | { readonly kind: 'segment'; readonly segment: string };

/** The cursor a listing sends, on top of whatever its query holds. */
export type CursorChoice =
  /** A cursor this lane's listing returned for the same filter (after a first page of one). */
  | { readonly kind: 'issued' }
  /** The same listing's cursor, but another lane's. */
  | { readonly kind: 'foreign' }
  /** This lane's cursor from another status filter. */
  | { readonly kind: 'other-filter' }
  /** This lane's cursor, decoded and rewritten to start after one of its own tasks or another lane's. */
  | { readonly kind: 'rewritten'; readonly pick: number; readonly owner: 'own' | 'foreign' };

/** How a JSON body is written on the wire. */
export type BodyWriting =
  | 'plain'
  | 'pretty'
  | 'duplicate-key'
  | 'bom'
  | 'truncated'
  | 'trailing-garbage'
  | 'deep-field'
  | 'huge'
  | 'invalid-utf8'
  | 'number-spelling';

export type BodyCase =
  | {
      readonly kind: 'json';
      readonly value: unknown;
      readonly writing: BodyWriting;
      /** A PATCH with `current` sends the task's current version in place of the generated one. */
      readonly version: 'current' | 'generated';
      /** Nesting depth of `deep-field`; the value of `duplicate-key` and `number-spelling`. */
      readonly depth: number;
      readonly extra: unknown;
      readonly spelling: string;
    }
  | { readonly kind: 'raw'; readonly text: string };

/** A Content-Type header and whether the API takes it for JSON. */
export interface ContentType {
  /** The header values, in order (none: no header; two: a repeated header, the last one counts). */
  readonly values: readonly string[];
  readonly json: boolean;
}

/** An Idempotency-Key and whether it has the key's shape (1–255 visible ASCII characters). */
export interface IdempotencyKey {
  readonly value: string;
  readonly wellFormed: boolean;
}

export interface HostileCase {
  /** The route's id (`CreateTask`, …). */
  readonly route: string;
  readonly task?: TaskRef;
  readonly query: Pairs;
  readonly cursor?: CursorChoice;
  readonly contentType?: ContentType;
  readonly idempotencyKey?: IdempotencyKey;
  /** Headers the API ignores, with hostile names and values. */
  readonly headers: Pairs;
  readonly body?: BodyCase;
}

/** The route with this id. */
export function routeOf(id: string): Route {
  const route = ROUTES.find((candidate) => candidate.id === id);
  if (!route) throw new Error(`No route ${id}.`);
  return route;
}

/** Content types: the API takes `application/json`, in any case, optionally with `charset=utf-8`. */
const contentType: fc.Arbitrary<ContentType> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .constantFrom(
        'application/json',
        'application/json; charset=utf-8',
        'APPLICATION/JSON',
        'application/json;charset="UTF-8"',
        ' application/json ',
      )
      .map((value) => ({ values: [value], json: true })),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(
        [],
        ['text/plain'],
        ['application/json; charset=latin1'],
        ['application/jsonp'],
        ['application/x-www-form-urlencoded'],
        [''],
        ['application/json, text/plain'],
        ['application/json', 'text/plain'],
      )
      .map((values) => ({ values, json: false })),
  },
  { weight: 1, arbitrary: fc.constant({ values: ['text/plain', 'application/json'], json: true }) },
);

/** Keys a lane reuses, so replays and reuse with another body happen. */
export const REUSED_KEYS = ['retry-1', 'retry-2'] as const;

const visibleAscii = fc.string({
  unit: fc.integer({ min: 0x21, max: 0x7e }).map((code) => String.fromCharCode(code)),
  minLength: 1,
  maxLength: 255,
});

const idempotencyKey: fc.Arbitrary<IdempotencyKey | undefined> = fc.oneof(
  { weight: 5, arbitrary: fc.constant(undefined) },
  { weight: 2, arbitrary: fc.constantFrom(...REUSED_KEYS).map((value) => ({ value, wellFormed: true })) },
  { weight: 1, arbitrary: visibleAscii.map((value) => ({ value, wellFormed: true })) },
  {
    weight: 1,
    // HTTP strips a header value's surrounding whitespace, so hostile keys keep theirs inside.
    arbitrary: fc
      .constantFrom('', 'retry 1', 'x'.repeat(256), 'clé', 'a\u00ff', 'a\tb')
      .map((value) => ({ value, wellFormed: false })),
  },
);

/** Header names and values the API should not care about (a client cannot send CR or LF). */
const ignoredHeaders: fc.Arbitrary<Pairs> = fc.array(
  fc.tuple(
    fc.constantFrom('__proto__', 'constructor', 'x-forwarded-for', 'x-amzn-requestid', 'X-Trace', 'toString'),
    fc.string({
      unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)),
      maxLength: 40,
    }),
  ),
  { maxLength: 2 },
);

/** Raw pieces of a path segment: percent-encoded separators, NUL, invalid UTF-8, bad escapes. */
const segmentPiece = fc.constantFrom(
  '%2F',
  '%252F',
  '%00',
  '%ED%A0%80',
  '%C0%AF',
  '%FF',
  '%',
  '%zz',
  '%u002e',
  '%20',
  '+',
  ';',
  '%3B',
  ',',
  '*',
  '!',
  "'",
  '(',
  '~',
  '%F0%9F%98%80',
  '%7B',
  '%22',
  '%3F',
  '%23',
  'a',
  'Z',
  '0',
  '-',
  '_',
);

/** A segment that is not `.` or `..` in any spelling: those are the URL parser's, not the API's. */
const isDotSegment = (segment: string): boolean => /^(\.|%2e){1,2}$/i.test(segment);

const taskRef: fc.Arbitrary<TaskRef> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('own' as const),
      pick: fc.nat(),
      spelling: fc.constantFrom('plain' as const, 'plain' as const, 'percent-encoded' as const),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('foreign' as const), pick: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc
      .oneof(
        fc.stringMatching(TASK_ID_PATTERN),
        fc.stringMatching(TASK_ID_PATTERN).map((id) => id.toLowerCase()),
        fc.array(segmentPiece, { minLength: 1, maxLength: 8 }).map((pieces) => pieces.join('')),
        fc.constantFrom('A'.repeat(300), '0'.repeat(26), 'ILOU'.repeat(6).slice(0, 26)),
      )
      .filter((segment) => !isDotSegment(segment))
      .map((segment) => ({ kind: 'segment' as const, segment })),
  },
);

/** Text that is not a JSON document, or not a whole one. */
const notJson = fc.oneof(
  fc.constantFrom('', 'title=x', '{', '{"title":"x"', "{'title':'x'}", 'null', '[]', '"x"', '1', 'true'),
  hostileString(30),
);

function bodyCase(values: ContractValues): fc.Arbitrary<BodyCase> {
  const json = fc.record({
    kind: fc.constant('json' as const),
    value: fc.oneof({ weight: 3, arbitrary: values.valid }, { weight: 1, arbitrary: values.nearValid }),
    writing: fc.oneof(
      { weight: 20, arbitrary: fc.constant('plain' as const) },
      fc.constantFrom<BodyWriting>(
        'pretty',
        'duplicate-key',
        'bom',
        'truncated',
        'trailing-garbage',
        'deep-field',
        'huge',
        'invalid-utf8',
        'number-spelling',
      ),
    ),
    version: fc.constantFrom('current' as const, 'current' as const, 'generated' as const),
    depth: fc.constantFrom(2, 64, 1000, 7000),
    extra: fc.jsonValue({ maxDepth: 1 }),
    spelling: fc.constantFrom('1e400', '-0', '1.0', '1E0', '0.5e1', '-1e-400'),
  });
  return fc.oneof(
    { weight: 12, arbitrary: json },
    { weight: 1, arbitrary: notJson.map((text) => ({ kind: 'raw' as const, text })) },
  );
}

/** An object of strings as query pairs, in key order. */
const pairsOf = (value: unknown): Array<[string, string]> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? Object.entries(value).map(([key, item]) => [
        key,
        typeof item === 'string' ? item : JSON.stringify(item),
      ])
    : [];

/** Query pairs for ListTasks: the contract's values, sometimes with a parameter repeated. */
function listQuery(values: ContractValues): fc.Arbitrary<Pairs> {
  const status = fc.constantFrom(...TASK_STATUSES);
  return fc
    .tuple(
      fc.oneof({ weight: 3, arbitrary: values.valid }, { weight: 1, arbitrary: values.nearValid }),
      fc.oneof(
        { weight: 3, arbitrary: fc.constant(null) },
        {
          weight: 1,
          arbitrary: fc.tuple(
            fc.constantFrom('limit', 'status', 'cursor'),
            fc.oneof(status, hostileString(6)),
          ),
        },
      ),
      fc.boolean(),
      fc.nat({ max: 3 }),
    )
    .map(([value, repeat, before, keepCursor]) => {
      // The contract's cursor is any string; real ones come from `CursorChoice`, so a made-up one
      // is sent only now and then.
      const pairs = pairsOf(value).filter(([key]) => key !== 'cursor' || keepCursor === 0);
      if (!repeat) return pairs;
      return before ? [repeat, ...pairs] : [...pairs, repeat];
    });
}

const cursorChoice: fc.Arbitrary<CursorChoice | undefined> = fc.oneof(
  { weight: 5, arbitrary: fc.constant(undefined) },
  { weight: 3, arbitrary: fc.constant({ kind: 'issued' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'foreign' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'other-filter' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('rewritten' as const),
      pick: fc.nat(),
      owner: fc.constantFrom('own' as const, 'foreign' as const),
    }),
  },
);

/** Query pairs a route without query parameters ignores. */
const strayQuery: fc.Arbitrary<Pairs> = fc.oneof(
  { weight: 4, arbitrary: fc.constant([]) },
  {
    weight: 1,
    arbitrary: fc.array(
      fc.tuple(fc.constantFrom('__proto__', 'constructor', 'limit', 'x'), hostileString(5)),
      {
        maxLength: 2,
      },
    ),
  },
);

/**
 * A hostile request to any route of the API. Writes are weighted up: they change the state every
 * later case is judged against.
 */
export function hostileCase(): fc.Arbitrary<HostileCase> {
  const create = contractValues(CreateTaskInput);
  const update = contractValues(UpdateTaskInput);
  const query = contractValues(ListTasksQuery);
  const common = { headers: ignoredHeaders };
  return fc
    .oneof(
      {
        weight: 8,
        arbitrary: fc.record({
          route: fc.constant('CreateTask'),
          query: strayQuery,
          contentType,
          idempotencyKey,
          body: bodyCase(create),
          ...common,
        }),
      },
      {
        weight: 8,
        arbitrary: fc.record({
          route: fc.constant('UpdateTask'),
          task: taskRef,
          query: strayQuery,
          contentType,
          body: bodyCase(update),
          ...common,
        }),
      },
      {
        weight: 6,
        arbitrary: fc.record({
          route: fc.constant('ListTasks'),
          query: listQuery(query),
          cursor: cursorChoice,
          ...common,
        }),
      },
      {
        weight: 4,
        arbitrary: fc.record({ route: fc.constant('GetTask'), task: taskRef, query: strayQuery, ...common }),
      },
      {
        weight: 3,
        arbitrary: fc.record({
          route: fc.constant('DeleteTask'),
          task: taskRef,
          query: strayQuery,
          ...common,
        }),
      },
      { weight: 1, arbitrary: fc.record({ route: fc.constant('Health'), query: strayQuery, ...common }) },
    )
    .map((value) => stripUndefined(value));
}

/** fc.record gives every key; a case leaves out what its route does not use. */
function stripUndefined(value: HostileCase): HostileCase {
  return Object.fromEntries(
    Object.entries(value).filter(([, item]) => item !== undefined),
  ) as unknown as HostileCase;
}

/** The body of a JSON case as bytes, written as the case says. */
export function writeBody(body: BodyCase, value: unknown): Buffer {
  if (body.kind === 'raw') return Buffer.from(body.text, 'utf8');
  const plain = JSON.stringify(value) ?? 'null';
  const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
  const firstKey = isObject ? Object.keys(value)[0] : undefined;
  switch (body.writing) {
    case 'plain':
      return Buffer.from(plain);
    case 'pretty':
      return Buffer.from(`${JSON.stringify(value, null, 2)}\n`);
    case 'duplicate-key':
      // The same key twice: JSON.parse keeps the last, so the generated value still counts.
      return Buffer.from(
        firstKey === undefined
          ? plain
          : `{${JSON.stringify(firstKey)}:${JSON.stringify(body.extra)},${plain.slice(1)}`,
      );
    case 'bom':
      return Buffer.from(`\ufeff${plain}`);
    case 'truncated':
      return Buffer.from(plain.slice(0, Math.max(0, plain.length - 1)));
    case 'trailing-garbage':
      return Buffer.from(`${plain} x`);
    case 'deep-field': {
      const deep = `${'['.repeat(body.depth)}${']'.repeat(body.depth)}`;
      return Buffer.from(isObject ? `{"deep":${deep},${plain.slice(1)}` : deep);
    }
    case 'huge':
      // Past the API's limit in padding alone; the document is otherwise the generated one.
      return Buffer.from(`${plain}${' '.repeat(TASK_LIMITS.bodyMaxBytes)}`);
    case 'invalid-utf8': {
      const at = plain.indexOf('":"');
      if (at < 0) return Buffer.concat([Buffer.from(plain), Buffer.from([0xff])]);
      return Buffer.concat([
        Buffer.from(plain.slice(0, at + 3)),
        Buffer.from([0xc3, 0x28, 0xff]),
        Buffer.from(plain.slice(at + 3)),
      ]);
    }
    case 'number-spelling':
      return Buffer.from(plain.replace(/("version":)-?\d+(\.\d+)?(e[+-]?\d+)?/, `$1${body.spelling}`));
  }
}
