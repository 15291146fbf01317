import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignatureV4 } from '@smithy/signature-v4';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  amzDate,
  connectDynamoDb,
  type DynamoDbClientConfig,
  DynamoDbError,
  errorCode,
  regionalEndpoint,
  SigV4Signer,
} from '../src/store/dynamodb-client.js';

/** What the AWS SDK's hash constructors take (its `SourceData`). */
type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytes = (data: SourceData): string | Uint8Array =>
  typeof data === 'string'
    ? data
    : ArrayBuffer.isView(data)
      ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      : new Uint8Array(data);

/** node:crypto as the SHA-256 constructor the AWS SDK's signer takes. */
class NodeSha256 {
  readonly #hash;
  constructor(secret?: SourceData) {
    this.#hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: SourceData): void {
    this.#hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return this.#hash.digest();
  }
}

/** The AWS SDK v3's own SigV4 signature of the same call: the reference ours must equal. */
async function sdkAuthorization(input: Parameters<SigV4Signer['sign']>[0], epochMs: number): Promise<string> {
  const signer = new SignatureV4({
    service: 'dynamodb',
    region: input.region,
    credentials: input.credentials,
    sha256: NodeSha256,
    applyChecksum: false,
  });
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: 'https:',
      hostname: input.host,
      path: '/',
      query: {},
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        host: input.host,
        'x-amz-target': input.target,
      },
      body: input.body,
    },
    { signingDate: new Date(epochMs) },
  );
  return signed.headers.authorization as string;
}

describe('SigV4Signer', () => {
  it('signs every call exactly as the AWS SDK v3 signer does', async () => {
    const credentials = fc.record(
      {
        accessKeyId: fc.stringMatching(/^[A-Z0-9]{16,20}$/),
        secretAccessKey: fc.string({ minLength: 1, maxLength: 40 }),
        sessionToken: fc.string({ minLength: 1, maxLength: 60 }).filter((t) => t.trim() === t),
      },
      { requiredKeys: ['accessKeyId', 'secretAccessKey'] },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          host: fc.constantFrom('dynamodb.us-east-1.amazonaws.com', '127.0.0.1:8000', 'localhost:4566'),
          region: fc.constantFrom('us-east-1', 'eu-west-3', 'cn-north-1'),
          target: fc.constantFrom('DynamoDB_20120810.Query', 'DynamoDB_20120810.PutItem'),
          body: fc.json(),
          credentials,
        }),
        fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2035, 0, 1) }),
        async (call, epochMs) => {
          // Arrange
          const input = { ...call, date: amzDate(epochMs) };
          // Act
          const ours = new SigV4Signer().sign(input).authorization;
          // Assert
          expect(ours).toBe(await sdkAuthorization(input, epochMs));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('sends the session token it signed, and no token header without one', () => {
    // Arrange
    const call = {
      host: 'h',
      region: 'us-east-1',
      target: 'DynamoDB_20120810.GetItem',
      body: '{}',
      date: amzDate(0),
    };
    // Act
    const withToken = new SigV4Signer().sign({
      ...call,
      credentials: { accessKeyId: 'AK', secretAccessKey: 's', sessionToken: 'tok' },
    });
    const without = new SigV4Signer().sign({
      ...call,
      credentials: { accessKeyId: 'AK', secretAccessKey: 's' },
    });
    // Assert
    expect(withToken['x-amz-security-token']).toBe('tok');
    expect(withToken.authorization).toContain(
      'SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target,',
    );
    expect(without).not.toHaveProperty('x-amz-security-token');
  });
});

