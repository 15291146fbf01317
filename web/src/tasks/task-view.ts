/** How a task reads in the list: its due date, whether it is overdue and the start of its notes. */
import type { Task } from '@tasktracker/api/contract';

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });

/** "2026-03-01" → "Mar 1, 2026" in the reader's locale (the date is a calendar date, so UTC). */
export function formatDueDate(isoDate: string): string {
  return dateFormat.format(new Date(`${isoDate}T00:00:00Z`));
}

/** The reader's calendar date as `YYYY-MM-DD`: a task is due on the user's day, not UTC's. */
export function localIsoDate(now: Date): string {
  const year = String(now.getFullYear()).padStart(4, '0');
  const month = String(now.getMonth() + 1).padStart(2, '0');
  const day = String(now.getDate()).padStart(2, '0');
  return `${year}-${month}-${day}`;
}

/** Past its due date and not done; a task due today is not overdue yet. */
export function isOverdue(task: Pick<Task, 'status' | 'dueDate'>, today: string): boolean {
  // ISO calendar dates sort as strings.
  return task.status !== 'done' && task.dueDate !== null && task.dueDate < today;
}

/** How much of a task's notes the list shows; the edit screen shows all of them. */
export const NOTES_EXCERPT_CHARS = 160;

/**
 * The start of a note for the list: whitespace (line breaks included) collapsed to single spaces,
 * cut at a word boundary when there is one near the limit, and "…" when anything was cut.
 * Counts code points, so an emoji is never split in half.
 */
export function notesExcerpt(notes: string, max: number = NOTES_EXCERPT_CHARS): string {
  const flat = notes.replace(/\s+/g, ' ').trim();
  const chars = [...flat];
  if (chars.length <= max) return flat;
  const cut = chars.slice(0, max).join('');
  const lastSpace = cut.lastIndexOf(' ');
  // A word boundary in the last quarter keeps whole words; a longer word is cut where it is.
  const end = lastSpace >= cut.length * 0.75 ? lastSpace : cut.length;
  return `${cut.slice(0, end).trimEnd()}…`;
}
