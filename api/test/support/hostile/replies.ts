/** What every reply must be, whatever was asked: no 5xx, and errors in the contract's shape without internals. */
import * as z from 'zod/mini';
import { ErrorBody } from '../../../src/contract/index.js';
import type { Reply } from './targets.js';

/**
 * What internals look like in a body: a stack frame, a source file, a path on this machine or in
 * node_modules, an exception's class name. A body matching it leaked how the API is built.
 */
export const LEAK_PATTERN =
  /\bat [\w$.<>]+ \(|\bat (?:file:|\/)|node_modules|\/(?:home|work|tmp|var|usr)\/|\.(?:[cm]?[jt]s):\d+|[A-Z]\w*(?:Error|Exception)\b: /;

/** Why a reply breaks the API's promises, or undefined when it keeps them. */
export function brokenPromise(reply: Reply): string | undefined {
  if (reply.status >= 500) return `answered ${reply.status}`;
  // A success echoes the client's own data; an error's text is the API's.
  if (reply.status < 400) return undefined;
  if (LEAK_PATTERN.test(reply.text)) return `leaked internals: ${reply.text.slice(0, 300)}`;
  const parsed = z.safeParse(ErrorBody, reply.json);
  if (!parsed.success)
    return `a ${reply.status} whose body is not the contract's error shape: ${reply.text.slice(0, 300)}`;
  if (parsed.data.requestId === '') return `a ${reply.status} without a request id`;
  return undefined;
}

/** Whether the reply is API Gateway's own request-validator refusal, not the function's. */
export const isValidatorRefusal = (reply: Reply): boolean =>
  reply.status === 400 && reply.headers.get('x-amzn-errortype') === 'BadRequestException';

/** The error code of an error reply. */
export function errorCodeOf(reply: Reply): string | undefined {
  const parsed = z.safeParse(ErrorBody, reply.json);
  return parsed.success ? parsed.data.error.code : undefined;
}
