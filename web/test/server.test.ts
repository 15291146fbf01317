import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from '../server/server.js';
import type { RuntimeConfig } from '../src/runtime-config.js';
import { closeServer, listenOnLoopback } from './loopback.js';

const config: RuntimeConfig = {
  apiUrl: 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod/',
  region: 'eu-west-1',
  userPoolId: 'eu-west-1_Pool',
  userPoolClientId: 'client123',
  authFlow: 'USER_SRP_AUTH',
};

const INDEX_HTML = '<!doctype html><html><body><div id="root"></div></body></html>';
const ASSET_JS = 'console.log("app");';

/** Large enough that the response cannot sit in socket buffers: it is in flight until the client reads it. */
const BIG_ASSET_BYTES = 32 * 1024 * 1024;

let dist: string;

/** A fake vite output: dist/client with index.html and a hashed asset. */
async function writeFakeDist(root: string): Promise<void> {
  await mkdir(path.join(root, 'client', 'assets'), { recursive: true });
  await writeFile(path.join(root, 'client', 'index.html'), INDEX_HTML);
  await writeFile(path.join(root, 'client', 'assets', 'index-Ab12Cd34.js'), ASSET_JS);
  await writeFile(path.join(root, 'client', 'assets', 'big-Ef56Gh78.bin'), Buffer.alloc(BIG_ASSET_BYTES, 7));
  await writeFile(path.join(root, 'client', 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  await writeFile(path.join(root, 'secret.txt'), 'outside the client folder');
  await writeFile(path.join(root, 'client', '.env'), 'outside the client folder');
}

interface Reply {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** Raw http.request: unlike fetch it sends the path exactly as written (needed for traversal tests). */
function request(
  port: number,
  rawPath: string,
  init: { method?: string; headers?: Record<string, string> } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: rawPath,
        method: init.method ?? 'GET',
        headers: init.headers,
        agent: false,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  dist = await mkdtemp(path.join(tmpdir(), 'web-dist-'));
  await writeFakeDist(dist);
});

afterAll(async () => {
  await rm(dist, { recursive: true, force: true });
});

describe('web server (in process)', () => {
  let server: http.Server;
  let port: number;

  beforeAll(async () => {
    server = createServer({ clientDir: path.join(dist, 'client'), config });
    port = await listenOnLoopback(server);
  });

  afterAll(() => closeServer(server));

  it('serves /config.json built from the runtime config, never cached stale', async () => {
    const res = await request(port, '/config.json');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(JSON.parse(res.body)).toEqual(config);
  });

  it('answers the ALB health check', async () => {
    const res = await request(port, '/healthz');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ status: 'ok' });
  });

  it('sets the security headers on every response, with a CSP that allows only the API and Cognito', async () => {
    for (const target of ['/', '/healthz', '/assets/index-Ab12Cd34.js', '/nope.js']) {
      const res = await request(port, target);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
      expect(res.headers['permissions-policy']).toContain('camera=()');
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("script-src 'self';");
      expect(csp).toContain("style-src 'self';");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).toContain(
        "connect-src 'self' https://abc123.execute-api.eu-west-1.amazonaws.com https://cognito-idp.eu-west-1.amazonaws.com;",
      );
    }
  });

  it('sends HSTS only when the ALB says the request came over HTTPS', async () => {
    const plain = await request(port, '/');
    expect(plain.headers['strict-transport-security']).toBeUndefined();
    const viaHttps = await request(port, '/', { headers: { 'X-Forwarded-Proto': 'https' } });
    expect(viaHttps.headers['strict-transport-security']).toMatch(/^max-age=31536000/);
  });

  it('caches hashed assets for a year and makes index.html revalidate', async () => {
    const asset = await request(port, '/assets/index-Ab12Cd34.js');
    expect(asset.status).toBe(200);
    expect(asset.body).toBe(ASSET_JS);
    expect(asset.headers['content-type']).toMatch(/^text\/javascript/);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const index = await request(port, '/');
    expect(index.status).toBe(200);
    expect(index.body).toBe(INDEX_HTML);
    expect(index.headers['content-type']).toMatch(/^text\/html/);
    expect(index.headers['cache-control']).toBe('no-cache');
  });

  it('answers a revalidation with 304 when the file is unchanged', async () => {
    const first = await request(port, '/');
    const again = await request(port, '/', { headers: { 'If-None-Match': String(first.headers.etag) } });
    expect(again.status).toBe(304);
    expect(again.body).toBe('');
  });

  it('serves index.html for client routes so a reload keeps the page', async () => {
    for (const route of ['/tasks/123', '/signin', '/confirm?email=a%40b.c']) {
      const res = await request(port, route);
      expect(res.status).toBe(200);
      expect(res.body).toBe(INDEX_HTML);
    }
  });

  it('returns 404, not index.html, for a missing asset or file', async () => {
    for (const missing of ['/assets/index-missing.js', '/assets/logo', '/robots.txt']) {
      const res = await request(port, missing);
      expect(res.status).toBe(404);
      expect(res.body).not.toContain('<html');
    }
  });

  it('refuses path traversal and dotfiles', async () => {
    for (const attack of [
      '/../secret.txt',
      '/..%2fsecret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/%2e%2e/secret.txt',
      '/..%5csecret.txt',
      '/.env',
      '/%00',
    ]) {
      const res = await request(port, attack);
      expect([400, 404], attack).toContain(res.status);
      expect(res.body, attack).not.toContain('outside the client folder');
    }
  });

  it('supports HEAD without a body', async () => {
    const res = await request(port, '/assets/index-Ab12Cd34.js', { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers['content-length']).toBe(String(ASSET_JS.length));
    expect(res.body).toBe('');
  });

  it('rejects other methods with 405 and an Allow header', async () => {
    const res = await request(port, '/', { method: 'POST' });
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD');
  });
});

