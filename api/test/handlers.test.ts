import { describe, expect, it } from 'vitest';
import { ErrorBody, IDEMPOTENCY_HEADER, TASK_LIMITS, Task } from '../src/contract/index.js';
import { CAPACITY_BUDGET } from '../src/store/capacity.js';
import type { CapacityRecord } from '../src/store/task-store.js';
import { invoke, type Reply, useApiOnTable } from './support/api.js';
import { apiEvent, type EventOptions } from './support/events.js';
import { NEW_BUY_MILK } from './support/tasks.js';

const onTable = useApiOnTable('tasks-handlers');

const call = {
  health: () => invoke(onTable.api.health, apiEvent('GET', '/health')),
  list: (o: EventOptions) => invoke(onTable.api.list, apiEvent('GET', '/tasks', o)),
  create: (o: EventOptions) => invoke(onTable.api.create, apiEvent('POST', '/tasks', o)),
  get: (o: EventOptions) => invoke(onTable.api.get, apiEvent('GET', '/tasks/{id}', o)),
  update: (o: EventOptions) => invoke(onTable.api.update, apiEvent('PATCH', '/tasks/{id}', o)),
  remove: (o: EventOptions) => invoke(onTable.api.remove, apiEvent('DELETE', '/tasks/{id}', o)),
};

async function createTask(sub: string, body: Record<string, unknown> = { title: 'Buy milk' }): Promise<Task> {
  const reply = await call.create({ sub, body });
  expect(reply.status).toBe(201);
  return Task.parse(reply.body);
}

/** The reply and the store capacity the call consumed. */
async function withCapacity(action: () => Promise<Reply>): Promise<[Reply, CapacityRecord[]]> {
  const records: CapacityRecord[] = [];
  const stop = onTable.api.store.watchCapacity((record) => records.push(record));
  try {
    return [await action(), records];
  } finally {
    stop();
  }
}

const units = (records: CapacityRecord[]) => records.reduce((sum, r) => sum + r.capacityUnits, 0);

function expectError(reply: Reply, status: number, code: string, field?: string) {
  expect(reply.status).toBe(status);
  expect(reply.headers['Content-Type']).toBe('application/json');
  const body = ErrorBody.parse(reply.body);
  expect(body.error.code).toBe(code);
  expect(body.requestId).toMatch(/^[0-9a-f-]{36}$/);
  if (field !== undefined)
    expect(body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
  return body;
}

describe('GET /health', () => {
  it('answers ok without reading the table', async () => {
    const before = onTable.table.operations.length;
    const reply = await call.health();
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ status: 'ok' });
    expect(reply.headers['Access-Control-Allow-Origin']).toBe('*');
    expect(onTable.table.operations.length).toBe(before);
  });
});

