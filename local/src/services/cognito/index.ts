/**
 * A local Cognito user-pool service: the AWS JSON 1.1 protocol of the Cognito Identity Provider
 * API on 127.0.0.1, enough for the AWS SDK v3 and Amplify v6 with its default sign-in
 * (`USER_SRP_AUTH`), with the template's password policy and auth flows, RS256 tokens signed by
 * keys generated per data folder, a JWKS endpoint, and users persisted between runs.
 */
import { type JsonWebKey, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AwsJsonError, readJsonObject, sendAwsJson, sendAwsJsonError } from '../../aws-json.js';
import { keyed } from '../../keyed.js';
import { addressedToLoopback, LoopbackServer } from '../../loopback.js';
import type { LocalService, ServiceDescription } from '../../service.js';
import { renderCodesPage } from './codes-page.js';
import { CognitoDirectory, type PlannedPool } from './directory.js';
import { CognitoError } from './errors.js';
import { OPERATIONS } from './operations.js';
import type { UserPoolSpec } from './spec.js';
import type { CodeRecord } from './state.js';

export type { CognitoErrorType } from './errors.js';
export type { PasswordPolicy } from './password.js';
export type { TokenValidityUnit, UserPoolClientSpec, UserPoolSpec } from './spec.js';
export { STANDARD_ATTRIBUTES, UNIT_SECONDS } from './spec.js';
export type { CodeKind, CodeRecord } from './state.js';

export interface LocalCognitoOptions {
  /** Only loopback: the service has no authentication of its own. */
  readonly host?: '127.0.0.1';
  /** 0 picks a free port. */
  readonly port: number;
  /** Users, ids and keys persist under `<dataDir>/cognito/`; undefined keeps everything in memory. */
  readonly dataDir?: string;
  /** The region in pool ids and token issuers. */
  readonly region: string;
  /** Receives one line per notable event, including every confirmation code. */
  readonly log?: (line: string) => void;
  /** Current time in epoch milliseconds; tests move it to expire codes and tokens. @default Date.now */
  readonly clock?: () => number;
  /**
   * The browser origins allowed to call the service: the local web app's, e.g.
   * `http://127.0.0.1:8080`. Asked on every request, because the web app may get its port after
   * this service has started. A request from any other origin is refused with 403; callers that
   * send no `Origin` (the AWS SDK, scripts) are not browsers and always get through.
   * @default any loopback origin (`http://127.0.0.1:<port>`, `http://localhost:<port>`), never another site's page
   */
  readonly allowedOrigins?: () => Iterable<string>;
}

/** A user pool as `ensureUserPool` reports it. */
export interface EnsuredUserPool {
  readonly userPoolId: string;
  /** Client ids keyed by the client's logical id. */
  readonly clientIds: Record<string, string>;
  /** `https://cognito-idp.<region>.amazonaws.com/<userPoolId>`: AWS's issuer, so stock verifiers accept the tokens. */
  readonly issuer: string;
}

/** A user pool as `ensureUserPool` would report it, before `applyUserPool` stores it. */
export interface PlannedUserPool extends EnsuredUserPool {
  readonly plan: PlannedPool;
}

const TARGET_PREFIX = 'AWSCognitoIdentityProviderService.';
const MAX_BODY_BYTES = 1_048_576;
const JWKS_PATH = /^\/([\w-]+_[0-9A-Za-z]+)\/\.well-known\/(jwks\.json|openid-configuration)$/;
const LOOPBACK_ORIGIN = /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d{1,5})?$/;
const PREFLIGHT_HEADERS = {
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers':
    'content-type, x-amz-target, x-amz-user-agent, cache-control, amz-sdk-invocation-id, amz-sdk-request, authorization, x-amz-date, x-amz-security-token, x-amz-content-sha256',
  'access-control-expose-headers': 'x-amzn-requestid, x-amzn-errortype, x-amzn-errormessage',
  'access-control-max-age': '600',
};

/**
 * The Cognito of the local cloud: one HTTP endpoint for all user pools (like the regional
 * `cognito-idp` endpoint), plus `/<userPoolId>/.well-known/jwks.json` and the codes page at `/_local/`.
 */
