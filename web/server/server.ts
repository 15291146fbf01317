/**
 * The web container's entrypoint: serves the built SPA, `/config.json` from the environment
 * and `/healthz` for the ALB, with security headers on every response. Plain node:http, bundled
 * by esbuild to `dist/server/server.mjs` so the image needs no node_modules. It writes nothing
 * to disk, so it runs on a read-only root filesystem.
 */
import { createReadStream, type Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { RuntimeConfig } from '../src/runtime-config.js';
import { WEB_ENV, WEB_HEALTH_PATH, WEB_PORT } from '../src/runtime-config.js';
import { ConfigError, contentSecurityPolicy, readRuntimeConfig } from './config.js';

export { ConfigError, contentSecurityPolicy, readRuntimeConfig } from './config.js';

export interface WebServerOptions {
  /** Folder holding the built SPA (vite's outDir): `index.html` and `assets/`. */
  readonly clientDir: string;
  /** Served as `/config.json`; also decides the CSP's connect-src. */
  readonly config: RuntimeConfig;
}

/** How long SIGTERM waits for in-flight requests before closing the remaining connections. */
export const SHUTDOWN_GRACE_MS = 10_000;

const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

interface Context {
  readonly root: string;
  readonly csp: string;
  readonly configJson: string;
}

/** The HTTP server (not yet listening); tests listen on 127.0.0.1:0, `main` on PORT. */
export function createServer(options: WebServerOptions): http.Server {
  const ctx: Context = {
    root: path.resolve(options.clientDir),
    csp: contentSecurityPolicy(options.config),
    configJson: JSON.stringify(options.config),
  };
  return http.createServer((req, res) => {
    handle(ctx, req, res).catch(() => {
      if (!res.headersSent) return sendText(req, res, 500, 'Internal Server Error');
      res.destroy();
    });
  });
}

function setSecurityHeaders(ctx: Context, req: http.IncomingMessage, res: http.ServerResponse): void {
  res.setHeader('Content-Security-Policy', ctx.csp);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'strict-origin-when-cross-origin');
  res.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), payment=(), usb=()');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  // HSTS only means something over HTTPS; the ALB terminates TLS and says so in X-Forwarded-Proto.
  const proto = String(req.headers['x-forwarded-proto'] ?? '')
    .split(',')[0]
    ?.trim()
    .toLowerCase();
  if (proto === 'https') res.setHeader('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
}

async function handle(ctx: Context, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  setSecurityHeaders(ctx, req, res);
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return sendText(req, res, 405, 'Method Not Allowed');
  }
  const pathname = decodePath(req.url);
  if (pathname === undefined) return sendText(req, res, 400, 'Bad Request');
  if (pathname === WEB_HEALTH_PATH) return sendBody(req, res, 200, '{"status":"ok"}', '.json', 'no-store');
  if (pathname === '/config.json') return sendBody(req, res, 200, ctx.configJson, '.json', REVALIDATE);

  const file = await findFile(ctx.root, pathname);
  if (file) return sendFile(req, res, file, pathname.startsWith('/assets/') ? IMMUTABLE : REVALIDATE);
  // A missing asset must 404: serving index.html as JavaScript would hide a broken deploy.
  if (looksLikeFile(pathname)) return sendText(req, res, 404, 'Not Found');
  const index = await findFile(ctx.root, '/index.html');
  if (!index) return sendText(req, res, 404, 'Not Found');
  return sendFile(req, res, index, REVALIDATE);
}

/** The request's decoded path, or undefined when it is malformed or tries to leave the root. */
function decodePath(url: string | undefined): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(new URL(url ?? '/', 'http://localhost').pathname);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  if (decoded.split('/').some((segment) => segment === '..')) return undefined;
  return decoded;
}

function looksLikeFile(pathname: string): boolean {
  const last = pathname.slice(pathname.lastIndexOf('/') + 1);
  return pathname.startsWith('/assets/') || last.includes('.');
}

interface FoundFile {
  readonly path: string;
  readonly stats: Stats;
}

