import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ListTasksQuery, TASK_LIMITS, Task, UpdateTaskInput } from '../src/contract/index.js';

const task: Task = {
  id: '01KAB0000000000000000000AA',
  title: 'Buy milk',
  notes: '',
  status: 'todo',
  dueDate: null,
  tags: [],
  createdAt: '2026-11-24T12:00:00.000Z',
  updatedAt: '2026-11-24T12:00:00.000Z',
  version: 1,
};

describe('task versions', () => {
  it('accepts an edit at every version that can still be incremented exactly', () => {
    // Arrange
    const highest = TASK_LIMITS.versionMax - 1;
    // Act
    const parsed = UpdateTaskInput.safeParse({ version: highest, title: 'x' });
    // Assert
    expect(parsed.success).toBe(true);
    expect(Number.isSafeInteger(highest + 1)).toBe(true);
  });

  it('refuses an edit at the largest safe integer, whose next version the store cannot keep exact', () => {
    // Arrange
    const body = { version: Number.MAX_SAFE_INTEGER, notes: 'x' };
    // Act
    const parsed = UpdateTaskInput.safeParse(body);
    // Assert
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => issue.path)).toEqual([['version']]);
  });

  it('reads back a task at the largest version and refuses one beyond it', () => {
    // Arrange
    const atMax = { ...task, version: TASK_LIMITS.versionMax };
    const beyond = { ...task, version: TASK_LIMITS.versionMax + 2 };
    // Act / Assert
    expect(Task.safeParse(atMax).success).toBe(true);
    expect(Task.safeParse(beyond).success).toBe(false);
  });
});

describe('GET /tasks limit', () => {
  it('accepts every in-range limit written as canonical decimal digits', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: TASK_LIMITS.listLimitMax }), (limit) => {
        // Act
        const parsed = ListTasksQuery.safeParse({ limit: String(limit) });
        // Assert
        expect(parsed.data?.limit).toBe(limit);
      }),
    );
  });

  it.each(['0x10', '1e1', '+5', '05', ' 5', '5 ', '5.0', '-0', '1_0', '٥', ''])(
    'refuses the non-canonical limit %j instead of coercing it',
    (limit) => {
      // Act
      const parsed = ListTasksQuery.safeParse({ limit });
      // Assert
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues[0]?.path).toEqual(['limit']);
    },
  );

  it('refuses any string that is not the decimal spelling of its own number', () => {
    fc.assert(
      fc.property(
        fc.string().filter((text) => String(Number(text)) !== text),
        (limit) => {
          // Act / Assert
          expect(ListTasksQuery.safeParse({ limit }).success).toBe(false);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('uses the default page size when no limit is given', () => {
    expect(ListTasksQuery.parse({}).limit).toBe(TASK_LIMITS.listLimitDefault);
  });
});
