/**
 * A DynamoDB client for the store: DynamoDB's JSON 1.0 protocol over Node's own `http`/`https`,
 * signed with Signature Version 4 by `node:crypto`, with keep-alive connections and the retries
 * the AWS SDK v3's DynamoDB client makes by default (standard mode, as `@smithy/core` 3.41 in the
 * lockfile implements it). It exists because a function's DynamoDB client was most of its CPU
 * per request (docs/performance.md has the measurements); it sends exactly the operations and
 * parameters it is given, in DynamoDB JSON, and answers with DynamoDB's own JSON.
 *
 * Like the AWS SDKs it takes region and credentials from the standard environment variables (on
 * Lambda, the function's own role: `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
 * `AWS_SESSION_TOKEN`) and its endpoint from `AWS_ENDPOINT_URL_DYNAMODB`, then
 * `AWS_ENDPOINT_URL`, then the region's public endpoint.
 */
import { createHash, createHmac } from 'node:crypto';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { API_ENV } from '../env.js';

/** DynamoDB's API version, the prefix of every `X-Amz-Target`. */
const TARGET_PREFIX = 'DynamoDB_20120810.';
const CONTENT_TYPE = 'application/x-amz-json-1.0';
const SIGNED_HEADERS_BASE = ['content-type', 'host', 'x-amz-date'] as const;

/** Static credentials, as an execution role hands them to a function. */
export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface DynamoDbClientConfig {
  /**
   * Base URL of the DynamoDB API, e.g. the local store's `http://127.0.0.1:8000`.
   * @default `AWS_ENDPOINT_URL_DYNAMODB`, else `AWS_ENDPOINT_URL`, else `https://dynamodb.<region>.amazonaws.com`
   */
  readonly endpoint?: string;
  /** @default `AWS_REGION`, else `AWS_DEFAULT_REGION` */
  readonly region?: string;
  /** @default `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN` */
  readonly credentials?: AwsCredentials;
  /**
   * Attempts per call, the first included (the AWS SDK v3 DynamoDB client's default).
   * @default 4
   */
  readonly maxAttempts?: number;
  /**
   * An attempt that receives nothing for this long is dropped and retried as a `TimeoutError`, so
   * a stuck connection costs a retry rather than the function's whole timeout. DynamoDB answers
   * in milliseconds; four attempts and their backoff fit in the functions' 10 s.
   * @default 2000
   */
  readonly attemptTimeoutMs?: number;
  /** The clock, for signing; tests fix it. @default Date.now */
  readonly now?: () => number;
  /** Waits between attempts; tests replace it. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** The jitter's random source, in [0, 1); tests fix it. @default Math.random */
  readonly random?: () => number;
}

/** An error DynamoDB answered with (or the connection failed with), as the AWS SDKs name them. */
export class DynamoDbError extends Error {
  /** HTTP status, or undefined when no answer came (a connection error). */
  readonly statusCode: number | undefined;
  /** DynamoDB's request id (`x-amzn-RequestId`), for support cases and logs. */
  readonly requestId: string | undefined;
  /** The whole error body, e.g. `Item` of a ConditionalCheckFailedException asked for with ALL_OLD. */
  readonly body: Readonly<Record<string, unknown>>;
  /** Attempts made before giving up. */
  readonly attempts: number;

  constructor(
    name: string,
    message: string,
    details: {
      statusCode?: number;
      requestId?: string;
      body?: Record<string, unknown>;
      attempts: number;
      cause?: unknown;
    },
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = name;
    this.statusCode = details.statusCode;
    this.requestId = details.requestId;
    this.body = details.body ?? {};
    this.attempts = details.attempts;
  }
}

/** Sends DynamoDB operations; answers are DynamoDB JSON, as the API returns them. */
export interface DynamoDbClient {
  /** Region the client signs for. */
  readonly region: string;
  /** Endpoint it sends to. */
  readonly endpoint: string;
  /** Calls `operation` (`GetItem`, `Query`, …) with `input` in DynamoDB JSON. */
  send<Output = Record<string, unknown>>(operation: string, input: object): Promise<Output>;
}

