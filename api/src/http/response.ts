/**
 * Every API response is built here: JSON bodies, CORS headers, and the one mapping from a
 * domain error to its HTTP status (ERROR_STATUS).
 */
import { getStringFromEnv } from '@aws-lambda-powertools/commons/utils/env';
import type { APIGatewayProxyResult } from 'aws-lambda';
import type { ErrorBody } from '../contract/index.js';
import { ERROR_STATUS } from '../contract/protocol.js';
import type { DomainError } from '../domain/errors.js';
import { API_ENV } from '../env.js';

/** Response header set when a create was answered from its idempotency record. */
export const IDEMPOTENT_REPLAYED_HEADER = 'Idempotent-Replayed';

const corsHeaders: Record<string, string> = {
  'Access-Control-Allow-Origin': getStringFromEnv({ key: API_ENV.corsAllowedOrigin, defaultValue: '*' }),
  'Access-Control-Expose-Headers': `${IDEMPOTENT_REPLAYED_HEADER}, Location`,
};

/** A JSON response with CORS headers. */
export function json(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { 'Content-Type': 'application/json', ...corsHeaders, ...headers },
    body: JSON.stringify(body),
  };
}

/** A 204 with no body. */
export function noContent(): APIGatewayProxyResult {
  return { statusCode: 204, headers: { ...corsHeaders }, body: '' };
}

/** The error response for a domain error: its contract code, status, message and details. */
export function domainErrorResponse(error: DomainError, requestId: string): APIGatewayProxyResult {
  const body: ErrorBody = {
    error: {
      code: error.code,
      message: error.message,
      ...(error.details === undefined ? {} : { details: error.details }),
    },
    requestId,
  };
  return json(ERROR_STATUS[error.code], body);
}

/** The 500 response: a fixed message and the request id, never the error itself. */
export function internalErrorResponse(requestId: string): APIGatewayProxyResult {
  const body: ErrorBody = {
    error: { code: 'internal', message: 'Internal error; quote the request id when reporting it' },
    requestId,
  };
  return json(ERROR_STATUS.internal, body);
}
