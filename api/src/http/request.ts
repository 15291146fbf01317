/**
 * Reading an API Gateway REST (v1 proxy) event: the caller's identity, headers, path and
 * query parameters, and a JSON body within the size and media-type rules.
 */
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { TASK_LIMITS } from '../contract/protocol.js';
import {
  PayloadTooLargeError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../domain/errors.js';

const JSON_MEDIA_TYPE = /^application\/json\s*(;\s*charset=("?)utf-8\2\s*)?$/i;
/** Cognito subs are UUIDs; anything that could break out of a key segment is refused. */
const SUB_PATTERN = /^[\w-]{1,128}$/;

/** The id API Gateway gave the request, else the Lambda invocation's id. */
export function requestIdOf(event: APIGatewayProxyEvent, context: Context): string {
  return event.requestContext?.requestId || context.awsRequestId;
}

/**
 * The caller's user id: the `sub` claim the Cognito authorizer verified. It is the only
 * source of identity; a request without it is refused even though the gateway checks first.
 */
export function callerOf(event: APIGatewayProxyEvent): string {
  const claims: unknown = event.requestContext?.authorizer?.claims;
  const sub =
    typeof claims === 'object' && claims !== null ? (claims as Record<string, unknown>).sub : undefined;
  if (typeof sub !== 'string' || !SUB_PATTERN.test(sub)) throw new UnauthorizedError();
  return sub;
}

/** A request header by case-insensitive name. */
export function headerOf(event: APIGatewayProxyEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted && value !== undefined) return value;
  }
  return undefined;
}

/** The `{id}` path parameter (always present on routes that declare it). */
export function pathIdOf(event: APIGatewayProxyEvent): string {
  return event.pathParameters?.id ?? '';
}

/** The query string as a plain map (empty when there is none). */
export function queryOf(event: APIGatewayProxyEvent): Record<string, string | undefined> {
  return { ...(event.queryStringParameters ?? {}) };
}

/**
 * The parsed JSON body. Over TASK_LIMITS.bodyMaxBytes is a 413, a Content-Type other than
 * application/json (optionally `; charset=utf-8`) is a 415, and malformed JSON is a 400.
 */
export function jsonBodyOf(event: APIGatewayProxyEvent): unknown {
  const raw = event.body ?? '';
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.byteLength > TASK_LIMITS.bodyMaxBytes) throw new PayloadTooLargeError(TASK_LIMITS.bodyMaxBytes);
  const contentType = headerOf(event, 'content-type');
  if (contentType === undefined || !JSON_MEDIA_TYPE.test(contentType.trim())) {
    throw new UnsupportedMediaTypeError();
  }
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw ValidationError.field('body', 'is not valid JSON');
  }
}