/** Error names the AWS SDK retries as throttling (`THROTTLING_ERROR_CODES`), besides any 429. */
const THROTTLING_ERRORS: ReadonlySet<string> = new Set([
  'BandwidthLimitExceeded',
  'EC2ThrottledException',
  'LimitExceededException',
  'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ThrottledException',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'TransactionInProgressException',
]);
/**
 * What it retries as transient: these error names (DynamoDB's `ReplicatedWriteConflictException`
 * is retryable by its model), these statuses, and connection errors (the SDK's
 * `NODEJS_TIMEOUT_ERROR_CODES` and `NODEJS_NETWORK_ERROR_CODES`).
 */
const TRANSIENT_ERRORS: ReadonlySet<string> = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'ReplicatedWriteConflictException',
]);
const TRANSIENT_STATUSES: ReadonlySet<number> = new Set([500, 502, 503, 504]);
const CONNECTION_ERRORS: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * The backoff: full jitter under base × 2^retry, capped at 20 s; the DynamoDB client's base is
 * 25 ms, throttling's 1 s.
 */
const RETRY_BASE_MS = 25;
const THROTTLING_RETRY_BASE_MS = 1_000;
const MAX_RETRY_DELAY_MS = 20_000;
/**
 * The retry quota: a client stops retrying once failures drain it. A throttling retry costs 5, any
 * other 14; a success gives back what its last retry cost, or 1.
 */
const RETRY_QUOTA = 500;
const THROTTLING_RETRY_COST = 5;
const RETRY_COST = 14;

/** Reads a required setting from the environment, naming the variable when it is missing. */
function fromEnv(names: readonly string[], what: string): string {
  for (const name of names) {
    const value = process.env[name];
    if (value !== undefined && value !== '') return value;
  }
  throw new Error(`DynamoDB client: no ${what}; set ${names.join(' or ')}`);
}

function credentialsFromEnv(): AwsCredentials {
  const sessionToken = process.env.AWS_SESSION_TOKEN;
  return {
    accessKeyId: fromEnv(['AWS_ACCESS_KEY_ID'], 'access key'),
    secretAccessKey: fromEnv(['AWS_SECRET_ACCESS_KEY'], 'secret key'),
    ...(sessionToken ? { sessionToken } : {}),
  };
}

/** DynamoDB's public endpoint in `region` (`amazonaws.com.cn` in the China partition). */
export function regionalEndpoint(region: string): string {
  const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `https://dynamodb.${region}.${suffix}`;
}

function endpointFrom(config: DynamoDbClientConfig, region: string): URL {
  const configured =
    config.endpoint || process.env[API_ENV.dynamodbEndpoint] || process.env.AWS_ENDPOINT_URL || undefined;
  const raw = configured ?? regionalEndpoint(region);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`DynamoDB client: endpoint '${raw}' is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`DynamoDB client: endpoint '${raw}' must be http:// or https://`);
  }
  return url;
}

const sha256Hex = (data: string): string => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: string | Buffer, data: string): Buffer =>
  createHmac('sha256', key).update(data, 'utf8').digest();

