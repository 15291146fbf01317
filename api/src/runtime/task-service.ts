/**
 * The TaskService every task handler uses, wired once per Lambda instance from the environment:
 * TABLE_NAME (required: a missing one fails the init, naming the variable), and
 * AWS_ENDPOINT_URL_DYNAMODB only when a local store serves the table.
 */
import { getStringFromEnv } from '@aws-lambda-powertools/commons/utils/env';
import { TaskService } from '../domain/task-service.js';
import { API_ENV } from '../env.js';
import { connectDynamoDb } from '../store/dynamodb-client.js';
import { TaskStore } from '../store/task-store.js';
import { logger } from './observability.js';

const client = connectDynamoDb();

/** The store the handlers share; tests and benchmarks watch its consumed capacity. */
export const taskStore = new TaskStore({ client, tableName: getStringFromEnv({ key: API_ENV.tableName }) });
taskStore.watchCapacity((record) => logger.debug('consumed capacity', { capacity: record }));

/** The task use cases, as the handlers call them. */
export const taskService = new TaskService(taskStore);
