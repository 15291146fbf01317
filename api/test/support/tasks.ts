/** Tasks as the tests expect them. */

/** What `POST /tasks` makes of `{ title: '  Buy milk ' }`: the title trimmed, every other field at its default, version 1. */
export const NEW_BUY_MILK = {
  title: 'Buy milk',
  notes: '',
  status: 'todo',
  dueDate: null,
  tags: [],
  version: 1,
} as const;
