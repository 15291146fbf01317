/**
 * Powertools logger, metrics and tracer, created once per Lambda instance and shared by
 * every handler. Service name, namespace and log level come from the POWERTOOLS_* env vars.
 * Tracing is on only inside Lambda (Powertools turns it off elsewhere or with
 * POWERTOOLS_TRACE_ENABLED=false), so the local cloud and tests need no X-Ray daemon.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { API_ENV } from '../env.js';

const serviceName = process.env[API_ENV.serviceName] || 'tasktracker-api';
const namespace = process.env[API_ENV.metricsNamespace] || 'TaskTracker';

export const logger = new Logger({ serviceName });
export const metrics = new Metrics({ serviceName, namespace });
export const tracer = new Tracer({ serviceName });

/** Business metrics the API emits (CloudWatch EMF, count unit). */
export type ApiMetric = 'TaskCreated' | 'TaskConflict' | 'IdempotentReplay' | 'UnexpectedError';

/** Counts one occurrence of a business event; flushed at the end of the invocation. */
export function countMetric(name: ApiMetric): void {
  metrics.addMetric(name, MetricUnit.Count, 1);
}
