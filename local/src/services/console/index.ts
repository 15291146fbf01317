/**
 * The local console: one page describing the running cloud (every emulated resource with its
 * local address, links, and every resource that is not emulated), and the services' JSON views
 * at `/_local/<view>` (alarms, codes, …). It answers only requests addressed to its own loopback
 * host and port, so a web page cannot reach it by rebinding a DNS name to 127.0.0.1.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { changeFaults, FAULT_TOKEN_HEADER, faultsService } from '../../faults.js';
import { escapeHtml } from '../../html.js';
import { addressedToLoopback, closeServer, listenOnLoopback } from '../../loopback.js';
import type { LocalService, ServiceContext, ServiceDescription, ServiceModule } from '../../service.js';

export class LocalConsole implements LocalService {
  private server: Server | undefined;
  private listeningUrl: string | undefined;
  private port = 0;
  /** What a request that changes faults must carry: shown in the banner and on this console's page only. */
  private readonly token = randomBytes(16).toString('hex');

  constructor(private readonly ctx: ServiceContext) {}

  get endpoint(): string | undefined {
    return this.listeningUrl;
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => this.handle(req, res));
    this.listeningUrl = await listenOnLoopback(server, this.ctx.port);
    this.port = Number(new URL(this.listeningUrl).port);
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await closeServer(server);
  }

  describe(): ServiceDescription {
    const faults = this.listeningUrl ? `${this.listeningUrl}/_local/faults` : undefined;
    return {
      name: 'Console',
      resources: [],
      ...(faults
        ? {
            links: [{ label: `Faults (POST/DELETE with ${FAULT_TOKEN_HEADER}: ${this.token})`, url: faults }],
          }
        : {}),
    };
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    if (!addressedToLoopback(req.headers.host, this.port)) {
      send(res, 403, 'text/plain', `This console answers only ${this.listeningUrl}.\n`);
      return;
    }
    const faults = this.ctx.get(faultsService)?.registry;
    if (
      faults &&
      /^\/_local\/faults(\/|$)/.test(req.url ?? '') &&
      (req.method === 'POST' || req.method === 'DELETE')
    ) {
      const origins = ['127.0.0.1', 'localhost', '[::1]'].map((host) => `http://${host}:${this.port}`);
      changeFaults(req, res, faults, { token: this.token, origins }).catch(() => {
        if (!res.headersSent) send(res, 500, 'text/plain', 'The fault could not be changed.\n');
      });
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      send(res, 405, 'text/plain', 'The console is read-only.\n');
      return;
    }
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (path === '/') {
      send(res, 200, 'text/html; charset=utf-8', this.page());
      return;
    }
    const views = this.ctx.localViews();
    if (path === '/_local' || path === '/_local/') {
      sendJson(res, 200, { views: [...views.keys()].map((name) => `/_local/${name}`) });
      return;
    }
    const view = path.startsWith('/_local/') ? views.get(path.slice('/_local/'.length)) : undefined;
    if (!view) {
      sendJson(res, 404, { message: `No console view at ${path}; see /_local/ for the list.` });
      return;
    }
    sendJson(res, 200, view());
  }

  private page(): string {
    const { services, notEmulated } = this.ctx.describeCloud();
    const rows = services.flatMap((service) =>
      service.resources.map(
        (r) =>
          `<tr><td>${escapeHtml(service.name)}</td><td>${escapeHtml(r.logicalId)}</td><td>${escapeHtml(r.type)}</td><td>${r.url ? `<a href="${escapeHtml(r.url)}">${escapeHtml(r.url)}</a>` : ''}</td><td>${escapeHtml(r.detail ?? '')}${r.warning ? ` <strong>${escapeHtml(r.warning)}</strong>` : ''}</td></tr>`,
      ),
    );
    const links = services.flatMap((service) =>
      (service.links ?? []).map(
        (link) =>
          `<li>${escapeHtml(service.name)}: <a href="${escapeHtml(link.url)}">${escapeHtml(link.label)}</a></li>`,
      ),
    );
    const views = [...this.ctx.localViews().keys()].map(
      (name) => `<li><a href="/_local/${escapeHtml(name)}">/_local/${escapeHtml(name)}</a></li>`,
    );
    const missing = notEmulated.map(
      (r) => `<tr><td>${escapeHtml(r.type)}</td><td>${escapeHtml(r.logicalId)}</td></tr>`,
    );
    return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Local cloud</title>
<meta name="${FAULT_TOKEN_HEADER}" content="${this.token}">
<style>body{font-family:system-ui,sans-serif;margin:2rem}table{border-collapse:collapse;margin-bottom:2rem}
td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left;vertical-align:top}</style>
</head><body>
<h1>Local cloud</h1>
<h2>Links</h2><ul>${links.join('')}${views.join('')}</ul>
<h2>Emulated resources</h2>
<table><thead><tr><th>service</th><th>logical id</th><th>type</th><th>local address</th><th>detail</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>
<h2>Not emulated (${notEmulated.length})</h2>
<table><thead><tr><th>type</th><th>logical id</th></tr></thead><tbody>${missing.join('\n')}</tbody></table>
</body></html>
`;
  }
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res
    .writeHead(status, {
      'content-type': contentType,
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'self'; frame-ancestors 'none'",
    })
    .end(body);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, 'application/json', JSON.stringify(body));
}

export const consoleService: ServiceModule<LocalConsole> = {
  id: 'console',
  name: 'Console',
  resourceTypes: [],
  port: { name: 'console', default: 4000 },
  dependsOn: [faultsService],
  create: (ctx) => new LocalConsole(ctx),
};