describe('task lifecycle', () => {
  it('creates a task with defaults for one write unit and reads it back for half a read unit', async () => {
    const [created, writes] = await withCapacity(() =>
      call.create({ sub: 'alice', body: { title: '  Buy milk ' } }),
    );
    expect(created.status).toBe(201);
    const task = Task.parse(created.body);
    expect(task).toMatchObject(NEW_BUY_MILK);
    expect(created.headers.Location).toBe(`/tasks/${task.id}`);
    expect(created.headers['Access-Control-Allow-Origin']).toBe('*');
    expect(created.headers['Idempotent-Replayed']).toBeUndefined();
    expect(units(writes)).toBe(CAPACITY_BUDGET.singleWrite);

    const [fetched, reads] = await withCapacity(() => call.get({ sub: 'alice', id: task.id }));
    expect(fetched.status).toBe(200);
    expect(fetched.body).toEqual(task);
    expect(units(reads)).toBeLessThanOrEqual(CAPACITY_BUDGET.getTask);
  });

  it('accepts every field at its limit', async () => {
    const body = {
      title: 't'.repeat(TASK_LIMITS.titleMax),
      notes: 'n'.repeat(TASK_LIMITS.notesMax),
      status: 'doing',
      dueDate: '2028-02-29',
      tags: Array.from({ length: TASK_LIMITS.tagsMax }, (_, i) => `${i}`.padEnd(TASK_LIMITS.tagMax, 'x')),
    };
    const task = await createTask('alice', body);
    expect(task).toMatchObject(body);
  });

  it('updates with the current version for one write unit and bumps the version', async () => {
    const task = await createTask('alice');
    const [reply, records] = await withCapacity(() =>
      call.update({ sub: 'alice', id: task.id, body: { version: 1, status: 'done', tags: ['home'] } }),
    );
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      id: task.id,
      title: 'Buy milk',
      status: 'done',
      tags: ['home'],
      version: 2,
    });
    expect(Date.parse(reply.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(task.updatedAt));
    expect(units(records)).toBe(CAPACITY_BUDGET.singleWrite);
  });

  it('answers a stale version with 409 and the current task', async () => {
    const task = await createTask('alice');
    const first = await call.update({
      sub: 'alice',
      id: task.id,
      body: { version: 1, title: 'Buy oat milk' },
    });
    expect(first.status).toBe(200);
    const stale = await call.update({
      sub: 'alice',
      id: task.id,
      body: { version: 1, title: 'Buy soy milk' },
    });
    const body = expectError(stale, 409, 'conflict');
    expect(body.error.details).toEqual({ current: first.body });
    expect((await call.get({ sub: 'alice', id: task.id })).body.title).toBe('Buy oat milk');
  });

  it('deletes a task with 204 and no body for one write unit; it is then gone', async () => {
    const task = await createTask('alice');
    const [reply, records] = await withCapacity(() => call.remove({ sub: 'alice', id: task.id }));
    expect(reply.status).toBe(204);
    expect(reply.rawBody).toBe('');
    expect(units(records)).toBe(CAPACITY_BUDGET.singleWrite);
    expectError(await call.get({ sub: 'alice', id: task.id }), 404, 'not_found');
    expectError(await call.remove({ sub: 'alice', id: task.id }), 404, 'not_found');
    expectError(
      await call.update({ sub: 'alice', id: task.id, body: { version: 1, title: 'x' } }),
      404,
      'not_found',
    );
  });

  it('answers 404 for ids that cannot exist', async () => {
    for (const id of ['nope', '01ARZ3NDEKTSV4RRFFQ69G5FAV', 'x'.repeat(2000)]) {
      expectError(await call.get({ sub: 'alice', id }), 404, 'not_found');
      expectError(await call.remove({ sub: 'alice', id }), 404, 'not_found');
    }
  });
});

describe('GET /tasks', () => {
  it('pages newest first with an opaque cursor and filters by status', async () => {
    const created: Task[] = [];
    for (let i = 0; i < 7; i += 1)
      created.push(await createTask('lister', { title: `T${i}`, status: i % 2 ? 'done' : 'todo' }));
    const newestFirst = created.map((t) => t.id).reverse();

    const seen: string[] = [];
    let cursor: string | undefined;
    const sizes: number[] = [];
    do {
      const [reply, records] = await withCapacity(() =>
        call.list({ sub: 'lister', query: { limit: '3', ...(cursor ? { cursor } : {}) } }),
      );
      expect(reply.status).toBe(200);
      expect(records.map((r) => r.operation)).toEqual(['listTasks']);
      sizes.push(reply.body.items.length);
      seen.push(...reply.body.items.map((t: Task) => t.id));
      cursor = reply.body.nextCursor ?? undefined;
    } while (cursor);
    expect(sizes).toEqual([3, 3, 1]);
    expect(seen).toEqual(newestFirst);

    const done = await call.list({ sub: 'lister', query: { status: 'done' } });
    expect(done.body.items.map((t: Task) => t.id)).toEqual(
      created
        .filter((_, i) => i % 2)
        .map((t) => t.id)
        .reverse(),
    );
    expect(done.body.nextCursor).toBeNull();
  });

  it('uses 20 as the default page size', async () => {
    for (let i = 0; i < 21; i += 1) await createTask('many', { title: `T${i}` });
    const reply = await call.list({ sub: 'many' });
    expect(reply.body.items).toHaveLength(TASK_LIMITS.listLimitDefault);
    expect(reply.body.nextCursor).toEqual(expect.any(String));
  });
});

