/**
 * The part of SNS's API (the AWS query protocol: a form-encoded POST naming an `Action`, answered
 * in XML) that the local SNS serves: `ListSubscriptionsByTopic`, with SNS's response shape, its
 * pages of 100 and its errors. An operator's tool, such as the smoke test reporting subscriptions
 * still pending confirmation, reads the local topics exactly as it reads AWS's.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** One subscription as `ListSubscriptionsByTopic` lists it. */
export interface ListedSubscription {
  readonly topicArn: string;
  readonly protocol: string;
  readonly endpoint: string;
  /** The subscription's ARN once confirmed; `PendingConfirmation` until then, as SNS answers. */
  readonly subscriptionArn: string;
  /** The account that owns the subscription. */
  readonly owner: string;
}

/** What the query API needs of the service: the subscriptions of a topic, or undefined for an unknown topic. */
export type SubscriptionLister = (topicArn: string) => readonly ListedSubscription[] | undefined;

/** An error SNS answers in XML: its code (`NotFound`, `InvalidParameter`, …) and HTTP status. */
export class SnsQueryError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** SNS lists at most this many subscriptions per call and returns a `NextToken` for the rest. */
export const SUBSCRIPTIONS_PAGE_SIZE = 100;
const XML_NAMESPACE = 'https://sns.amazonaws.com/doc/2010-03-31/';
/** Far more than any query this API takes; a bigger body is refused before it is buffered. */
const MAX_BODY_BYTES = 64 * 1024;

/** Answers a query-protocol POST. */
export async function answerQuery(
  req: IncomingMessage,
  res: ServerResponse,
  list: SubscriptionLister,
): Promise<void> {
  try {
    const params = await readForm(req);
    const action = params.get('Action');
    if (action !== 'ListSubscriptionsByTopic') {
      throw new SnsQueryError(
        'InvalidAction',
        `The local SNS serves ListSubscriptionsByTopic (and the ConfirmSubscription and Unsubscribe links), not ${action ?? 'a request without an Action'}.`,
      );
    }
    sendXml(res, action, listSubscriptionsByTopic(params, list));
  } catch (err) {
    if (!(err instanceof SnsQueryError)) throw err;
    sendXmlError(res, err.status, err.code, err.message);
  }
}

function listSubscriptionsByTopic(params: URLSearchParams, list: SubscriptionLister): string {
  const topicArn = params.get('TopicArn');
  if (!topicArn || !/^arn:[\w-]+:sns:[\w-]+:\d{12}:[\w.-]{1,256}$/.test(topicArn))
    throw new SnsQueryError('InvalidParameter', 'Invalid parameter: TopicArn');
  const subscriptions = list(topicArn);
  if (!subscriptions) throw new SnsQueryError('NotFound', 'Topic does not exist', 404);
  const start = pageStart(params.get('NextToken'), subscriptions.length);
  const page = subscriptions.slice(start, start + SUBSCRIPTIONS_PAGE_SIZE);
  const next = start + page.length;
  const members = page
    .map(
      (s) =>
        `<member><TopicArn>${xml(s.topicArn)}</TopicArn><Protocol>${xml(s.protocol)}</Protocol><SubscriptionArn>${xml(s.subscriptionArn)}</SubscriptionArn><Owner>${xml(s.owner)}</Owner><Endpoint>${xml(s.endpoint)}</Endpoint></member>`,
    )
    .join('');
  const nextToken = next < subscriptions.length ? `<NextToken>${pageToken(next)}</NextToken>` : '';
  return `<Subscriptions>${members}</Subscriptions>${nextToken}`;
}

/** Tokens are opaque to callers, as SNS's are; a token this API did not issue is refused. */
function pageToken(start: number): string {
  return Buffer.from(`subscriptions:${start}`).toString('base64url');
}

function pageStart(token: string | null, total: number): number {
  if (token === null) return 0;
  const match = /^subscriptions:(\d{1,9})$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  const start = match ? Number(match[1]) : Number.NaN;
  if (!(start > 0 && start < total))
    throw new SnsQueryError('InvalidParameter', 'Invalid parameter: NextToken');
  return start;
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new SnsQueryError('InvalidParameter', 'Request body is too large.', 413);
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** Escapes text for an XML element: endpoints are URLs and addresses that may hold `&` or `<`. */
function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** SNS's success envelope: `<ActionResponse><ActionResult>…</ActionResult><ResponseMetadata/>`. */
export function sendXml(res: ServerResponse, action: string, result: string): ServerResponse {
  return res
    .writeHead(200, { 'content-type': 'text/xml' })
    .end(
      `<${action}Response xmlns="${XML_NAMESPACE}"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${action}Response>`,
    );
}

/** SNS's error envelope, which the AWS SDK reads back as a typed exception named by `code`. */
export function sendXmlError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
): ServerResponse {
  return res
    .writeHead(status, { 'content-type': 'text/xml' })
    .end(
      `<ErrorResponse xmlns="${XML_NAMESPACE}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${xml(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
    );
}