export class LocalCognito implements LocalService {
  private readonly directory: CognitoDirectory;
  private readonly log: (line: string) => void;
  private readonly server = new LoopbackServer(
    (req, res) => this.handle(req, res),
    (res, err) => this.internalError(res, err),
  );

  constructor(private readonly options: LocalCognitoOptions) {
    this.log = options.log ?? (() => {});
    this.directory = new CognitoDirectory({
      dataDir: options.dataDir,
      region: options.region,
      clock: options.clock ?? Date.now,
      log: this.log,
    });
  }

  /** `http://127.0.0.1:<port>`; valid after start(). */
  get url(): string {
    const url = this.server.url;
    if (url === undefined) throw new Error('The local Cognito has not been started.');
    return url;
  }

  /**
   * Creates the pool and its clients on first sight, otherwise updates their settings from the
   * spec. Ids are keyed by logical id, so they stay the same across runs with the same data folder.
   */
  async ensureUserPool(spec: UserPoolSpec): Promise<EnsuredUserPool> {
    const planned = this.planUserPool(spec);
    await this.applyUserPool(planned);
    const { plan: _stored, ...ensured } = planned;
    return ensured;
  }

  /**
   * What `ensureUserPool` would answer for `spec`, new ids drawn but nothing changed or stored
   * until `applyUserPool`: a live reload resolves the ids while other services may still refuse it.
   */
  planUserPool(spec: UserPoolSpec): PlannedUserPool {
    const plan = this.directory.planUserPool(spec);
    const clientIds = keyed<string>();
    for (const [logicalId, client] of Object.entries(plan.clients)) clientIds[logicalId] = client.clientId;
    return { userPoolId: plan.userPoolId, clientIds, issuer: this.directory.issuer(plan.userPoolId), plan };
  }

  /** Puts a planned pool in force and stores it. */
  async applyUserPool(planned: PlannedUserPool): Promise<void> {
    await this.directory.storeUserPool(planned.plan);
  }

  /** The pool's public signing keys, as `/<userPoolId>/.well-known/jwks.json` serves them. */
  jwks(userPoolId: string): { keys: JsonWebKey[] } {
    const key = this.directory.signingKey(userPoolId);
    if (!key) throw new Error(`The local Cognito has no user pool ${userPoolId}.`);
    return { keys: [key.publicJwk] };
  }

  /**
   * Claims signed with the pool's own key, as the pool signs its tokens, but with any claims:
   * what tests use to forge tokens the pool would never issue (no `exp`, another client's
   * audience) and check that the authorizer refuses them.
   */
  signWithPoolKey(userPoolId: string, claims: Record<string, unknown>): string {
    const key = this.directory.signingKey(userPoolId);
    if (!key) throw new Error(`The local Cognito has no user pool ${userPoolId}.`);
    return key.signJwt(claims);
  }

  /** Codes issued so far (the most recent 200), newest last. */
  confirmationCodes(): ReadonlyArray<CodeRecord> {
    return [...this.directory.codes()];
  }

