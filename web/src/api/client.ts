/**
 * Typed client for the task API. Sends the Cognito ID token as `Authorization` (API Gateway's
 * Cognito authorizer takes the raw token), parses every response with the shared contract and
 * turns `{"error":{code,message,details}}` bodies into ApiError / ConflictError.
 */
import type { CreateTaskInput, TaskStatus, UpdateTaskInput } from '@tasktracker/api/contract';
import { ERROR_STATUS, ErrorBody, IDEMPOTENCY_HEADER, Task, TaskPage } from '@tasktracker/api/contract';
import { ApiError, ConflictError } from './errors.js';

export { ApiError, ConflictError, type FieldErrors, fieldErrorsFrom } from './errors.js';

/** What the UI needs from the API; components receive it through ServicesContext. */
export interface TaskApi {
  list(query?: { status?: TaskStatus; limit?: number; cursor?: string }): Promise<TaskPage>;
  create(input: CreateTaskInput, idempotencyKey?: string): Promise<Task>;
  get(id: string): Promise<Task>;
  update(id: string, input: UpdateTaskInput): Promise<Task>;
  remove(id: string): Promise<void>;
}

export interface TaskApiOptions {
  /** The API's base URL (the stage URL, with or without a trailing slash). */
  readonly baseUrl: string;
  /** The current Cognito ID token, refreshed as needed; undefined when signed out. */
  readonly getToken: () => Promise<string | undefined>;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
}

/** The part of a zod schema the client uses (keeps zod itself out of web's dependencies). */
interface ResponseSchema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false };
}

const MESSAGE_BY_STATUS: Readonly<Record<number, string>> = {
  401: 'Your session has expired. Sign in again.',
  403: 'You are not allowed to do that.',
  404: 'That task does not exist.',
  409: 'This task has changed since you opened it.',
  429: 'Too many requests. Wait a moment and try again.',
};

function codeForStatus(status: number): string {
  const known = Object.entries(ERROR_STATUS).find(([, s]) => s === status);
  return known ? known[0] : status >= 500 ? 'internal' : 'http_error';
}

async function readJson(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function errorFrom(res: Response): Promise<ApiError> {
  const json = await readJson(res);
  const parsed = ErrorBody.safeParse(json);
  if (res.status === 409 || (parsed.success && parsed.data.error.code === 'conflict')) {
    const details = parsed.success ? parsed.data.error.details : undefined;
    const current = Task.safeParse((details as { current?: unknown } | undefined)?.current);
    return new ConflictError(
      MESSAGE_BY_STATUS[409] ?? 'Conflict',
      current.success ? current.data : undefined,
      details,
      parsed.success ? parsed.data.requestId : undefined,
    );
  }
  if (parsed.success) {
    const { code, message, details } = parsed.data.error;
    const shown = res.status === 401 ? (MESSAGE_BY_STATUS[401] ?? message) : message;
    return new ApiError(res.status, code, shown, details, parsed.data.requestId);
  }
  // API Gateway's own responses (authorizer, throttling) are `{"message": "..."}`, not the contract's shape.
  const gatewayMessage = (json as { message?: unknown } | undefined)?.message;
  const message =
    MESSAGE_BY_STATUS[res.status] ??
    (typeof gatewayMessage === 'string' ? gatewayMessage : `The server answered ${res.status}.`);
  return new ApiError(res.status, codeForStatus(res.status), message);
}

/** Creates the client; one per signed-in app. */
export function createTaskApi(options: TaskApiOptions): TaskApi {
  const base = options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`;
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));

  async function call<T>(
    method: string,
    path: string,
    schema: ResponseSchema<T> | undefined,
    body?: unknown,
    extraHeaders: Record<string, string> = {},
  ): Promise<T | undefined> {
    const token = await options.getToken();
    const headers: Record<string, string> = { Accept: 'application/json', ...extraHeaders };
    if (token) headers.Authorization = token;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let res: Response;
    try {
      res = await doFetch(new URL(path, base), {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new ApiError(0, 'network', 'Could not reach the server. Check your connection and try again.');
    }
    if (!res.ok) throw await errorFrom(res);
    if (!schema) return undefined;
    const parsed = schema.safeParse(await readJson(res));
    if (!parsed.success)
      throw new ApiError(res.status, 'bad_response', 'The server sent an unexpected response.');
    return parsed.data;
  }

  async function required<T>(value: Promise<T | undefined>): Promise<T> {
    const result = await value;
    if (result === undefined) throw new ApiError(0, 'bad_response', 'The server sent an empty response.');
    return result;
  }

  const taskPath = (id: string) => `tasks/${encodeURIComponent(id)}`;

  return {
    list(query = {}) {
      const params = new URLSearchParams();
      if (query.status) params.set('status', query.status);
      if (query.limit !== undefined) params.set('limit', String(query.limit));
      if (query.cursor) params.set('cursor', query.cursor);
      const qs = params.toString();
      return required(call('GET', qs ? `tasks?${qs}` : 'tasks', TaskPage));
    },
    create(input, idempotencyKey) {
      const headers: Record<string, string> = idempotencyKey ? { [IDEMPOTENCY_HEADER]: idempotencyKey } : {};
      return required(call('POST', 'tasks', Task, input, headers));
    },
    get(id) {
      return required(call('GET', taskPath(id), Task));
    },
    update(id, input) {
      return required(call('PATCH', taskPath(id), Task, input));
    },
    async remove(id) {
      await call('DELETE', taskPath(id), undefined);
    },
  };
}
