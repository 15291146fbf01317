/**
 * The TaskService every task handler uses, wired once per Lambda instance from the
 * environment: TABLE_NAME, and AWS_ENDPOINT_URL_DYNAMODB (read by the SDK itself) only when a
 * local store serves the table.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TaskService } from '../domain/task-service.js';
import { API_ENV } from '../env.js';
import { TaskStore } from '../store/task-store.js';
import { logger, tracer } from './observability.js';

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Environment variable ${name} must be set`);
  return value;
}

const dynamodb = tracer.captureAWSv3Client(new DynamoDBClient({}));

const documentClient = DynamoDBDocumentClient.from(dynamodb, {
  marshallOptions: { removeUndefinedValues: true },
});

/** The store the handlers share; tests and benchmarks watch its consumed capacity. */
export const taskStore = new TaskStore({
  client: documentClient,
  tableName: requiredEnv(API_ENV.tableName),
});
taskStore.watchCapacity((record) => logger.debug('consumed capacity', { capacity: record }));

/** The task use cases, as the handlers call them. */
export const taskService = new TaskService(taskStore);