/** `YYYYMMDDTHHMMSSZ`, SigV4's timestamp. */
export function amzDate(epochMs: number): string {
  return new Date(epochMs)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** What SigV4 signs of a DynamoDB call. */
export interface SigningInput {
  readonly host: string;
  readonly region: string;
  readonly target: string;
  readonly body: string;
  readonly date: string;
  readonly credentials: AwsCredentials;
}

/**
 * Signs a DynamoDB call with Signature Version 4: the request headers, `Authorization` included.
 * The signing key depends only on the secret, the day and the region, so it is derived once a day.
 */
export class SigV4Signer {
  #keyFor = '';
  #key: Buffer = Buffer.alloc(0);

  sign(input: SigningInput): Record<string, string> {
    const { host, region, target, body, date, credentials } = input;
    const day = date.slice(0, 8);
    const headers: Record<string, string> = {
      'content-type': CONTENT_TYPE,
      host,
      'x-amz-date': date,
      ...(credentials.sessionToken ? { 'x-amz-security-token': credentials.sessionToken } : {}),
      'x-amz-target': target,
    };
    // Already in the lower-case, sorted order SigV4 wants.
    const names = credentials.sessionToken
      ? [...SIGNED_HEADERS_BASE, 'x-amz-security-token', 'x-amz-target']
      : [...SIGNED_HEADERS_BASE, 'x-amz-target'];
    const signedHeaders = names.join(';');
    const canonicalHeaders = names
      .map((name) => `${name}:${headers[name]?.trim().replace(/\s+/g, ' ')}\n`)
      .join('');
    const canonicalRequest = `POST\n/\n\n${canonicalHeaders}\n${signedHeaders}\n${sha256Hex(body)}`;
    const scope = `${day}/${region}/dynamodb/aws4_request`;
    const stringToSign = `AWS4-HMAC-SHA256\n${date}\n${scope}\n${sha256Hex(canonicalRequest)}`;
    const signature = createHmac('sha256', this.#signingKey(credentials.secretAccessKey, day, region))
      .update(stringToSign, 'utf8')
      .digest('hex');
    headers.authorization = `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
    return headers;
  }

  #signingKey(secret: string, day: string, region: string): Buffer {
    const keyFor = `${secret}\0${day}\0${region}`;
    if (keyFor !== this.#keyFor) {
      this.#key = hmac(hmac(hmac(hmac(`AWS4${secret}`, day), region), 'dynamodb'), 'aws4_request');
      this.#keyFor = keyFor;
    }
    return this.#key;
  }
}

interface Answer {
  readonly statusCode: number;
  readonly requestId: string | undefined;
  /** `x-amzn-ErrorType`, where an error is named in a header. */
  readonly errorType: string | undefined;
  readonly text: string;
}

/**
 * An error code as the AWS SDK reads it from `x-amzn-ErrorType`, `code` or `__type`: the part
 * before any `,` or `:`, after any `#` (`com.amazonaws.dynamodb.v20120810#Name` → `Name`).
 */
export function errorCode(raw: string): string {
  const code = raw.split(',')[0]?.split(':')[0] ?? '';
  return code.includes('#') ? (code.split('#')[1] ?? '') : code;
}

/** The error an answer carries, named as the AWS SDK names it. */
function errorOf(answer: Answer, attempts: number): DynamoDbError {
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(answer.text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      body = parsed as Record<string, unknown>;
    }
  } catch {
    // Not JSON (a proxy's HTML page, an empty 5xx): the header or the status names it.
  }
  const raw = [answer.errorType, body.code, body.__type].find(
    (v): v is string => typeof v === 'string' && v !== '',
  );
  const name = (raw && errorCode(raw)) || `HTTP ${answer.statusCode}`;
  const message = body.message ?? body.Message;
  return new DynamoDbError(
    name,
    typeof message === 'string' ? message : `DynamoDB answered ${answer.statusCode}`,
    {
      statusCode: answer.statusCode,
      ...(answer.requestId === undefined ? {} : { requestId: answer.requestId }),
      body,
      attempts,
    },
  );
}

/** How the SDK classes an error for retrying: throttling, transient, or not retried. */
function retryClass(error: DynamoDbError): 'throttling' | 'transient' | undefined {
  if (error.statusCode === 429 || THROTTLING_ERRORS.has(error.name)) return 'throttling';
  if (TRANSIENT_ERRORS.has(error.name) || CONNECTION_ERRORS.has(error.name)) return 'transient';
  if (error.name === 'InvalidSignatureException' && error.message.includes('Signature expired'))
    return 'transient';
  if (error.statusCode !== undefined && TRANSIENT_STATUSES.has(error.statusCode)) return 'transient';
  return undefined;
}

/** A DynamoDB client for this process (see the module comment for where settings come from). */
export function connectDynamoDb(config: DynamoDbClientConfig = {}): DynamoDbClient {
  const region = config.region || fromEnv(['AWS_REGION', 'AWS_DEFAULT_REGION'], 'region');
  const credentials = config.credentials ?? credentialsFromEnv();
  const url = endpointFrom(config, region);
  const secure = url.protocol === 'https:';
  const send = secure ? httpsRequest : httpRequest;
  const agent = secure ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
  // `[::1]` in a URL is `::1` to the resolver.
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = url.port === '' ? undefined : Number(url.port);
  const maxAttempts = config.maxAttempts ?? 4;
  const attemptTimeoutMs = config.attemptTimeoutMs ?? 2_000;
  const now = config.now ?? Date.now;
  const random = config.random ?? Math.random;
  const sleep = config.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const signer = new SigV4Signer();
  let quota = RETRY_QUOTA;

  function attempt(target: string, body: string): Promise<Answer> {
    const headers = signer.sign({ host: url.host, region, target, body, date: amzDate(now()), credentials });
    return new Promise((resolve, reject) => {
      const req = send(
        {
          host: hostname,
          port,
          method: 'POST',
          path: '/',
          agent,
          headers: { ...headers, 'content-length': Buffer.byteLength(body) },
        },
        (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            const { 'x-amzn-requestid': requestId, 'x-amzn-errortype': errorType } = res.headers;
            resolve({
              statusCode: res.statusCode ?? 0,
              requestId: typeof requestId === 'string' ? requestId : undefined,
              errorType: typeof errorType === 'string' ? errorType : undefined,
              text: Buffer.concat(chunks).toString('utf8'),
            });
          });
        },
      );
      req.setTimeout(attemptTimeoutMs, () => {
        const timeout = new Error(`no answer for ${attemptTimeoutMs} ms`);
        timeout.name = 'TimeoutError';
        req.destroy(timeout);
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  /** One attempt's outcome: the answer's JSON, or the error it failed with. */
  async function tryOnce(
    operation: string,
    body: string,
    attempts: number,
  ): Promise<{ output: unknown } | DynamoDbError> {
    let answer: Answer;
    try {
      answer = await attempt(`${TARGET_PREFIX}${operation}`, body);
    } catch (cause) {
      const { code } = cause as NodeJS.ErrnoException;
      const name = (cause as Error).name === 'TimeoutError' ? 'TimeoutError' : (code ?? 'NetworkingError');
      return new DynamoDbError(name, `${operation} to ${url.origin} failed: ${(cause as Error).message}`, {
        attempts,
        cause,
      });
    }
    if (answer.statusCode < 200 || answer.statusCode >= 300) return errorOf(answer, attempts);
    try {
      return { output: JSON.parse(answer.text) };
    } catch (cause) {
      return new DynamoDbError('DeserializationError', `${operation}: DynamoDB's answer is not JSON`, {
        statusCode: answer.statusCode,
        ...(answer.requestId === undefined ? {} : { requestId: answer.requestId }),
        attempts,
        cause,
      });
    }
  }

  async function call<Output>(operation: string, input: object): Promise<Output> {
    // Serialized once: every attempt sends the same body (each is signed anew, with its own date).
    const body = JSON.stringify(input);
    let lastCost = 0;
    for (let attempts = 1; ; attempts++) {
      const outcome = await tryOnce(operation, body, attempts);
      if (!(outcome instanceof DynamoDbError)) {
        quota = Math.min(RETRY_QUOTA, quota + (lastCost || 1));
        return outcome.output as Output;
      }
      const kind = retryClass(outcome);
      const cost = kind === 'throttling' ? THROTTLING_RETRY_COST : RETRY_COST;
      if (kind === undefined || attempts >= maxAttempts || quota < cost) throw outcome;
      quota -= cost;
      lastCost = cost;
      const base = kind === 'throttling' ? THROTTLING_RETRY_BASE_MS : RETRY_BASE_MS;
      await sleep(Math.floor(random() * Math.min(MAX_RETRY_DELAY_MS, base * 2 ** (attempts - 1))));
    }
  }

  return { region, endpoint: url.origin, send: (operation, input) => call(operation, input) };
}