describe('web server (bundled process, as the container runs it)', () => {
  const webDir = fileURLToPath(new URL('..', import.meta.url));
  let bundle: string;

  const baseEnv = {
    PATH: process.env.PATH ?? '',
    HOST: '127.0.0.1',
    API_URL: 'http://127.0.0.1:4010/',
    COGNITO_REGION: 'local',
    USER_POOL_ID: 'local_pool',
    USER_POOL_CLIENT_ID: 'local-client',
    COGNITO_ENDPOINT: 'http://127.0.0.1:4020',
    AUTH_FLOW: 'USER_PASSWORD_AUTH',
  };

  beforeAll(async () => {
    bundle = path.join(dist, 'server', 'server.mjs');
    await build({
      entryPoints: [path.join(webDir, 'server', 'server.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile: bundle,
      logLevel: 'silent',
    });
  });

  interface Exit {
    readonly code: number | null;
    readonly stdout: string;
    readonly stderr: string;
  }

  function start(env: Record<string, string>): { child: ChildProcess; exit: Promise<Exit> } {
    const child = spawn(process.execPath, [bundle], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exit = once(child, 'exit').then(([code]) => ({ code: code as number | null, stdout, stderr }));
    return { child, exit };
  }

  function listeningPort(child: ChildProcess): Promise<number> {
    return new Promise((resolve, reject) => {
      let seen = '';
      const onData = (chunk: Buffer) => {
        seen += chunk.toString();
        const match = /"msg":"listening".*"port":(\d+)/.exec(seen);
        if (!match?.[1]) return;
        child.stdout?.off('data', onData);
        resolve(Number(match[1]));
      };
      child.stdout?.on('data', onData);
      child.once('exit', () => reject(new Error(`server exited before listening: ${seen}`)));
    });
  }

  it('serves the config from its environment and exits 0 on SIGTERM with a keep-alive client attached', async () => {
    const { child, exit } = start({ ...baseEnv, PORT: '0' });
    const port = await listeningPort(child);
    const agent = new http.Agent({ keepAlive: true });
    const body = await new Promise<string>((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port, path: '/config.json', agent }, (res) => {
          let text = '';
          res.on('data', (c: Buffer) => {
            text += c.toString();
          });
          res.on('end', () => resolve(text));
        })
        .on('error', reject);
    });
    expect(JSON.parse(body)).toEqual({
      apiUrl: 'http://127.0.0.1:4010/',
      region: 'local',
      userPoolId: 'local_pool',
      userPoolClientId: 'local-client',
      cognitoEndpoint: 'http://127.0.0.1:4020',
      authFlow: 'USER_PASSWORD_AUTH',
    });
    child.kill('SIGTERM');
    const result = await exit;
    agent.destroy();
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
  });

  it('lets an in-flight download finish after SIGTERM, then exits 0', async () => {
    const { child, exit } = start({ ...baseEnv, PORT: '0' });
    const port = await listeningPort(child);
    let received = 0;
    const done = new Promise<void>((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port, path: '/assets/big-Ef56Gh78.bin', agent: false }, (res) => {
          res.once('data', (first: Buffer) => {
            received += first.length;
            // The response is now in flight and the client stalls: terminate the server mid-download.
            res.pause();
            child.stdout?.once('data', () => {
              res.on('data', (c: Buffer) => {
                received += c.length;
              });
              res.resume();
            });
            child.kill('SIGTERM');
          });
          res.on('end', resolve);
          res.on('error', reject);
        })
        .on('error', reject);
    });
    await done;
    const result = await exit;
    expect(received).toBe(BIG_ASSET_BYTES);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('"msg":"shutting down"');
  });

  it.each([['API_URL'], ['COGNITO_REGION'], ['USER_POOL_ID'], ['USER_POOL_CLIENT_ID']])(
    'exits 1 with a one-line error when %s is missing',
    async (name) => {
      const env: Record<string, string> = { ...baseEnv, PORT: '0' };
      delete env[name];
      const result = await start(env).exit;
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(`web server: Missing required environment variable ${name}\n`);
    },
  );

  it('exits 1 with a one-line error for an unknown AUTH_FLOW', async () => {
    const result = await start({ ...baseEnv, PORT: '0', AUTH_FLOW: 'PLAIN' }).exit;
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('AUTH_FLOW must be one of USER_SRP_AUTH, USER_PASSWORD_AUTH');
  });

  it('names the port and the PORT variable when the port is taken', async () => {
    const blocker = http.createServer();
    const taken = await listenOnLoopback(blocker);
    try {
      const result = await start({ ...baseEnv, PORT: String(taken) }).exit;
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(`web server: port ${taken} is already in use; set PORT to a free port\n`);
    } finally {
      blocker.close();
    }
  });
});
