/**
 * The local console: a few pages about the running cloud — the architecture diagram and every
 * resource (emulated or not), the template's dashboard with live local metrics, alarms with their
 * history and the SNS mailbox, function logs and API requests, Cognito codes — and the services'
 * JSON views at `/_local/<view>`. It answers only requests addressed to its own loopback host and
 * port, so a web page cannot reach it by rebinding a DNS name to 127.0.0.1, and its pages run
 * only the script it serves itself (`script-src 'self'`).
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { architectureSvg } from '../../diagram/index.js';
import type { PlacedNode } from '../../diagram/layout.js';
import { changeFaults, FAULT_TOKEN_HEADER, faultsService } from '../../faults.js';
import { addressedToLoopback, LoopbackService } from '../../loopback.js';
import type { ServiceContext, ServiceDescription, ServiceModule } from '../../service.js';
import type { DashboardView } from '../../views.js';
import { ConsoleAssets } from './assets.js';
import { type LocalDashboard, localDashboards } from './dashboard.js';
import { CONSOLE_PAGES, overviewBody, renderPage } from './pages.js';

/** What the console's pages may load: only what it serves itself. */
const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

export class LocalConsole extends LoopbackService {
  private readonly assets = new ConsoleAssets();
  private diagram: Promise<string> | undefined;
  private dashboards: LocalDashboard[] | undefined;
  /** What a request that changes faults must carry: shown in the banner and on this console's pages only. */
  private readonly token = randomBytes(16).toString('hex');

  constructor(private readonly ctx: ServiceContext) {
    super(ctx.port);
  }

  describe(): ServiceDescription {
    const url = this.server.url;
    const links = url
      ? [
          { label: 'Console (architecture, dashboard, alarms, logs, codes)', url },
          {
            label: `Faults (POST/DELETE with ${FAULT_TOKEN_HEADER}: ${this.token})`,
            url: `${url}/_local/faults`,
          },
        ]
      : [];
    return { name: 'Console', resources: [], links };
  }

  /** `dashboard`: the template's dashboards, resolved locally. */
  localViews(): ReadonlyMap<string, () => unknown> {
    return new Map([['dashboard', (): DashboardView => ({ dashboards: this.resolvedDashboards() })]]);
  }

  private resolvedDashboards(): LocalDashboard[] {
    // Resolved on first use: every service has set its physical ids by then (Cognito's pool ids).
    this.dashboards ??= localDashboards(this.ctx.ids);
    return this.dashboards;
  }

  protected override internalError(res: ServerResponse, err: unknown, req: IncomingMessage): void {
    this.ctx.log(`[Console] ${req.method} ${req.url}: ${(err as Error).stack ?? String(err)}`);
    send(res, 500, 'text/plain; charset=utf-8', 'The console failed; see its log.\n');
  }

  protected override async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!addressedToLoopback(req.headers.host, this.server.port)) {
      send(res, 403, 'text/plain', `This console answers only ${this.server.url}.\n`);
      return;
    }
    const faults = this.ctx.get(faultsService)?.registry;
    if (
      faults &&
      /^\/_local\/faults(\/|$)/.test(req.url ?? '') &&
      (req.method === 'POST' || req.method === 'DELETE')
    ) {
      const origins = ['127.0.0.1', 'localhost', '[::1]'].map((host) => `http://${host}:${this.server.port}`);
      await changeFaults(req, res, faults, { token: this.token, origins });
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      send(res, 405, 'text/plain', 'The console is read-only.\n');
      return;
    }
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const page = CONSOLE_PAGES.find((p) => p.path === path);
    if (page) {
      const body = page.path === '/' ? await this.overview() : undefined;
      const html = renderPage(page, {
        stage: this.ctx.assembly.stageName,
        faultToken: { header: FAULT_TOKEN_HEADER, token: this.token },
        ...(body ? { body } : {}),
      });
      send(res, 200, 'text/html; charset=utf-8', html);
      return;
    }
    if (path === '/architecture.svg') {
      send(res, 200, 'image/svg+xml; charset=utf-8', await this.architecture());
      return;
    }
    const asset = this.assets.get(path);
    if (asset) {
      const { contentType, body } = await asset;
      send(res, 200, contentType, body);
      return;
    }
    if (path.startsWith('/_local')) {
      this.view(path, res);
      return;
    }
    send(res, 404, 'text/plain; charset=utf-8', `Nothing at ${path}; the console's pages start at /.\n`);
  }

  private view(path: string, res: ServerResponse): void {
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

  private async overview(): Promise<string> {
    const { services, notEmulated } = this.ctx.describeCloud();
    return overviewBody({
      services,
      notEmulated,
      views: [...this.ctx.localViews().keys()],
      diagram: await this.architecture(),
    });
  }

  /** The diagram, laid out once (elk takes a second or two), with what runs locally marked. */
  private architecture(): Promise<string> {
    this.diagram ??= (() => {
      const missing = new Set(this.ctx.describeCloud().notEmulated.map((r) => r.type));
      const classesOf = (node: PlacedNode) => {
        const local = node.types.filter((type) => !missing.has(type)).length;
        if (local === node.types.length) return ['emulated'];
        return local === 0 ? ['not-emulated'] : ['partly-emulated'];
      };
      return architectureSvg(this.ctx.assembly, { classesOf });
    })();
    return this.diagram;
  }
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res
    .writeHead(status, {
      'content-type': contentType,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'content-security-policy': CONTENT_SECURITY_POLICY,
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
