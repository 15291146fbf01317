/**
 * Where hostile requests are sent: a target takes a request as it is on the wire and answers as a
 * client would see it. The in-process target invokes the route's handler with the proxy event
 * API Gateway would deliver; the local cloud's tests add one that sends through the gateway.
 */
import { proxyEvent } from '@tasktracker/local/proxy-event';
import type { Route } from '../../../src/routes.js';
import { invoke, type loadApi } from '../api.js';
import type { Pairs } from './cases.js';

/** A request as it is on the wire. */
export interface WireRequest {
  readonly route: Route;
  /** The path after the stage, each segment as the client encoded it. */
  readonly path: string;
  /** `{id}` as API Gateway hands it to the function: the segment, percent-decoded when it decodes. */
  readonly pathParameters?: Readonly<Record<string, string>>;
  /** The query string as sent, without `?`. */
  readonly query: string;
  readonly headers: Pairs;
  readonly body: Buffer | null;
}

/** An answer as the client sees it. */
export interface Reply {
  readonly status: number;
  /** Header names in lower case. */
  readonly headers: ReadonlyMap<string, string>;
  readonly text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  readonly json: unknown;
}

/** Something that answers API requests as one of several users ("lanes"). */
export interface ApiTarget {
  readonly name: string;
  /** Sends `request` as the user of `lane`. */
  send(request: WireRequest, lane: number): Promise<Reply>;
}

/** A path segment's value as API Gateway passes it: decoded, or as sent when it does not decode. */
export function pathParameterOf(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Parses a reply body that should be JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

type LoadedApi = Awaited<ReturnType<typeof loadApi>>;

/**
 * The handlers in this process, each lane a Cognito user (`sub`) the authorizer would have
 * verified; events come from the local cloud's builder, from the request's wire form.
 */
export function inProcessTarget(api: LoadedApi, subOf: (lane: number) => string): ApiTarget {
  const handlers = new Map([
    ['Health', api.health],
    ['ListTasks', api.list],
    ['CreateTask', api.create],
    ['GetTask', api.get],
    ['UpdateTask', api.update],
    ['DeleteTask', api.remove],
  ]);
  return {
    name: 'handler',
    async send(request, lane) {
      const handler = handlers.get(request.route.id);
      if (!handler) throw new Error(`No handler for ${request.route.id}.`);
      const sub = subOf(lane);
      const event = proxyEvent({
        httpMethod: request.route.method,
        resource: request.route.path,
        ...(request.pathParameters ? { pathParameters: request.pathParameters } : {}),
        headers: request.headers,
        query: [...new URLSearchParams(request.query)],
        // The gateway passes the body as UTF-8 text (no binary media types), and no body as null.
        body: request.body === null || request.body.length === 0 ? null : request.body.toString('utf8'),
        ...(request.route.authorized ? { claims: { sub, email: `${sub}@example.com` } } : {}),
      });
      const reply = await invoke(handler, event);
      return {
        status: reply.status,
        headers: new Map(Object.entries(reply.headers).map(([name, value]) => [name.toLowerCase(), value])),
        text: reply.rawBody,
        json: parseJson(reply.rawBody),
      };
    },
  };
}