/** A DynamoDB stand-in on 127.0.0.1 that answers each request with the next scripted reply. */
interface ScriptedReply {
  readonly status?: number;
  readonly body?: string | Record<string, unknown>;
  readonly headers?: Record<string, string>;
  /** Drop the connection without answering. */
  readonly reset?: boolean;
  /** Take the request and never answer. */
  readonly hang?: boolean;
}

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function scriptedDynamoDb(replies: readonly ScriptedReply[], repeatLast = false) {
  const seen: {
    target: string | undefined;
    authorization: string | undefined;
    token: string | undefined;
    body: string;
  }[] = [];
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({
        target: req.headers['x-amz-target'] as string | undefined,
        authorization: req.headers.authorization,
        token: req.headers['x-amz-security-token'] as string | undefined,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const unscripted = !repeatLast && seen.length > replies.length;
      const reply = unscripted
        ? { status: 418, body: 'more requests than scripted replies' }
        : (replies[Math.min(seen.length - 1, replies.length - 1)] ?? {});
      if (reply.reset) {
        req.socket.destroy();
        return;
      }
      if (reply.hang) return;
      const body = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? {});
      res.writeHead(reply.status ?? 200, {
        'content-type': 'application/x-amz-json-1.0',
        'x-amzn-requestid': `req-${seen.length}`,
        ...reply.headers,
      });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', () => resolve()));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { endpoint, seen };
}

const THROTTLED = {
  status: 400,
  body: {
    __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
    message: 'The level of configured provisioned throughput for the table was exceeded.',
  },
};
const CREDENTIALS = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' };

/** A client at `endpoint` whose jitter is always half its range, recording each wait in `delays`. */
function clientAt(endpoint: string, delays: number[], extra: Partial<DynamoDbClientConfig> = {}) {
  return connectDynamoDb({
    endpoint,
    region: 'us-east-1',
    credentials: CREDENTIALS,
    random: () => 0.5,
    sleep: async (ms) => {
      delays.push(ms);
    },
    ...extra,
  });
}

describe('connectDynamoDb', () => {
  it('posts the operation as DynamoDB JSON, signed with the given key, and returns the answer', async () => {
    // Arrange
    const { endpoint, seen } = await scriptedDynamoDb([{ body: { Item: { pk: { S: 'a' } } } }]);
    const client = clientAt(endpoint, []);
    // Act
    const out = await client.send('GetItem', { TableName: 't', Key: { pk: { S: 'a' } } });
    // Assert
    expect(out).toEqual({ Item: { pk: { S: 'a' } } });
    expect(seen).toEqual([
      {
        target: 'DynamoDB_20120810.GetItem',
        authorization: expect.stringMatching(
          /^AWS4-HMAC-SHA256 Credential=AKIDTEST\/\d{8}\/us-east-1\/dynamodb\//,
        ),
        token: undefined,
        body: '{"TableName":"t","Key":{"pk":{"S":"a"}}}',
      },
    ]);
  });

  it('retries throttling after a jittered backoff from 1 s, doubling', async () => {
    // Arrange
    const { endpoint, seen } = await scriptedDynamoDb([THROTTLED, { status: 429 }, { body: { Count: 0 } }]);
    const delays: number[] = [];
    // Act
    const out = await clientAt(endpoint, delays).send('Query', { TableName: 't' });
    // Assert
    expect(out).toEqual({ Count: 0 });
    expect(seen).toHaveLength(3);
    expect(delays).toEqual([500, 1000]);
  });

  it('retries a server error after a jittered backoff from 25 ms, doubling', async () => {
    // Arrange
    const { endpoint } = await scriptedDynamoDb([
      { status: 500 },
      { status: 503 },
      { status: 504 },
      { body: {} },
    ]);
    const delays: number[] = [];
    // Act
    await clientAt(endpoint, delays).send('Query', { TableName: 't' });
    // Assert
    expect(delays).toEqual([12, 25, 50]);
  });

  it('gives up after four attempts with DynamoDB’s error, its status and request id', async () => {
    // Arrange
    const { endpoint } = await scriptedDynamoDb([THROTTLED], true);
    // Act
    const error = await clientAt(endpoint, [])
      .send('Query', { TableName: 't' })
      .catch((e: unknown) => e);
    // Assert
    expect(error).toBeInstanceOf(DynamoDbError);
    expect(error).toMatchObject({
      name: 'ProvisionedThroughputExceededException',
      message: THROTTLED.body.message,
      statusCode: 400,
      requestId: 'req-4',
      attempts: 4,
    });
  });

  it('does not retry a client error, and keeps its body (the item a failed condition returns)', async () => {
    // Arrange
    const failed = {
      __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException',
      message: 'The conditional request failed',
      Item: { pk: { S: 'a' } },
    };
    const { endpoint, seen } = await scriptedDynamoDb([{ status: 400, body: failed }]);
    // Act
    const error = await clientAt(endpoint, [])
      .send('PutItem', { TableName: 't' })
      .catch((e: unknown) => e);
    // Assert
    expect(seen).toHaveLength(1);
    expect(error).toMatchObject({ name: 'ConditionalCheckFailedException', attempts: 1, body: failed });
  });

  it('retries a dropped connection and a 5xx without a JSON body', async () => {
    // Arrange
    const { endpoint, seen } = await scriptedDynamoDb([
      { reset: true },
      { status: 502, body: '<html>Bad Gateway</html>' },
      { body: { Count: 1 } },
    ]);
    // Act
    const out = await clientAt(endpoint, []).send('Query', { TableName: 't' });
    // Assert
    expect(out).toEqual({ Count: 1 });
    expect(seen).toHaveLength(3);
  });

  it('names a 5xx without a JSON body by its status once retries run out', async () => {
    // Arrange
    const { endpoint } = await scriptedDynamoDb([{ status: 503, body: '' }], true);
    // Act
    const error = await clientAt(endpoint, [])
      .send('Query', { TableName: 't' })
      .catch((e: unknown) => e);
    // Assert
    expect(error).toMatchObject({ name: 'HTTP 503', statusCode: 503, attempts: 4 });
  });

  it('drops an attempt that gets no answer and retries it as a TimeoutError', async () => {
    // Arrange
    const { endpoint, seen } = await scriptedDynamoDb([{ hang: true }], true);
    // Act
    const error = await clientAt(endpoint, [], { attemptTimeoutMs: 50 })
      .send('Query', { TableName: 't' })
      .catch((e: unknown) => e);
    // Assert
    expect(error).toMatchObject({ name: 'TimeoutError', attempts: 4 });
    expect(seen).toHaveLength(4);
  });

  it('names an error given only in the x-amzn-ErrorType header', async () => {
    // Arrange
    const { endpoint } = await scriptedDynamoDb([
      {
        status: 400,
        body: '',
        headers: { 'x-amzn-errortype': 'ValidationException:http://internal.amazon.com/' },
      },
    ]);
    // Act
    const error = await clientAt(endpoint, [])
      .send('Query', { TableName: 't' })
      .catch((e: unknown) => e);
    // Assert
    expect(error).toMatchObject({ name: 'ValidationException', statusCode: 400, attempts: 1 });
  });

  it('stops retrying server errors sooner than throttling: each retry costs 14 of the quota', async () => {
    // Arrange
    const { endpoint, seen } = await scriptedDynamoDb([{ status: 503 }], true);
    const client = clientAt(endpoint, [], { maxAttempts: 1_000 });
    // Act
    const error = await client.send('Query', { TableName: 't' }).catch((e: unknown) => e);
    // Assert: 35 retries cost 490; a 36th would need 14 of the 10 left.
    expect(error).toMatchObject({ name: 'HTTP 503', attempts: 36 });
    expect(seen).toHaveLength(36);
  });

  it('stops retrying throttling once it drained the retry quota (500, at 5 a retry)', async () => {
    // Arrange: a quota of 500 pays for 100 throttling retries at 5 each.
    const { endpoint, seen } = await scriptedDynamoDb([THROTTLED], true);
    const client = clientAt(endpoint, [], { maxAttempts: 1_000 });
    // Act
    const error = await client.send('Query', { TableName: 't' }).catch((e: unknown) => e);
    // Assert
    expect(error).toMatchObject({ name: 'ProvisionedThroughputExceededException', attempts: 101 });
    expect(seen).toHaveLength(101);
  });

  it('names the connection error when nothing listens', async () => {
    // Arrange
    const { endpoint } = await scriptedDynamoDb([]);
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    server = undefined;
    // Act
    const error = await clientAt(endpoint, [])
      .send('Query', { TableName: 't' })
      .catch((e: unknown) => e);
    // Assert
    expect(error).toMatchObject({ name: 'ECONNREFUSED', statusCode: undefined, attempts: 4 });
    expect((error as Error).message).toContain(`Query to ${endpoint} failed`);
  });
});

describe('connectDynamoDb settings', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('reads region, credentials and endpoint from the standard environment variables', async () => {
    // Arrange
    const { endpoint, seen } = await scriptedDynamoDb([{ body: {} }]);
    Object.assign(process.env, {
      AWS_REGION: 'eu-west-3',
      AWS_ACCESS_KEY_ID: 'AKIDFROMENV',
      AWS_SECRET_ACCESS_KEY: 'x',
      AWS_SESSION_TOKEN: 'token',
      AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    });
    // Act
    const client = connectDynamoDb();
    await client.send('ListTables', {});
    // Assert
    expect(client.region).toBe('eu-west-3');
    expect(client.endpoint).toBe(endpoint);
    expect(seen[0]?.authorization).toContain('Credential=AKIDFROMENV/');
    expect(seen[0]?.token).toBe('token');
    expect(seen[0]?.authorization).toContain('/eu-west-3/dynamodb/aws4_request');
  });

  it("uses the region's public endpoint when none is configured", () => {
    // Arrange
    delete process.env.AWS_ENDPOINT_URL_DYNAMODB;
    delete process.env.AWS_ENDPOINT_URL;
    // Act
    const client = connectDynamoDb({ region: 'eu-central-1', credentials: CREDENTIALS });
    // Assert
    expect(client.endpoint).toBe('https://dynamodb.eu-central-1.amazonaws.com');
    expect(regionalEndpoint('cn-northwest-1')).toBe('https://dynamodb.cn-northwest-1.amazonaws.com.cn');
  });

  it.each([
    [{ AWS_REGION: '', AWS_DEFAULT_REGION: '' }, 'no region; set AWS_REGION or AWS_DEFAULT_REGION'],
    [{ AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: '' }, 'no access key; set AWS_ACCESS_KEY_ID'],
    [
      { AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_DYNAMODB: 'not a url' },
      "endpoint 'not a url' is not a URL",
    ],
    [
      { AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_DYNAMODB: 'ftp://127.0.0.1' },
      "endpoint 'ftp://127.0.0.1' must be http:// or https://",
    ],
  ])('refuses to start with %o, saying what is missing', (env, message) => {
    // Arrange
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' }, env);
    // Act
    const start = () => connectDynamoDb();
    // Assert
    expect(start).toThrow(`DynamoDB client: ${message}`);
  });
});

describe('errorCode', () => {
  it.each([
    ['com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException', 'ConditionalCheckFailedException'],
    ['com.amazon.coral.validate#ValidationException', 'ValidationException'],
    ['ThrottlingException:http://internal.amazon.com/coral/', 'ThrottlingException'],
    ['AccessDeniedException,SomethingElse', 'AccessDeniedException'],
    ['ResourceNotFoundException', 'ResourceNotFoundException'],
  ])('reads %s as %s, as the AWS SDK does', (raw, name) => {
    // Act
    const code = errorCode(raw);
    // Assert
    expect(code).toBe(name);
  });
});