describe('idempotent create', () => {
  it('replays a retried create: same task, one task stored, marked as replayed', async () => {
    const key = 'create-7f9c2ba4';
    const [first, firstWrites] = await withCapacity(() =>
      call.create({ sub: 'retrier', body: { title: 'Pay rent' }, headers: { [IDEMPOTENCY_HEADER]: key } }),
    );
    expect(first.status).toBe(201);
    expect(units(firstWrites)).toBeLessThanOrEqual(CAPACITY_BUDGET.createWithIdempotencyKey);
    const retry = await call.create({
      sub: 'retrier',
      body: { title: 'Pay rent' },
      headers: { 'idempotency-key': key },
    });
    expect(retry.status).toBe(201);
    expect(retry.headers['Idempotent-Replayed']).toBe('true');
    expect(retry.body).toEqual(first.body);
    const list = await call.list({ sub: 'retrier' });
    expect(list.body.items.map((t: Task) => t.id)).toEqual([first.body.id]);
  });

  it('refuses the same key with a different body with 422', async () => {
    const headers = { [IDEMPOTENCY_HEADER]: 'key-reused' };
    await call.create({ sub: 'retrier2', body: { title: 'Pay rent' }, headers });
    const reused = await call.create({ sub: 'retrier2', body: { title: 'Pay taxes' }, headers });
    expectError(reused, 422, 'idempotency_key_reused');
    expect((await call.list({ sub: 'retrier2' })).body.items).toHaveLength(1);
  });

  it('keeps keys per user: the same key from another user creates their own task', async () => {
    const headers = { [IDEMPOTENCY_HEADER]: 'shared-key' };
    const a = await call.create({ sub: 'key-a', body: { title: 'Same' }, headers });
    const b = await call.create({ sub: 'key-b', body: { title: 'Same' }, headers });
    expect(b.status).toBe(201);
    expect(b.headers['Idempotent-Replayed']).toBeUndefined();
    expect(b.body.id).not.toBe(a.body.id);
  });

  it('finishes a create that stopped between its two writes, keeping the recorded id', async () => {
    const headers = { [IDEMPOTENCY_HEADER]: 'crash-between-writes' };
    const first = await call.create({ sub: 'crasher', body: { title: 'Half done' }, headers });
    // Leave only the idempotency record, as a crash after the first write would.
    await onTable.api.store.deleteTask('crasher', first.body.id);
    const retry = await call.create({ sub: 'crasher', body: { title: 'Half done' }, headers });
    expect(retry.status).toBe(201);
    expect(retry.body).toMatchObject({ id: first.body.id, title: 'Half done', version: 1 });
    expect((await call.get({ sub: 'crasher', id: first.body.id })).status).toBe(200);
  });
});