async function findFile(root: string, pathname: string): Promise<FoundFile | undefined> {
  // Dotfiles are never part of the build output; refuse them rather than leak something stray.
  if (pathname.split('/').some((segment) => segment.startsWith('.'))) return undefined;
  const full = path.resolve(root, `.${pathname}`);
  if (!full.startsWith(root + path.sep)) return undefined;
  try {
    const stats = await stat(full);
    return stats.isFile() ? { path: full, stats } : undefined;
  } catch {
    return undefined;
  }
}

function contentType(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

async function sendFile(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  file: FoundFile,
  cacheControl: string,
): Promise<void> {
  const etag = `W/"${file.stats.size.toString(16)}-${Math.floor(file.stats.mtimeMs).toString(16)}"`;
  res.setHeader('Cache-Control', cacheControl);
  res.setHeader('ETag', etag);
  res.setHeader('Content-Type', contentType(file.path));
  if (req.headers['if-none-match'] === etag) {
    res.statusCode = 304;
    res.end();
    return;
  }
  res.statusCode = 200;
  res.setHeader('Content-Length', file.stats.size);
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  await pipeline(createReadStream(file.path), res);
}

function sendBody(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  status: number,
  body: string,
  ext: string,
  cacheControl: string,
): void {
  res.statusCode = status;
  res.setHeader('Content-Type', CONTENT_TYPES[ext] ?? 'text/plain; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.setHeader('Cache-Control', cacheControl);
  res.end(req.method === 'HEAD' ? undefined : body);
}

function sendText(req: http.IncomingMessage, res: http.ServerResponse, status: number, text: string): void {
  sendBody(req, res, status, `${text}\n`, '.txt', 'no-store');
}

function log(msg: string, fields: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ level: 'info', msg, ...fields })}\n`);
}

function fail(message: string): void {
  process.stderr.write(`web server: ${message}\n`);
  process.exitCode = 1;
}

function parsePort(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return WEB_PORT;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`${WEB_ENV.port} must be a port number (0-65535), got "${raw}"`);
  }
  return port;
}

/** Stops accepting connections, lets in-flight requests finish, and exits 0 within SHUTDOWN_GRACE_MS. */
function drainOnSignal(server: http.Server): void {
  const drain = (signal: string) => {
    log('shutting down', { signal });
    const force = setTimeout(() => {
      server.closeAllConnections();
      process.exit(0);
    }, SHUTDOWN_GRACE_MS);
    // Keep-alive sockets become idle once their request is answered; close them as they do.
    const sweep = setInterval(() => server.closeIdleConnections(), 100);
    server.close(() => {
      clearTimeout(force);
      clearInterval(sweep);
      log('stopped');
      process.exit(0);
    });
    server.closeIdleConnections();
  };
  process.once('SIGTERM', drain);
  process.once('SIGINT', drain);
}

/** Reads the environment (WEB_ENV), checks the build is present and listens on HOST:PORT. */
export async function main(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  let config: RuntimeConfig;
  let port: number;
  try {
    config = readRuntimeConfig(env);
    port = parsePort(env[WEB_ENV.port]);
  } catch (error) {
    if (error instanceof ConfigError) return fail(error.message);
    throw error;
  }
  const host = env[WEB_ENV.host]?.trim() || '0.0.0.0';
  // The bundle lives in dist/server/; vite writes the SPA to dist/client/.
  const clientDir = fileURLToPath(new URL('../client/', import.meta.url));
  if (!(await findFile(path.resolve(clientDir), '/index.html'))) {
    return fail(`built SPA not found at ${path.join(clientDir, 'index.html')}; run "npm run build -w web"`);
  }
  const server = createServer({ clientDir, config });
  server.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EADDRINUSE') {
      return fail(`port ${port} is already in use; set ${WEB_ENV.port} to a free port`);
    }
    if (error.code === 'EACCES') return fail(`no permission to listen on port ${port}; set ${WEB_ENV.port}`);
    fail(error.message);
  });
  server.listen(port, host, () => {
    const address = server.address();
    log('listening', { host, port: typeof address === 'object' && address ? address.port : port });
    drainOnSignal(server);
  });
}

const entry = process.argv[1];
if (entry && import.meta.url === pathToFileURL(entry).href) {
  void main();
}
