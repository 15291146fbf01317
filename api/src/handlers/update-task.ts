/** `PATCH /tasks/{id}`: changes fields if the body's `version` is current, else 409 with the task. */
import { apiHandler } from '../http/handler.js';
import { callerOf, jsonBodyOf, pathIdOf } from '../http/request.js';
import { json } from '../http/response.js';
import { taskService } from '../runtime/task-service.js';

export const handler = apiHandler('UpdateTask', async (event) => {
  const owner = callerOf(event);
  const task = await taskService.update(owner, pathIdOf(event), jsonBodyOf(event));
  return json(200, task);
});
