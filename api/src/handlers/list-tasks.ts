/** `GET /tasks?status&limit&cursor`: a page of the caller's tasks, newest first. */
import { apiHandler } from '../http/handler.js';
import { callerOf, queryOf } from '../http/request.js';
import { json } from '../http/response.js';
import { taskService } from '../runtime/task-service.js';

export const handler = apiHandler('ListTasks', async (event) => {
  const page = await taskService.list(callerOf(event), queryOf(event));
  return json(200, page);
});
