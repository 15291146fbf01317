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
 * Read routes publish no business metric by design, and Powertools would warn about that on
 * every such invocation; its own option for this is a logger of its choosing, so it gets one
 * that keeps only errors (its warnings are about calls tests already pin down).
 */
export const metrics = new Metrics({
  serviceName,
  namespace,
  logger: logger.createChild({ logLevel: 'ERROR' }),
});

/** Business metrics the API emits (CloudWatch EMF, count unit). */
export type ApiMetric = 'TaskCreated' | 'TaskConflict' | 'IdempotentReplay' | 'UnexpectedError';

/** Counts one occurrence of a business event; flushed at the end of the invocation. */
export function countMetric(name: ApiMetric): void {
  metrics.addMetric(name, MetricUnit.Count, 1);
}
