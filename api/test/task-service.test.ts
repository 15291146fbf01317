/**
 * TaskService on the in-memory repository: the use cases' rules, fast and without a store. The
 * repository counts its calls, so the tests also pin how many round trips each use case makes.
 */
import { describe, expect, it } from 'vitest';
import {
  ConflictError,
  IdempotencyKeyReusedError,
  NotFoundError,
  ValidationError,
} from '../src/domain/errors.js';
import { IDEMPOTENCY_TTL_SECONDS, TaskService } from '../src/domain/task-service.js';
import { InMemoryTaskRepository } from './support/in-memory-task-repository.js';
import { NEW_BUY_MILK } from './support/tasks.js';

const NOW = new Date('2026-11-24T12:00:00.000Z');

function service() {
  const repository = new InMemoryTaskRepository();
  return { repository, tasks: new TaskService(repository, () => NOW) };
}

describe('creating a task', () => {
  it('fills the defaults, stamps the time, starts at version 1, in one write', async () => {
    // Arrange
    const { repository, tasks } = service();
    // Act
    const { task, replayed } = await tasks.create('alice', { title: '  Buy milk ' });
    // Assert
    expect(replayed).toBe(false);
    expect(task).toMatchObject({
      ...NEW_BUY_MILK,
      createdAt: NOW.toISOString(),
      updatedAt: NOW.toISOString(),
    });
    expect(repository.calls).toEqual(['createTask']);
    expect(await repository.getTask('alice', task.id)).toEqual(task);
  });

  it('refuses an invalid body naming the field, writing nothing', async () => {
    // Arrange
    const { repository, tasks } = service();
    // Act
    const creating = tasks.create('alice', { title: '', owner: 'mallory' });
    // Assert
    await expect(creating).rejects.toThrow(ValidationError);
    await expect(creating).rejects.toMatchObject({
      details: expect.arrayContaining([
        expect.objectContaining({ field: 'title' }),
        { field: 'owner', message: 'is not a known field' },
      ]),
    });
    expect(repository.calls).toEqual([]);
  });
});

describe('creating with an Idempotency-Key', () => {
  it('claims the key for a day, then writes the task', async () => {
    // Arrange
    const { repository, tasks } = service();
    // Act
    const { task } = await tasks.create('alice', { title: 'Pay rent' }, 'key-1');
    // Assert
    expect(repository.calls).toEqual(['claimIdempotencyKey', 'createTask']);
    const retryAfterExpiry = NOW.getTime() / 1000 + IDEMPOTENCY_TTL_SECONDS + 1;
    const claim = await repository.claimIdempotencyKey(
      'alice',
      'key-1',
      { taskId: 'x', requestHash: 'y', expiresAt: 0 },
      retryAfterExpiry,
    );
    expect(claim).toEqual({ claimed: true });
    expect(task.title).toBe('Pay rent');
  });

  it('replays a retry with the first task, reading only the task', async () => {
    // Arrange
    const { repository, tasks } = service();
    const first = await tasks.create('alice', { title: 'Pay rent' }, 'key-1');
    repository.calls.length = 0;
    // Act
    const retry = await tasks.create('alice', { title: 'Pay rent' }, 'key-1');
    // Assert
    expect(retry).toEqual({ task: first.task, replayed: true });
    expect(repository.calls).toEqual(['claimIdempotencyKey', 'getTask']);
  });

  it('refuses the same key with another body, writing no task', async () => {
    // Arrange
    const { repository, tasks } = service();
    await tasks.create('alice', { title: 'Pay rent' }, 'key-1');
    // Act
    const reused = tasks.create('alice', { title: 'Pay taxes' }, 'key-1');
    // Assert
    await expect(reused).rejects.toThrow(IdempotencyKeyReusedError);
    expect((await repository.listTasks('alice', { limit: 10 })).items.map((t) => t.title)).toEqual([
      'Pay rent',
    ]);
  });

  it('treats a body that normalizes to the same request as a retry', async () => {
    // Arrange
    const { tasks } = service();
    const first = await tasks.create('alice', { title: 'Pay rent' }, 'key-1');
    // Act
    const retry = await tasks.create('alice', { title: ' Pay rent ', notes: '', tags: [] }, 'key-1');
    // Assert
    expect(retry.task.id).toBe(first.task.id);
  });

  it('finishes a create that stopped between its two writes, with the recorded id', async () => {
    // Arrange
    const { repository, tasks } = service();
    const first = await tasks.create('alice', { title: 'Half done' }, 'key-1');
    await repository.deleteTask('alice', first.task.id);
    // Act
    const retry = await tasks.create('alice', { title: 'Half done' }, 'key-1');
    // Assert
    expect(retry).toEqual({ task: first.task, replayed: true });
    expect(await repository.getTask('alice', first.task.id)).toEqual(first.task);
  });

  it.each([
    ['too long', 'k'.repeat(256)],
    ['with spaces', 'my key'],
    ['non-ASCII', 'clé'],
    ['empty', ''],
  ])('refuses a key %s before touching the store', async (_name, key) => {
    // Arrange
    const { repository, tasks } = service();
    // Act / Assert
    await expect(tasks.create('alice', { title: 'x' }, key)).rejects.toMatchObject({
      details: [{ field: 'Idempotency-Key' }],
    });
    expect(repository.calls).toEqual([]);
  });
});

