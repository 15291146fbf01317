/** `DELETE /tasks/{id}`: removes one of the caller's tasks; 204 with no body. */
import { apiHandler } from '../http/handler.js';
import { callerOf, pathIdOf } from '../http/request.js';
import { noContent } from '../http/response.js';
import { taskService } from '../runtime/task-service.js';

export const handler = apiHandler('DeleteTask', async (event) => {
  await taskService.delete(callerOf(event), pathIdOf(event));
  return noContent();
});