  async start(): Promise<void> {
    if (this.server.url !== undefined) return;
    this.directory.load();
    const port = this.options.port;
    await this.server.start(port).catch((err: NodeJS.ErrnoException) => {
      const message =
        err.code === 'EADDRINUSE'
          ? `The local Cognito cannot listen on 127.0.0.1:${port}: port ${port} is already in use.`
          : `The local Cognito cannot listen on 127.0.0.1:${port}: ${err.message}`;
      throw Object.assign(new Error(message), { code: err.code });
    });
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  describe(): ServiceDescription {
    const url = this.server.url;
    return {
      name: 'Cognito',
      resources: this.directory.pools().flatMap((pool) => [
        {
          logicalId: pool.spec.logicalId,
          type: 'AWS::Cognito::UserPool',
          ...(url === undefined ? {} : { url }),
          detail: `${pool.userPoolId}, ${Object.keys(pool.users).length} users${url === undefined ? '' : `, codes at ${url}/_local/`}`,
        },
        ...pool.spec.clients.map((client) => ({
          logicalId: client.logicalId,
          type: 'AWS::Cognito::UserPoolClient',
          detail: pool.clients[client.logicalId]?.clientId ?? '',
        })),
      ]),
    };
  }

  /** Whether a request's `Origin` may call the service: none (not a browser), its own, or an allowed one. */
  private originAllowed(origin: string | undefined): boolean {
    if (origin === undefined || origin === this.server.url) return true;
    const allowed = this.options.allowedOrigins;
    return allowed ? [...allowed()].includes(origin) : LOOPBACK_ORIGIN.test(origin);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const origin = req.headers.origin;
    res.setHeader('vary', 'Origin');
    res.setHeader('x-amzn-requestid', randomUUID());
    if (!this.originAllowed(origin)) {
      // No CORS headers: the browser keeps the answer from the page, and the operation never runs.
      sendJson(res, 403, {
        message: `The local Cognito answers only the local web app's origin, not ${String(origin)}.`,
      });
      return;
    }
    if (origin !== undefined) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-expose-headers', PREFLIGHT_HEADERS['access-control-expose-headers']);
    }
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;

    if (req.method === 'OPTIONS') {
      res.writeHead(204, PREFLIGHT_HEADERS).end();
      return;
    }
    if (req.method === 'POST' && path === '/') {
      await this.handleOperation(req, res);
      return;
    }
    if (req.method === 'GET') {
      // The codes pages show secrets: only for requests addressed to this server by a loopback
      // name, never to a page that rebound its own DNS name to 127.0.0.1.
      const port = Number(new URL(this.url).port);
      if (path.startsWith('/_local') && !addressedToLoopback(req.headers.host, port)) {
        sendJson(res, 403, { message: `The codes page answers only ${this.url}/_local/.` });
        return;
      }
      this.handleGet(path, res);
      return;
    }
    sendJson(res, 404, { message: `No route for ${req.method} ${path}.` });
  }

  private handleGet(path: string, res: ServerResponse): void {
    if (path === '/') {
      // Someone opened the service's address in a browser: the codes page is what they are after.
      res.writeHead(302, { location: '/_local/' }).end();
      return;
    }
    if (path === '/_local/codes') {
      sendJson(res, 200, this.confirmationCodes());
      return;
    }
    if (path === '/_local' || path === '/_local/') {
      res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end(renderCodesPage(this.directory.codes()));
      return;
    }
    const match = JWKS_PATH.exec(path);
    const userPoolId = match?.[1];
    if (userPoolId === undefined || !this.directory.signingKey(userPoolId)) {
      sendJson(res, 404, { message: `Not found: ${path}` });
      return;
    }
    if (match?.[2] === 'jwks.json') {
      sendJson(res, 200, this.jwks(userPoolId));
      return;
    }
    sendJson(res, 200, {
      issuer: this.directory.issuer(userPoolId),
      jwks_uri: `${this.url}/${userPoolId}/.well-known/jwks.json`,
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['token'],
    });
  }

  private async handleOperation(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = req.headers['x-amz-target'];
    const name =
      typeof target === 'string' && target.startsWith(TARGET_PREFIX)
        ? target.slice(TARGET_PREFIX.length)
        : '';
    try {
      const operation = OPERATIONS.get(name);
      if (!operation) {
        throw new CognitoError(
          'UnknownOperationException',
          name === ''
            ? `Missing or foreign X-Amz-Target header (${String(target)}); expected ${TARGET_PREFIX}<Operation>.`
            : `The local Cognito does not support the operation ${name}; it supports ${[...OPERATIONS.keys()].join(', ')}.`,
        );
      }
      const input = await readJsonObject(req, MAX_BODY_BYTES);
      const output = await operation(this.directory, input);
      sendAwsJson(res, 200, output);
    } catch (err) {
      if (!(err instanceof AwsJsonError)) throw err;
      sendAwsJsonError(res, err);
    }
  }

  private internalError(res: ServerResponse, err: unknown): void {
    this.log(`internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    sendAwsJsonError(
      res,
      new CognitoError('InternalErrorException', 'Internal error in the local Cognito.', 500),
    );
  }
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  contentType = 'application/json',
): void {
  res.writeHead(status, { 'content-type': contentType }).end(JSON.stringify(body));
}
