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
}

export const ROUTES: readonly Route[] = [
  {
    id: 'Health',
    method: 'GET',
    path: '/health',
    handlerFile: 'health.ts',
    authorized: false,
    tableActions: [],
  },
  {
    id: 'ListTasks',
    method: 'GET',
    path: '/tasks',
    handlerFile: 'list-tasks.ts',
    authorized: true,
    tableActions: ['dynamodb:Query'],
  },
  {
    id: 'CreateTask',
    method: 'POST',
    path: '/tasks',
    handlerFile: 'create-task.ts',
    authorized: true,
    tableActions: ['dynamodb:PutItem', 'dynamodb:GetItem'],
  },
  {
    id: 'GetTask',
    method: 'GET',
    path: '/tasks/{id}',
    handlerFile: 'get-task.ts',
    authorized: true,
    tableActions: ['dynamodb:GetItem'],
  },
  {
    id: 'UpdateTask',
    method: 'PATCH',
    path: '/tasks/{id}',
    handlerFile: 'update-task.ts',
    authorized: true,
    tableActions: ['dynamodb:UpdateItem', 'dynamodb:GetItem'],
  },
  {
    id: 'DeleteTask',
    method: 'DELETE',
    path: '/tasks/{id}',
    handlerFile: 'delete-task.ts',
    authorized: true,
    tableActions: ['dynamodb:DeleteItem'],
  },
];

/** Absolute path of a route's handler module (the NodejsFunction entry). */
export function handlerEntry(route: Route): string {
  return fileURLToPath(new URL(`./handlers/${route.handlerFile}`, import.meta.url));
}
