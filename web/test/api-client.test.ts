import http from 'node:http';
import type { Task } from '@tasktracker/api/contract';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApiError, ConflictError, createTaskApi, fieldErrorsFrom } from '../src/api/client.js';
import { closedPort, closeServer, listenOnLoopback } from './loopback.js';

const task: Task = {
  id: 'abc',
  title: 'Buy milk',
  notes: '',
  status: 'todo',
  dueDate: '2026-03-01',
  tags: ['home'],
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  version: 1,
};

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A local stand-in for API Gateway: records each request and answers with the queued reply. */
let server: http.Server;
let baseUrl: string;
let seen: Seen[] = [];
let reply: { status: number; body?: unknown; raw?: string } = { status: 200 };

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const text = reply.raw ?? (reply.body === undefined ? '' : JSON.stringify(reply.body));
      res.writeHead(reply.status, text ? { 'Content-Type': 'application/json' } : {});
      res.end(text);
    });
  });
  baseUrl = `http://127.0.0.1:${await listenOnLoopback(server)}/prod`;
});

afterAll(() => closeServer(server));

beforeEach(() => {
  seen = [];
  reply = { status: 200 };
});

const api = () => createTaskApi({ baseUrl, getToken: async () => 'id-token-123' });

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(error)}`);
  return error;
}

describe('createTaskApi', () => {
  it('lists tasks under the stage path with the raw ID token and the query', async () => {
    reply = { status: 200, body: { items: [task], nextCursor: 'next' } };
    const page = await api().list({ status: 'todo', limit: 5, cursor: 'c1' });
    expect(page).toEqual({ items: [task], nextCursor: 'next' });
    expect(seen[0]?.method).toBe('GET');
    expect(seen[0]?.url).toBe('/prod/tasks?status=todo&limit=5&cursor=c1');
    expect(seen[0]?.headers.authorization).toBe('id-token-123');
  });

  it('creates with a JSON body and the Idempotency-Key header', async () => {
    reply = { status: 201, body: task };
    const created = await api().create({ title: 'Buy milk' }, 'key-1');
    expect(created).toEqual(task);
    expect(seen[0]?.method).toBe('POST');
    expect(seen[0]?.headers['content-type']).toBe('application/json');
    expect(seen[0]?.headers['idempotency-key']).toBe('key-1');
    expect(JSON.parse(seen[0]?.body ?? '')).toEqual({ title: 'Buy milk' });
  });

  it('patches and deletes by encoded id; a 204 delete resolves', async () => {
    reply = { status: 200, body: { ...task, version: 2, status: 'done' } };
    const updated = await api().update('a/b', { version: 1, status: 'done' });
    expect(updated.version).toBe(2);
    expect(seen[0]?.method).toBe('PATCH');
    expect(seen[0]?.url).toBe('/prod/tasks/a%2Fb');
    reply = { status: 204 };
    await expect(api().remove('abc')).resolves.toBeUndefined();
    expect(seen[1]?.method).toBe('DELETE');
  });

  it('turns a 409 into a ConflictError carrying the current task', async () => {
    reply = {
      status: 409,
      body: {
        error: { code: 'conflict', message: 'version mismatch', details: { current: task } },
        requestId: 'r1',
      },
    };
    const error = await failure(api().update('abc', { version: 1, title: 'x' }));
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).current).toEqual(task);
    expect(error.message).toContain('changed since you opened it');
  });

  it('maps a validation error body to per-field messages', async () => {
    reply = {
      status: 400,
      body: {
        error: {
          code: 'validation_failed',
          message: 'Invalid body',
          details: [{ path: ['title'], message: 'Too long' }],
        },
        requestId: 'r2',
      },
    };
    const error = await failure(api().create({ title: 'x' }));
    expect(error.status).toBe(400);
    expect(error.code).toBe('validation_failed');
    expect(error.message).toBe('Invalid body');
    expect(error.requestId).toBe('r2');
    expect(error.fieldErrors).toEqual({ title: 'Too long' });
  });

  it("explains API Gateway's own 401 body as an expired session", async () => {
    reply = { status: 401, body: { message: 'Unauthorized' } };
    const error = await failure(api().list());
    expect(error.code).toBe('unauthorized');
    expect(error.message).toBe('Your session has expired. Sign in again.');
  });

  it('rejects a response that does not match the contract', async () => {
    reply = { status: 200, body: { items: [{ id: 1 }], nextCursor: null } };
    const error = await failure(api().list());
    expect(error.code).toBe('bad_response');
  });

  it('reports an unreachable server as a network error', async () => {
    const port = await closedPort();
    const error = await failure(
      createTaskApi({ baseUrl: `http://127.0.0.1:${port}`, getToken: async () => 't' }).list(),
    );
    expect(error.code).toBe('network');
    expect(error.status).toBe(0);
  });
});

describe('fieldErrorsFrom', () => {
  it('reads issue lists, flattened errors and plain maps', () => {
    expect(fieldErrorsFrom({ issues: [{ path: ['tags', 2], message: 'Too long' }] })).toEqual({
      tags: 'Too long',
    });
    expect(fieldErrorsFrom({ fieldErrors: { title: ['Required', 'Other'] } })).toEqual({ title: 'Required' });
    expect(fieldErrorsFrom({ dueDate: 'Invalid date' })).toEqual({ dueDate: 'Invalid date' });
    expect(fieldErrorsFrom([{ path: [], message: 'Body must be JSON' }])).toEqual({
      form: 'Body must be JSON',
    });
    expect(fieldErrorsFrom('nonsense')).toEqual({});
  });

  it('keeps a field named like an Object.prototype member', () => {
    expect(fieldErrorsFrom([{ path: ['constructor'], message: 'Not allowed' }])).toEqual({
      constructor: 'Not allowed',
    });
  });
});
