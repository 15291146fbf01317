/** The task API called directly, as a second device of the same user would: for changes behind the UI's back. */
import { type CreateTaskInput, Task, TaskPage, type UpdateTaskInput } from '@tasktracker/api/contract';
import type { CloudUnderTest } from './cloud.js';

async function call(cloud: CloudUnderTest, token: string, method: string, path: string, body?: unknown) {
  const response = await fetch(new URL(path.replace(/^\//, ''), `${cloud.urls.api.replace(/\/?$/, '/')}`), {
    method,
    headers: { authorization: token, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  return JSON.parse(text) as unknown;
}

/** The user's tasks, newest first (first page). */
export async function listTasks(cloud: CloudUnderTest, token: string): Promise<Task[]> {
  return TaskPage.parse(await call(cloud, token, 'GET', '/tasks')).items;
}

/** Creates a task through the API, for a test whose subject is not the "New task" form. */
export async function createTask(
  cloud: CloudUnderTest,
  token: string,
  input: CreateTaskInput,
): Promise<Task> {
  return Task.parse(await call(cloud, token, 'POST', '/tasks', input));
}

/** Changes a task through the API; `input.version` must be the task's current version. */
export async function updateTask(
  cloud: CloudUnderTest,
  token: string,
  id: string,
  input: UpdateTaskInput,
): Promise<Task> {
  return Task.parse(await call(cloud, token, 'PATCH', `/tasks/${encodeURIComponent(id)}`, input));
}
