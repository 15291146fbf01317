/**
 * Wraps a route's adapter into a Lambda handler: request-scoped logging, tracing of the
 * invocation, mapping of domain errors to responses, a fixed 500 for anything else, and
 * flushing of metrics.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { DomainError } from '../domain/errors.js';
import { countMetric, logger, metrics, tracer } from '../runtime/observability.js';
import { requestIdOf } from './request.js';
import { domainErrorResponse, internalErrorResponse } from './response.js';

/** A Lambda handler for an API Gateway REST proxy integration. */
export type ApiHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** What a route does with a request: parse, call the domain, build the response. */
export type RouteAdapter = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

async function respond(
  adapter: RouteAdapter,
  event: APIGatewayProxyEvent,
  requestId: string,
): Promise<APIGatewayProxyResult> {
  try {
    return await adapter(event);
  } catch (error) {
    if (error instanceof DomainError) {
      if (error.code === 'conflict') countMetric('TaskConflict');
      logger.info('request refused', { code: error.code, reason: error.message });
      return domainErrorResponse(error, requestId);
    }
    countMetric('UnexpectedError');
    logger.error('unexpected error', error as Error);
    tracer.addErrorAsMetadata(error as Error);
    return internalErrorResponse(requestId);
  }
}

/** The Lambda handler for one route. */
export function apiHandler(routeId: string, adapter: RouteAdapter): ApiHandler {
  return async (event, context) => {
    const requestId = requestIdOf(event, context);
    logger.addContext(context);
    logger.appendKeys({ requestId, route: routeId });
    // Outside Lambda (tests, the local cloud) Powertools disables tracing; skip the segment then.
    const segment = tracer.isTracingEnabled() ? tracer.getSegment() : undefined;
    const subsegment = segment?.addNewSubsegment(`## ${routeId}`);
    if (subsegment) {
      tracer.setSegment(subsegment);
      tracer.annotateColdStart();
      tracer.addServiceNameAnnotation();
    }
    try {
      const response = await respond(adapter, event, requestId);
      logger.debug('response', { statusCode: response.statusCode });
      return response;
    } finally {
      subsegment?.close();
      if (segment) tracer.setSegment(segment);
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
      logger.resetKeys();
    }
  };
}