describe('isolation between users', () => {
  it('gives another user 404 for a task and keeps it out of their list', async () => {
    const task = await createTask('owner-a', { title: 'Private' });
    await createTask('owner-b', { title: 'Mine' });
    expectError(await call.get({ sub: 'owner-b', id: task.id }), 404, 'not_found');
    expectError(
      await call.update({ sub: 'owner-b', id: task.id, body: { version: 1, title: 'x' } }),
      404,
      'not_found',
    );
    expectError(await call.remove({ sub: 'owner-b', id: task.id }), 404, 'not_found');
    const listB = await call.list({ sub: 'owner-b' });
    expect(listB.body.items.map((t: Task) => t.title)).toEqual(['Mine']);
    expect((await call.get({ sub: 'owner-a', id: task.id })).body).toEqual(task);
  });

  it('refuses a cursor issued to another user', async () => {
    for (let i = 0; i < 2; i += 1) await createTask('cursor-a');
    const page = await call.list({ sub: 'cursor-a', query: { limit: '1' } });
    const reply = await call.list({ sub: 'cursor-b', query: { cursor: page.body.nextCursor } });
    expectError(reply, 400, 'validation_failed', 'cursor');
  });

  it('answers 401 on every task route when the authorizer claims are missing', async () => {
    const task = await createTask('alice');
    const replies = [
      await call.list({}),
      await call.create({ body: { title: 'x' } }),
      await call.get({ id: task.id }),
      await call.update({ id: task.id, body: { version: 1, title: 'x' } }),
      await call.remove({ id: task.id }),
      await call.get({ sub: 'a#b', id: task.id }),
    ];
    for (const reply of replies) expectError(reply, 401, 'unauthorized');
  });
});

