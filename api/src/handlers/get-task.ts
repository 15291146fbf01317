/** `GET /tasks/{id}`: one of the caller's tasks; another user's task is 404. */
import { apiHandler } from '../http/handler.js';
import { callerOf, pathIdOf } from '../http/request.js';
import { json } from '../http/response.js';
import { taskService } from '../runtime/task-service.js';

export const handler = apiHandler('GetTask', async (event) => {
  const task = await taskService.get(callerOf(event), pathIdOf(event));
  return json(200, task);
});
