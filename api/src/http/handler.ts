/**
 * Turns a route's adapter into a Lambda handler with Powertools' own middy middleware: the
 * logger gets the Lambda context and the request's keys for one invocation (then resets), and
 * metrics are flushed as CloudWatch EMF at the end (with a ColdStart count). What stays here is
 * the API's part: mapping domain errors to responses and anything else to a fixed 500.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { DomainError } from '../domain/errors.js';
import { countMetric, logger, metrics } from '../runtime/observability.js';
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
    return internalErrorResponse(requestId);
  }
}

/** The Lambda handler for one route. */
export function apiHandler(routeId: string, adapter: RouteAdapter): ApiHandler {
  return middy(async (event: APIGatewayProxyEvent, context: Context) => {
    const requestId = requestIdOf(event, context);
    logger.appendKeys({ requestId, route: routeId });
    const response = await respond(adapter, event, requestId);
    logger.debug('response', { statusCode: response.statusCode });
    return response;
  })
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }));
}
