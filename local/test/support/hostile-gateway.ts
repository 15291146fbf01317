/**
 * The local cloud's side of the hostile-client suite: users signed up and signed in through the
 * local Cognito, a raw HTTP client for the local gateway (no client-side normalisation of paths,
 * headers or bodies), and the gateway as a target of the shared hostile cases.
 */
import { Agent, request } from 'node:http';
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import {
  type ApiTarget,
  parseJson,
  type Reply,
  type WireRequest,
} from '@tasktracker/api/test-support/hostile';
import type { LocalCloud } from '../../src/index.js';
import { localCognitoClient } from '../../src/services/cognito/client.js';
import { signInWithSrp } from '../../src/services/cognito/srp-client.js';
import { signUpConfirmed, userPoolOf } from './cloud.js';
import { decodeJwt } from './tokens.js';

const PASSWORD = 'Correct-Horse-9-Battery';

/** A signed-in user of the local user pool. */
export interface SignedInUser {
  readonly email: string;
  readonly sub: string;
  readonly idToken: string;
  readonly accessToken: string;
}

/** Signs up, confirms with the code the local Cognito shows, and signs in with SRP. */
export async function signUp(
  cloud: LocalCloud,
  cognito: CognitoIdentityProviderClient,
  name: string,
): Promise<SignedInUser> {
  const pool = userPoolOf(cloud);
  const email = `${name}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  await signUpConfirmed(cloud, cognito, email, PASSWORD);
  const auth = await signInWithSrp(cognito, {
    userPoolId: pool.id,
    clientId: pool.clientId,
    username: email,
    password: PASSWORD,
  });
  if (!auth.IdToken || !auth.AccessToken) throw new Error(`Signing in ${email} returned no tokens.`);
  return {
    email,
    sub: String(decodeJwt(auth.IdToken).payload.sub),
    idToken: auth.IdToken,
    accessToken: auth.AccessToken,
  };
}

/** A Cognito client for the cloud's local Cognito. */
export function cognitoClient(cloud: LocalCloud): CognitoIdentityProviderClient {
  return localCognitoClient(cloud.url('cognito'), userPoolOf(cloud).region);
}

/** One raw request to the gateway. */
export interface RawRequest {
  readonly method: string;
  /** Path after the stage, as sent: `/tasks/<segment>`. */
  readonly path: string;
  readonly query?: string;
  /** Header name/value pairs, sent as given, in order. */
  readonly headers?: ReadonlyArray<readonly [string, string]>;
  readonly body?: Buffer | string | null;
}

/** A raw HTTP client of the local gateway's stage: paths, headers and bodies go out exactly as given. */
export class GatewayClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 32 });
  private readonly stage: URL;

  constructor(cloud: LocalCloud) {
    this.stage = new URL(cloud.url('apigateway'));
  }

  send(raw: RawRequest): Promise<Reply> {
    const body = raw.body === undefined || raw.body === null ? null : Buffer.from(raw.body);
    // Repeated names go out as repeated lines; a Map keeps `__proto__` an ordinary name.
    const headers = new Map<string, { name: string; values: string[] }>();
    for (const [name, value] of raw.headers ?? []) {
      const entry = headers.get(name.toLowerCase()) ?? { name, values: [] };
      entry.values.push(value);
      headers.set(name.toLowerCase(), entry);
    }
    const path = `${this.stage.pathname.replace(/\/$/, '')}${raw.path}${raw.query ? `?${raw.query}` : ''}`;
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: this.stage.hostname,
          port: this.stage.port,
          method: raw.method,
          path,
          agent: this.agent,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.once('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const replyHeaders = new Map<string, string>();
            for (const [name, value] of Object.entries(res.headers))
              if (value !== undefined) replyHeaders.set(name, [value].flat().join(', '));
            resolve({ status: res.statusCode ?? 0, headers: replyHeaders, text, json: parseJson(text) });
          });
          res.once('error', reject);
        },
      );
      req.once('error', reject);
      for (const { name, values } of headers.values())
        req.setHeader(name, values.length === 1 ? (values[0] ?? '') : values);
      if (body) req.setHeader('Content-Length', String(body.length));
      req.end(body ?? undefined);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** The local gateway as a hostile-case target: each lane a signed-in user sending its ID token. */
export function gatewayTarget(client: GatewayClient, tokenOf: (lane: number) => Promise<string>): ApiTarget {
  return {
    name: 'gateway',
    async send(wire: WireRequest, lane: number) {
      const token = wire.route.authorized ? await tokenOf(lane) : undefined;
      return client.send({
        method: wire.route.method,
        path: wire.path,
        query: wire.query,
        headers: token === undefined ? wire.headers : [...wire.headers, ['Authorization', token]],
        body: wire.body,
      });
    },
  };
}

/** Users by lane, signed up on first use. */
export function laneUsers(cloud: LocalCloud, cognito: CognitoIdentityProviderClient, prefix: string) {
  const users = new Map<number, Promise<SignedInUser>>();
  return (lane: number): Promise<SignedInUser> => {
    let user = users.get(lane);
    if (!user) {
      user = signUp(cloud, cognito, `${prefix}-${lane}`);
      users.set(lane, user);
    }
    return user;
  };
}
