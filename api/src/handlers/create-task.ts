/**
 * `POST /tasks`: creates a task. With an `Idempotency-Key`, a retry gets the first response
 * again (201, same task) plus `Idempotent-Replayed: true`.
 */
import { IDEMPOTENCY_HEADER } from '../contract/index.js';
import { apiHandler } from '../http/handler.js';
import { callerOf, headerOf, jsonBodyOf } from '../http/request.js';
import { IDEMPOTENT_REPLAYED_HEADER, json } from '../http/response.js';
import { countMetric } from '../runtime/observability.js';
import { taskService } from '../runtime/task-service.js';

export const handler = apiHandler('CreateTask', async (event) => {
  const owner = callerOf(event);
  const { task, replayed } = await taskService.create(
    owner,
    jsonBodyOf(event),
    headerOf(event, IDEMPOTENCY_HEADER),
  );
  countMetric(replayed ? 'IdempotentReplay' : 'TaskCreated');
  const headers: Record<string, string> = { Location: `/tasks/${task.id}` };
  if (replayed) headers[IDEMPOTENT_REPLAYED_HEADER] = 'true';
  return json(201, task, headers);
});
