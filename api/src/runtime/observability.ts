/**
 * Powertools logger and metrics, created once per Lambda instance and shared by every handler.
 * Service name and namespace are required (infra sets both; a missing one fails the init,
 * naming the variable); the log level comes from POWERTOOLS_LOG_LEVEL.
 *
 * No tracer: Lambda and API Gateway active tracing record each request's segments on the
 * service side, without the X-Ray SDK (which AWS ends support for on 2027-02-25).
 */
import { getStringFromEnv } from '@aws-lambda-powertools/commons/utils/env';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { API_ENV } from '../env.js';

const serviceName = getStringFromEnv({ key: API_ENV.serviceName });
const namespace = getStringFromEnv({ key: API_ENV.metricsNamespace });

export const logger = new Logger({ serviceName });
/**
 * Read routes publish no business metric by design, and Powertools warns about that on every such
 * invocation. Its own answer is a logger of the caller's choosing: this one passes Metrics'
 * other warnings (a dimension or metric CloudWatch would drop) to the function's logger and drops
 * that one. A child logger set to ERROR would not do: on Lambda the function's log-level setting
 * (`AWS_LAMBDA_LOG_LEVEL`, which the template sets) overrides every Powertools logger's level.
 */
const metricsLogger = {
  debug: () => {},
  info: () => {},
  warn: (message: string) => {
    if (!message.startsWith('No application metrics to publish')) logger.warn(message);
  },
  error: (message: string) => logger.error(message),
};

export const metrics = new Metrics({ serviceName, namespace, logger: metricsLogger });

/** Business metrics the API emits (CloudWatch EMF, count unit). */
export type ApiMetric = 'TaskCreated' | 'TaskConflict' | 'IdempotentReplay' | 'UnexpectedError';

/** Counts one occurrence of a business event; flushed at the end of the invocation. */
export function countMetric(name: ApiMetric): void {
  metrics.addMetric(name, MetricUnit.Count, 1);
}