describe('request validation', () => {
  const title = { title: 'ok' };
  it.each([
    ['title missing', {}, 'title'],
    ['title blank', { title: '   ' }, 'title'],
    ['title too long', { title: 'x'.repeat(201) }, 'title'],
    ['title not a string', { title: 42 }, 'title'],
    ['notes too long', { ...title, notes: 'x'.repeat(5001) }, 'notes'],
    ['status unknown', { ...title, status: 'blocked' }, 'status'],
    ['dueDate not a date', { ...title, dueDate: 'tomorrow' }, 'dueDate'],
    ['dueDate impossible', { ...title, dueDate: '2026-02-30' }, 'dueDate'],
    ['dueDate with time', { ...title, dueDate: '2026-02-01T10:00:00Z' }, 'dueDate'],
    ['too many tags', { ...title, tags: Array.from({ length: 11 }, (_, i) => `t${i}`) }, 'tags'],
    ['empty tag', { ...title, tags: ['ok', ' '] }, 'tags.1'],
    ['tag too long', { ...title, tags: ['x'.repeat(51)] }, 'tags.0'],
    ['tags not a list', { ...title, tags: 'home' }, 'tags'],
    ['unknown field', { ...title, owner: 'mallory' }, 'owner'],
    ['body not an object', ['title'], 'body'],
  ])('POST /tasks rejects %s with 400 naming the field', async (_name, body, field) => {
    const reply = await call.create({ sub: 'validator', body });
    const error = expectError(reply, 400, 'validation_failed', field);
    expect(error.error.message).toContain(field);
    expect(error.error.message).not.toContain('\n');
  });

  it.each([
    ['version missing', { title: 'x' }, 'version'],
    ['version zero', { version: 0, title: 'x' }, 'version'],
    ['version as text', { version: '1', title: 'x' }, 'version'],
    ['nothing to change', { version: 1 }, 'title'],
    ['title too long', { version: 1, title: 'x'.repeat(201) }, 'title'],
    ['status unknown', { version: 1, status: 'later' }, 'status'],
    ['unknown field', { version: 1, id: 'other' }, 'id'],
    [
      'version whose successor is not a safe integer',
      { version: Number.MAX_SAFE_INTEGER, notes: 'x' },
      'version',
    ],
  ])('PATCH /tasks/{id} rejects %s with 400 naming the field', async (_name, body, field) => {
    const task = await createTask('validator');
    expectError(await call.update({ sub: 'validator', id: task.id, body }), 400, 'validation_failed', field);
  });

  it('answers an out-of-range version with 400 even for a task that does not exist', async () => {
    const body = { version: Number.MAX_SAFE_INTEGER, notes: 'x' };
    const reply = await call.update({ sub: 'validator', id: '01ARZ3NDEKTSV4RRFFQ69G5FAV', body });
    expectError(reply, 400, 'validation_failed', 'version');
  });

  it('answers the largest editable version of a task at version 1 with 409, not 500', async () => {
    const task = await createTask('validator');
    const body = { version: TASK_LIMITS.versionMax - 1, notes: 'x' };
    const reply = await call.update({ sub: 'validator', id: task.id, body });
    expect(expectError(reply, 409, 'conflict').error.details).toEqual({ current: task });
  });

  it.each([
    ['limit over 100', { limit: '101' }, 'limit'],
    ['limit zero', { limit: '0' }, 'limit'],
    ['limit not a number', { limit: 'ten' }, 'limit'],
    ['limit fractional', { limit: '2.5' }, 'limit'],
    ['limit in hexadecimal', { limit: '0x10' }, 'limit'],
    ['limit with an exponent', { limit: '1e1' }, 'limit'],
    ['limit with a sign', { limit: '+5' }, 'limit'],
    ['status unknown', { status: 'blocked' }, 'status'],
    ['cursor garbage', { cursor: '!!not-a-cursor!!' }, 'cursor'],
    ['unknown parameter', { sort: 'asc' }, 'sort'],
  ])('GET /tasks rejects %s with 400 naming the parameter', async (_name, query, field) => {
    expectError(await call.list({ sub: 'validator', query }), 400, 'validation_failed', field);
  });

  it('rejects malformed JSON with 400 on the body', async () => {
    const reply = await call.create({ sub: 'validator', body: '{"title": "x",' });
    expectError(reply, 400, 'validation_failed', 'body');
  });

  it.each([
    ['too long', 'k'.repeat(256)],
    ['with spaces', 'my key'],
    ['non-ASCII', 'clé'],
  ])('rejects an Idempotency-Key %s with 400', async (_name, key) => {
    const reply = await call.create({
      sub: 'validator',
      body: title,
      headers: { [IDEMPOTENCY_HEADER]: key },
    });
    expectError(reply, 400, 'validation_failed', IDEMPOTENCY_HEADER);
  });

  it('rejects bodies over 16 KB with 413, counting the decoded bytes of base64 bodies', async () => {
    const big = JSON.stringify({ title: 'x', notes: 'y'.repeat(TASK_LIMITS.bodyMaxBytes) });
    expectError(await call.create({ sub: 'validator', body: big }), 413, 'payload_too_large');
    const task = await createTask('validator');
    expectError(await call.update({ sub: 'validator', id: task.id, body: big }), 413, 'payload_too_large');
    const encoded = Buffer.from(big).toString('base64');
    expectError(
      await call.create({ sub: 'validator', body: encoded, isBase64Encoded: true }),
      413,
      'payload_too_large',
    );
    const small = Buffer.from(JSON.stringify({ title: 'From base64' })).toString('base64');
    const ok = await call.create({ sub: 'validator', body: small, isBase64Encoded: true });
    expect(ok.status).toBe(201);
    expect(ok.body.title).toBe('From base64');
  });

  it('rejects non-JSON content types with 415 and accepts a utf-8 charset', async () => {
    const body = JSON.stringify(title);
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'application/jsonp']) {
      const reply = await call.create({ sub: 'validator', body, headers: { 'Content-Type': contentType } });
      expectError(reply, 415, 'unsupported_media_type');
    }
    const noType = await invoke(onTable.api.create, {
      ...apiEvent('POST', '/tasks', { sub: 'validator' }),
      body,
    });
    expectError(noType, 415, 'unsupported_media_type');
    const task = await createTask('validator');
    const patch = await call.update({
      sub: 'validator',
      id: task.id,
      body: JSON.stringify({ version: 1, title: 'y' }),
      headers: { 'Content-Type': 'text/plain' },
    });
    expectError(patch, 415, 'unsupported_media_type');
    const charset = await call.create({
      sub: 'validator',
      body,
      headers: { 'content-type': 'application/json; charset=UTF-8' },
    });
    expect(charset.status).toBe(201);
  });
});
