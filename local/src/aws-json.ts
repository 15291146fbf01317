/**
 * The AWS JSON 1.1 protocol as local services speak it: an `X-Amz-Target` header naming
 * `<Prefix>.<Operation>`, a JSON object body, and errors as `{"__type","message"}` with the
 * `x-amzn-errortype` header — what the AWS SDK v3 reads back as a typed exception.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { keyed, nullPrototypeObjects } from './keyed.js';

/** An error the client sees as `__type` (e.g. `ParameterNotFound`) with HTTP `status`. */
export class AwsJsonError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** The operation named by `X-Amz-Target: <prefix><Operation>`, or `''` when it is missing or foreign. */
export function targetOperation(req: IncomingMessage, prefix: string): string {
  const target = req.headers['x-amz-target'];
  return typeof target === 'string' && target.startsWith(prefix) ? target.slice(prefix.length) : '';
}

/**
 * Reads the body as one JSON object; a too large, malformed or non-object body is a
 * `SerializationException`. Every object in it has a null prototype: a key named like an
 * `Object.prototype` member is just data.
 */
export async function readJsonObject(
  req: IncomingMessage,
  maxBytes: number,
): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new AwsJsonError('SerializationException', 'Request body is too large.');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  let value: unknown;
  try {
    value = text.trim() === '' ? keyed() : JSON.parse(text, nullPrototypeObjects);
  } catch {
    throw new AwsJsonError('SerializationException', 'Request body is not valid JSON.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new AwsJsonError('SerializationException', 'Request body must be a JSON object.');
  return value as Record<string, unknown>;
}

export function sendAwsJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(body));
}

export function sendAwsJsonError(res: ServerResponse, err: AwsJsonError): void {
  // Messages may quote client input; a header value must stay printable ASCII on one line.
  res.setHeader('x-amzn-errortype', err.type);
  res.setHeader('x-amzn-errormessage', err.message.replace(/[^\x20-\x7e]/g, '?'));
  sendAwsJson(res, err.status, { __type: err.type, message: err.message });
}
