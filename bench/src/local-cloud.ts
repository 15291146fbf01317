/**
 * The local cloud in a child process (see local-cloud-host.ts), and a signed-in user of
 * its Cognito user pool.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import {
  CognitoIdentityProviderClient,
  ConfirmSignUpCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { signInWithSrp } from '@tasktracker/local/srp-sign-in';
import type { HostMessage, ParentMessage } from './local-cloud-host.js';
import { REPO_ROOT } from './run-command.js';

const HOST = fileURLToPath(new URL('./local-cloud-host.ts', import.meta.url));
const START_TIMEOUT_MS = 120_000;

type Ready = Extract<HostMessage, { type: 'ready' }>;

export interface LocalCloudProcess {
  readonly pid: number;
  readonly urls: Ready['urls'];
  readonly userPool: Ready['userPool'];
  /** A new confirmed user and its ID token. */
  signIn(): Promise<SignedInUser>;
  stop(): Promise<void>;
}

export interface SignedInUser {
  readonly email: string;
  readonly password: string;
  readonly idToken: string;
  /** The `sub` claim of the ID token. */
  readonly sub: string;
}

function nextMessage<T extends HostMessage['type']>(
  child: ChildProcess,
  type: T,
  timeoutMs: number,
): Promise<Extract<HostMessage, { type: T }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => finish(new Error(`local cloud: no '${type}' within ${timeoutMs / 1000} s`)),
      timeoutMs,
    );
    const onMessage = (message: HostMessage): void => {
      if (message.type === 'failed') finish(new Error(`local cloud failed to start: ${message.message}`));
      else if (message.type === type) finish(undefined, message as Extract<HostMessage, { type: T }>);
    };
    const onExit = (code: number | null): void =>
      finish(new Error(`local cloud exited early (code ${code})`));
    function finish(err?: Error, value?: Extract<HostMessage, { type: T }>): void {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve(value as Extract<HostMessage, { type: T }>);
    }
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

/** The `sub` claim of a JWT (no verification: the token comes straight from the pool). */
export function subOf(jwt: string): string {
  const payload = jwt.split('.')[1] ?? '';
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sub?: unknown };
  if (typeof claims.sub !== 'string') throw new Error('ID token has no sub claim');
  return claims.sub;
}

/** Starts the local cloud in a child process (`node --import tsx`) and waits until it is ready. */
export async function startLocalCloudProcess(): Promise<LocalCloudProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', HOST], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
  });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => {
    stderr = (stderr + c.toString('utf8')).slice(-4000);
  });
  let ready: Ready;
  try {
    ready = await nextMessage(child, 'ready', START_TIMEOUT_MS);
  } catch (err) {
    child.kill('SIGKILL');
    const last = stderr.trim().split('\n').filter(Boolean).slice(-1)[0];
    throw new Error(`${(err as Error).message}${last ? ` (${last})` : ''}`);
  }
  const pid = child.pid as number;
  const cognito = new CognitoIdentityProviderClient({
    endpoint: ready.urls.cognito,
    region: ready.userPool.region,
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
  const send = (message: ParentMessage): void => {
    child.send(message);
  };
  return {
    pid,
    urls: ready.urls,
    userPool: ready.userPool,
    async signIn() {
      const email = `bench-${randomUUID().slice(0, 8)}@example.com`;
      const password = `Bench-${randomUUID()}-Aa1!`;
      const clientId = ready.userPool.clientId;
      await cognito.send(
        new SignUpCommand({
          ClientId: clientId,
          Username: email,
          Password: password,
          UserAttributes: [{ Name: 'email', Value: email }],
        }),
      );
      const codesPromise = nextMessage(child, 'codes', 10_000);
      send({ type: 'codes' });
      const { codes } = await codesPromise;
      const code = [...codes].reverse().find((c) => c.username === email)?.code ?? codes.at(-1)?.code;
      if (code === undefined) throw new Error(`local cloud: no confirmation code for ${email}`);
      await cognito.send(
        new ConfirmSignUpCommand({ ClientId: clientId, Username: email, ConfirmationCode: code }),
      );
      const auth = await signInWithSrp(cognito, {
        userPoolId: ready.userPool.id,
        clientId,
        username: email,
        password,
      });
      const idToken = auth.IdToken;
      if (!idToken) throw new Error('local cloud: sign-in returned no ID token');
      return { email, password, idToken, sub: subOf(idToken) };
    },
    async stop() {
      cognito.destroy();
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      send({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