describe('updating a task', () => {
  it('applies the change at the current version and bumps it', async () => {
    // Arrange
    const { tasks } = service();
    const { task } = await tasks.create('alice', { title: 'Buy milk' });
    // Act
    const updated = await tasks.update('alice', task.id, { version: 1, status: 'done' });
    // Assert
    expect(updated).toEqual({ ...task, status: 'done', version: 2 });
  });

  it('answers a stale version with a conflict carrying the stored task, in one call', async () => {
    // Arrange
    const { repository, tasks } = service();
    const { task } = await tasks.create('alice', { title: 'Buy milk' });
    await tasks.update('alice', task.id, { version: 1, title: 'Buy oat milk' });
    repository.calls.length = 0;
    // Act
    const stale = tasks.update('alice', task.id, { version: 1, title: 'Buy soy milk' });
    // Assert
    await expect(stale).rejects.toThrow(ConflictError);
    await expect(stale).rejects.toMatchObject({
      details: { current: { title: 'Buy oat milk', version: 2 } },
    });
    expect(repository.calls).toEqual(['updateTask']);
  });

  it("answers 404 for another user's task, a missing task, and an id that cannot exist", async () => {
    // Arrange
    const { repository, tasks } = service();
    const { task } = await tasks.create('alice', { title: 'Private' });
    repository.calls.length = 0;
    const body = { version: 1, title: 'x' };
    // Act / Assert
    await expect(tasks.update('bob', task.id, body)).rejects.toThrow(NotFoundError);
    await expect(tasks.update('alice', '01ARZ3NDEKTSV4RRFFQ69G5FAV', body)).rejects.toThrow(NotFoundError);
    await expect(tasks.update('alice', 'not-an-id', body)).rejects.toThrow(NotFoundError);
    expect(repository.calls).toEqual(['updateTask', 'updateTask']);
  });

  it('refuses a version the store could not increment exactly, before touching the store', async () => {
    // Arrange
    const { repository, tasks } = service();
    // Act
    const update = tasks.update('alice', '01ARZ3NDEKTSV4RRFFQ69G5FAV', {
      version: Number.MAX_SAFE_INTEGER,
      notes: 'x',
    });
    // Assert
    await expect(update).rejects.toMatchObject({ details: [{ field: 'version' }] });
    expect(repository.calls).toEqual([]);
  });
});

describe('reading, listing and deleting', () => {
  it("gets the owner's task and answers 404 to anyone else", async () => {
    // Arrange
    const { tasks } = service();
    const { task } = await tasks.create('alice', { title: 'Private' });
    // Act / Assert
    expect(await tasks.get('alice', task.id)).toEqual(task);
    await expect(tasks.get('bob', task.id)).rejects.toThrow(NotFoundError);
  });

  it('lists with the default page size and a status filter from the raw query', async () => {
    // Arrange
    const { tasks } = service();
    for (let i = 0; i < 22; i += 1)
      await tasks.create('alice', { title: `T${i}`, status: i < 2 ? 'done' : 'todo' });
    // Act
    const page = await tasks.list('alice', {});
    const done = await tasks.list('alice', { status: 'done' });
    // Assert
    expect(page.items).toHaveLength(20);
    expect(page.nextCursor).toEqual(expect.any(String));
    expect(done.items.map((t) => t.title)).toEqual(['T1', 'T0']);
  });

  it('refuses an unknown query parameter and a non-canonical limit', async () => {
    // Arrange
    const { tasks } = service();
    // Act / Assert
    await expect(tasks.list('alice', { sort: 'asc' })).rejects.toMatchObject({
      details: [{ field: 'sort' }],
    });
    await expect(tasks.list('alice', { limit: '0x10' })).rejects.toMatchObject({
      details: [{ field: 'limit' }],
    });
  });

  it('deletes once, then answers 404', async () => {
    // Arrange
    const { tasks } = service();
    const { task } = await tasks.create('alice', { title: 'Done soon' });
    // Act
    await tasks.delete('alice', task.id);
    // Assert
    await expect(tasks.delete('alice', task.id)).rejects.toThrow(NotFoundError);
    await expect(tasks.get('alice', task.id)).rejects.toThrow(NotFoundError);
  });
});
