/**
 * The API's routes: one Lambda function each. Infra builds the API Gateway methods,
 * functions and IAM grants from this table; nothing else lists routes.
 */
import { fileURLToPath } from 'node:url';

/** DynamoDB actions a route's function may call, on the table and its indexes. */
export type TableAction =
  | 'dynamodb:GetItem'
  | 'dynamodb:PutItem'
  | 'dynamodb:UpdateItem'
  | 'dynamodb:DeleteItem'
  | 'dynamodb:Query';

export interface Route {
  /** Stable id: construct ids, function names and metric dimensions derive from it. */
  readonly id: string;
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** API Gateway resource path. */
  readonly path: string;
  /** Handler module under `api/src/handlers/`, exporting `handler`. */
  readonly handlerFile: string;
  /** Whether the Cognito user-pool authorizer guards the route. */
  readonly authorized: boolean;
  /** The only table actions the route's function is granted. */
  readonly tableActions: readonly TableAction[];
  /**
   * The function's memory in MB, which on Lambda also sets its CPU share (1,769 MB = one vCPU).
   * Chosen from the bench's cold-start figures (peak RSS, first-call CPU); see docs/performance.md.
   */
  readonly memoryMb: number;
}

/** Task routes: ~53 MB peak RSS, ~12–15 ms of CPU in the first call (≈ 41–52 ms at 0.29 vCPU). */
const TASK_MEMORY_MB = 512;

export const ROUTES: readonly Route[] = [
  {
    id: 'Health',
    method: 'GET',
    path: '/health',
    handlerFile: 'health.ts',
    authorized: false,
    tableActions: [],
    // No table call: ~3 ms of CPU in its first invocation, ~49 MB peak RSS.
    memoryMb: 128,
  },
  {
    id: 'ListTasks',
    method: 'GET',
    path: '/tasks',
    handlerFile: 'list-tasks.ts',
    authorized: true,
    tableActions: ['dynamodb:Query'],
    memoryMb: TASK_MEMORY_MB,
  },
  {
    id: 'CreateTask',
    method: 'POST',
    path: '/tasks',
    handlerFile: 'create-task.ts',
    authorized: true,
    tableActions: ['dynamodb:PutItem', 'dynamodb:GetItem'],
    memoryMb: TASK_MEMORY_MB,
  },
  {
    id: 'GetTask',
    method: 'GET',
    path: '/tasks/{id}',
    handlerFile: 'get-task.ts',
    authorized: true,
    tableActions: ['dynamodb:GetItem'],
    memoryMb: TASK_MEMORY_MB,
  },
  {
    id: 'UpdateTask',
    method: 'PATCH',
    path: '/tasks/{id}',
    handlerFile: 'update-task.ts',
    authorized: true,
    // A stale edit's 409 comes from the failed UpdateItem itself (ALL_OLD): no read needed.
    tableActions: ['dynamodb:UpdateItem'],
    memoryMb: TASK_MEMORY_MB,
  },
  {
    id: 'DeleteTask',
    method: 'DELETE',
    path: '/tasks/{id}',
    handlerFile: 'delete-task.ts',
    authorized: true,
    tableActions: ['dynamodb:DeleteItem'],
    memoryMb: TASK_MEMORY_MB,
  },
];

/** Absolute path of a route's handler module (the NodejsFunction entry). */
export function handlerEntry(route: Route): string {
  return fileURLToPath(new URL(`./handlers/${route.handlerFile}`, import.meta.url));
}
