import { describe, expect, it } from 'vitest';
import { isOverdue, localIsoDate, NOTES_EXCERPT_CHARS, notesExcerpt } from '../src/tasks/task-view.js';

describe('localIsoDate', () => {
  it("is the reader's calendar date, zero-padded", () => {
    // Arrange: 9 p.m. local time on 5 March, whatever UTC says.
    const evening = new Date(2026, 2, 5, 21, 30);

    // Act
    const date = localIsoDate(evening);

    // Assert
    expect(date).toBe('2026-03-05');
  });
});

describe('isOverdue', () => {
  const today = '2026-03-05';

  it('is true for an open task due before today', () => {
    expect(isOverdue({ status: 'doing', dueDate: '2026-03-04' }, today)).toBe(true);
  });

  it('is false for a task due today, a task done late and a task without a due date', () => {
    expect(isOverdue({ status: 'todo', dueDate: today }, today)).toBe(false);
    expect(isOverdue({ status: 'done', dueDate: '2026-01-01' }, today)).toBe(false);
    expect(isOverdue({ status: 'todo', dueDate: null }, today)).toBe(false);
  });
});

describe('notesExcerpt', () => {
  it('shows short notes whole, on one line', () => {
    expect(notesExcerpt('  Call the venue.\n\nAsk about   parking.  ')).toBe(
      'Call the venue. Ask about parking.',
    );
  });

  it('cuts long notes after a whole word and marks the cut', () => {
    // Arrange
    const notes = 'word '.repeat(100);

    // Act
    const excerpt = notesExcerpt(notes);

    // Assert
    expect(excerpt).toMatch(/^(word )*word…$/);
    expect(excerpt.length).toBeLessThanOrEqual(NOTES_EXCERPT_CHARS + 1);
    expect(excerpt.length).toBeGreaterThan(NOTES_EXCERPT_CHARS * 0.75);
  });

  it('cuts a single very long word at the limit', () => {
    expect(notesExcerpt('x'.repeat(500), 10)).toBe(`${'x'.repeat(10)}…`);
  });

  it('never splits an emoji in half', () => {
    // Arrange: each 🎉 is two UTF-16 code units.
    const notes = '🎉'.repeat(20);

    // Act
    const excerpt = notesExcerpt(notes, 5);

    // Assert
    expect(excerpt).toBe('🎉🎉🎉🎉🎉…');
  });
});
