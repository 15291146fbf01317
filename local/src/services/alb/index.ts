/**
 * The Application Load Balancer: the template's listener that forwards to a target group, served
 * on the web port, in front of the targets ECS registers with that group (the web container on its
 * internal port). It health-checks each target on the group's `HealthCheckPath` and interval, and
 * records what ALB publishes to CloudWatch: `RequestCount`, `HTTPCode_Target_<n>XX_Count`,
 * `HTTPCode_ELB_5XX_Count`, `TargetResponseTime` (seconds) and healthy/unhealthy host counts.
 */
import { randomBytes } from 'node:crypto';
import {
  Agent,
  createServer,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { Duplex } from 'node:stream';
import { type AssemblyResource, resourcesOf } from '../../assembly/index.js';
import type { PhysicalIds } from '../../intrinsics/physical-ids.js';
import { closeServer, listenOnLoopback } from '../../loopback.js';
import type { LocalService, ServiceDescription } from '../../service.js';
import type { MetricSink } from '../cloudwatch/metrics.js';

/** A target the group forwards to. */
export interface Target {
  readonly url: string;
}

/** The load balancer's view of its targets: who ECS registered with a target group right now. */
export type TargetDirectory = (targetGroupArn: string) => readonly Target[];

export interface LocalLoadBalancerOptions {
  readonly ids: PhysicalIds;
  readonly port: number;
  readonly targets: TargetDirectory;
  readonly metrics: MetricSink;
  readonly log: (line: string) => void;
}

interface TargetGroup {
  readonly logicalId: string;
  readonly arn: string;
  /** `targetgroup/<name>/<id>`: the `TargetGroup` dimension. */
  readonly fullName: string;
  readonly healthCheckPath: string;
  readonly healthCheckIntervalMs: number;
  readonly healthCheckTimeoutMs: number;
  readonly healthyCodes: (status: number) => boolean;
  readonly healthyThreshold: number;
  readonly unhealthyThreshold: number;
}

interface Listener {
  readonly logicalId: string;
  readonly port: number;
  readonly protocol: string;
  /** The group its default action forwards to; undefined for a redirect or fixed response. */
  readonly targetGroupArn?: string;
  readonly action: string;
}

interface LoadBalancer {
  readonly logicalId: string;
  /** `app/<name>/<id>`: the `LoadBalancer` dimension. */
  readonly fullName: string;
  readonly listeners: readonly Listener[];
}

/** A target's health as the group last saw it. */
interface Health {
  state: 'healthy' | 'unhealthy';
  /** Consecutive checks that disagreed with `state`. */
  streak: number;
  reason?: string;
}

/** ALB's default idle timeout: a target that keeps a request longer gets a 504. */
const IDLE_TIMEOUT_MS = 60_000;

export class LocalLoadBalancer implements LocalService {
  private server: Server | undefined;
  private listeningUrl: string | undefined;
  private readonly balancer: LoadBalancer | undefined;
  private readonly groups = new Map<string, TargetGroup>();
  private readonly health = new Map<string, Health>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly agent = new Agent({ keepAlive: true });
  /** WebSocket connections (a dev server's hot reload): the server no longer tracks them. */
  private readonly upgraded = new Set<Duplex>();
  private next = 0;

  constructor(private readonly options: LocalLoadBalancerOptions) {
    const { ids } = options;
    for (const resource of resourcesOf(ids.source, 'AWS::ElasticLoadBalancingV2::TargetGroup')) {
      const group = this.targetGroupOf(resource);
      this.groups.set(group.arn, group);
    }
    const [resource] = resourcesOf(ids.source, 'AWS::ElasticLoadBalancingV2::LoadBalancer');
    this.balancer = resource ? this.loadBalancerOf(resource) : undefined;
  }

  get endpoint(): string | undefined {
    return this.listeningUrl;
  }

  /** The listener served on the web port: the first whose default action forwards to a group. */
  private get served(): Listener | undefined {
    return this.balancer?.listeners.find(
      (l) => l.targetGroupArn !== undefined && this.groups.has(l.targetGroupArn),
    );
  }

  /** Whether the assembly has a load balancer with a listener that forwards somewhere. */
  get hasListener(): boolean {
    return this.served !== undefined;
  }

  async start(): Promise<void> {
    const group = this.groupOf(this.served);
    if (group) {
      // Targets start healthy only once a first check passes, as a newly registered target does.
      await this.checkGroup(group);
      const timer = setInterval(() => void this.checkGroup(group), group.healthCheckIntervalMs);
      timer.unref();
      this.timers.push(timer);
    }
    const server = createServer((req, res) => this.forward(req, res));
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.forwardUpgrade(req, socket, head),
    );
    this.listeningUrl = await listenOnLoopback(server, this.options.port);
    this.server = server;
  }

  async stop(): Promise<void> {
    for (const timer of this.timers.splice(0)) clearInterval(timer);
    this.agent.destroy();
    for (const socket of this.upgraded) socket.destroy();
    this.upgraded.clear();
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await closeServer(server);
  }

  describe(): ServiceDescription {
    const balancer = this.balancer;
    if (!balancer) return { name: 'ALB', resources: [] };
    const served = this.served;
    return {
      name: 'ALB',
      resources: [
        {
          logicalId: balancer.logicalId,
          type: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
          ...(this.listeningUrl ? { url: this.listeningUrl } : {}),
          detail: balancer.fullName,
        },
        ...balancer.listeners.map((listener) => ({
          logicalId: listener.logicalId,
          type: 'AWS::ElasticLoadBalancingV2::Listener',
          ...(listener === served && this.listeningUrl ? { url: this.listeningUrl } : {}),
          detail:
            listener === served
              ? `${listener.protocol} ${listener.port} → served locally over HTTP on ${this.listeningUrl ?? 'the web port'}`
              : `${listener.protocol} ${listener.port} (${listener.action}): not served locally, the web port serves the forwarding listener`,
        })),
        ...[...this.groups.values()].map((group) => ({
          logicalId: group.logicalId,
          type: 'AWS::ElasticLoadBalancingV2::TargetGroup',
          detail: `health check ${group.healthCheckPath} every ${group.healthCheckIntervalMs / 1000}s; targets: ${
            this.options
              .targets(group.arn)
              .map((t) => `${t.url} ${this.health.get(t.url)?.state ?? 'initial'}`)
              .join(', ') || 'none registered'
          }`,
        })),
      ],
    };
  }

  /** Each target of the served group with its health, for the console and tests. */
  targetHealth(): Array<{ url: string; state: string; reason?: string }> {
    const group = this.groupOf(this.served);
    if (!group) return [];
    return this.options.targets(group.arn).map((t) => {
      const health = this.health.get(t.url);
      return {
        url: t.url,
        state: health?.state ?? 'initial',
        ...(health?.reason ? { reason: health.reason } : {}),
      };
    });
  }

  private groupOf(listener: Listener | undefined): TargetGroup | undefined {
    return listener?.targetGroupArn === undefined ? undefined : this.groups.get(listener.targetGroupArn);
  }

  /**
   * Forwards one request to a healthy target (round robin). With no target registered the answer
   * is 503; with targets but none healthy, ALB fails open and tries them all the same.
   */
  private forward(req: IncomingMessage, res: ServerResponse): void {
    const group = this.groupOf(this.served);
    const received = process.hrtime.bigint();
    const targets = group ? this.options.targets(group.arn) : [];
    if (!group || targets.length === 0) {
      this.recordRequest(group, { elbStatus: 503 });
      req.resume();
      res.writeHead(503, { 'content-type': 'text/html' }).end('<h1>503 Service Temporarily Unavailable</h1>');
      return;
    }
    const target = this.pick(targets);
    const upstream = request(
      new URL(req.url ?? '/', target.url),
      {
        method: req.method,
        agent: this.agent,
        timeout: IDLE_TIMEOUT_MS,
        headers: this.forwardedHeaders(req),
      },
      (response) => {
        const seconds = Number(process.hrtime.bigint() - received) / 1e9;
        this.recordRequest(group, { targetStatus: response.statusCode ?? 502, responseTime: seconds });
        res.writeHead(response.statusCode ?? 502, response.headers);
        response.pipe(res);
      },
    );
    const fail = (status: 502 | 504) => {
      this.recordRequest(group, { elbStatus: status });
      if (!res.headersSent) res.writeHead(status, { 'content-type': 'text/html' }).end(`<h1>${status}</h1>`);
      else res.destroy();
    };
    upstream.on('timeout', () => {
      upstream.destroy();
      fail(504);
    });
    upstream.on('error', () => fail(502));
    req.pipe(upstream);
  }

  /**
   * A WebSocket upgrade, forwarded to a target as ALB forwards one; once the target switches
   * protocols the two connections are joined (a dev server's hot-reload channel goes this way).
   */
  private forwardUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const group = this.groupOf(this.served);
    const targets = group ? this.options.targets(group.arn) : [];
    socket.on('error', () => socket.destroy());
    if (!group || targets.length === 0) {
      this.recordRequest(group, { elbStatus: 503 });
      socket.end('HTTP/1.1 503 Service Unavailable\r\nconnection: close\r\n\r\n');
      return;
    }
    const upstream = request(new URL(req.url ?? '/', this.pick(targets).url), {
      method: req.method,
      headers: this.forwardedHeaders(req),
    });
    upstream.on('upgrade', (response, target, targetHead) => {
      this.recordRequest(group, { targetStatus: 101, responseTime: 0 });
      const lines = [];
      for (let i = 0; i < response.rawHeaders.length; i += 2)
        lines.push(`${response.rawHeaders[i]}: ${response.rawHeaders[i + 1]}`);
      socket.write(`HTTP/1.1 101 Switching Protocols\r\n${lines.join('\r\n')}\r\n\r\n`);
      if (targetHead.length > 0) socket.write(targetHead);
      if (head.length > 0) target.write(head);
      this.upgraded.add(socket);
      target.on('error', () => socket.destroy());
      socket.on('close', () => {
        this.upgraded.delete(socket);
        target.destroy();
      });
      target.pipe(socket).pipe(target);
    });
    upstream.on('response', (response) => {
      this.recordRequest(group, { targetStatus: response.statusCode ?? 502, responseTime: 0 });
      socket.end(`HTTP/1.1 ${response.statusCode} ${response.statusMessage}\r\nconnection: close\r\n\r\n`);
      response.resume();
    });
    upstream.on('error', () => {
      this.recordRequest(group, { elbStatus: 502 });
      socket.end('HTTP/1.1 502 Bad Gateway\r\nconnection: close\r\n\r\n');
    });
    upstream.end();
  }

  /** A healthy target, round robin; with none healthy ALB fails open and tries them all. */
  private pick(targets: readonly Target[]): Target {
    const healthy = targets.filter((t) => this.health.get(t.url)?.state === 'healthy');
    const pool = healthy.length > 0 ? healthy : targets;
    return pool[this.next++ % pool.length] as Target;
  }

  /** The request's headers with the ones ALB adds. */
  private forwardedHeaders(req: IncomingMessage): Record<string, string | string[] | undefined> {
    const forwardedFor = [req.headers['x-forwarded-for'], req.socket.remoteAddress]
      .filter(Boolean)
      .join(', ');
    return {
      ...req.headers,
      'x-forwarded-for': forwardedFor,
      'x-forwarded-proto': 'http',
      'x-forwarded-port': String(new URL(this.listeningUrl ?? 'http://127.0.0.1').port),
      'x-amzn-trace-id': `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`,
    };
  }

  private recordRequest(
    group: TargetGroup | undefined,
    outcome: { targetStatus?: number; responseTime?: number; elbStatus?: number },
  ): void {
    const balancer = this.balancer;
    if (!balancer) return;
    const dimensionSets: Array<Record<string, string>> = [
      { LoadBalancer: balancer.fullName },
      ...(group ? [{ LoadBalancer: balancer.fullName, TargetGroup: group.fullName }] : []),
    ];
    const record = (name: string, value: number, sets = dimensionSets) => {
      for (const dimensions of sets)
        this.options.metrics.record('AWS/ApplicationELB', name, dimensions, value);
    };
    record('RequestCount', 1);
    if (outcome.targetStatus !== undefined) {
      record(`HTTPCode_Target_${Math.floor(outcome.targetStatus / 100)}XX_Count`, 1);
      record('TargetResponseTime', outcome.responseTime ?? 0);
    }
    if (outcome.elbStatus !== undefined) record('HTTPCode_ELB_5XX_Count', 1, dimensionSets.slice(0, 1));
  }

  /** Checks every target of a group once and records the group's healthy and unhealthy counts. */
  private async checkGroup(group: TargetGroup): Promise<void> {
    const targets = this.options.targets(group.arn);
    await Promise.all(targets.map((target) => this.checkTarget(group, target)));
    const healthy = targets.filter((t) => this.health.get(t.url)?.state === 'healthy').length;
    const balancer = this.balancer;
    if (!balancer) return;
    const dimensions = { LoadBalancer: balancer.fullName, TargetGroup: group.fullName };
    this.options.metrics.record('AWS/ApplicationELB', 'HealthyHostCount', dimensions, healthy);
    this.options.metrics.record(
      'AWS/ApplicationELB',
      'UnHealthyHostCount',
      dimensions,
      targets.length - healthy,
    );
  }

  private async checkTarget(group: TargetGroup, target: Target): Promise<void> {
    let passed = false;
    let reason: string | undefined;
    try {
      const response = await fetch(new URL(group.healthCheckPath, target.url), {
        signal: AbortSignal.timeout(group.healthCheckTimeoutMs),
      });
      await response.arrayBuffer();
      passed = group.healthyCodes(response.status);
      if (!passed) reason = `Health checks failed with these codes: [${response.status}]`;
    } catch (err) {
      reason = `Request timed out or failed: ${(err as Error).message}`;
    }
    const health = this.health.get(target.url);
    if (!health) {
      // A new target: one passing check makes it healthy; otherwise it starts unhealthy.
      this.health.set(target.url, {
        state: passed ? 'healthy' : 'unhealthy',
        streak: 0,
        ...(reason ? { reason } : {}),
      });
      return;
    }
    const agrees = (health.state === 'healthy') === passed;
    health.streak = agrees ? 0 : health.streak + 1;
    const threshold = health.state === 'healthy' ? group.unhealthyThreshold : group.healthyThreshold;
    if (health.streak < threshold) return;
    health.state = passed ? 'healthy' : 'unhealthy';
    health.streak = 0;
    health.reason = reason;
    this.options.log(`[ALB] target ${target.url} is ${health.state}${reason ? `: ${reason}` : ''}`);
  }

  private targetGroupOf(resource: AssemblyResource): TargetGroup {
    const get = (property: string) => this.options.ids.resolve(resource, property);
    const arn = this.options.ids.ref(resource.stack, resource.logicalId) ?? resource.logicalId;
    const fullName = this.options.ids
      .context(resource.stack)
      .getAtt(resource.logicalId, 'TargetGroupFullName');
    const matcher = (get('Matcher') ?? {}) as { HttpCode?: string };
    return {
      logicalId: resource.logicalId,
      arn,
      fullName: fullName ?? arn,
      healthCheckPath: String(get('HealthCheckPath') ?? '/'),
      healthCheckIntervalMs: Number(get('HealthCheckIntervalSeconds') ?? 30) * 1000,
      healthCheckTimeoutMs: Number(get('HealthCheckTimeoutSeconds') ?? 5) * 1000,
      healthyCodes: statusMatcher(matcher.HttpCode ?? '200'),
      healthyThreshold: Number(get('HealthyThresholdCount') ?? 5),
      unhealthyThreshold: Number(get('UnhealthyThresholdCount') ?? 2),
    };
  }

  private loadBalancerOf(resource: AssemblyResource): LoadBalancer {
    const ids = this.options.ids;
    const arn = ids.ref(resource.stack, resource.logicalId);
    const listeners = resourcesOf(ids.source, 'AWS::ElasticLoadBalancingV2::Listener')
      .filter((listener) => ids.resolve(listener, 'LoadBalancerArn') === arn)
      .map((listener) => {
        const [action] = (ids.resolve(listener, 'DefaultActions') ?? []) as Array<{
          Type?: string;
          TargetGroupArn?: string;
        }>;
        return {
          logicalId: listener.logicalId,
          port: Number(ids.resolve(listener, 'Port') ?? 80),
          protocol: String(ids.resolve(listener, 'Protocol') ?? 'HTTP'),
          action: String(action?.Type ?? 'none'),
          ...(action?.Type === 'forward' && action.TargetGroupArn
            ? { targetGroupArn: action.TargetGroupArn }
            : {}),
        };
      });
    return {
      logicalId: resource.logicalId,
      fullName:
        ids.context(resource.stack).getAtt(resource.logicalId, 'LoadBalancerFullName') ?? resource.logicalId,
      listeners,
    };
  }
}

/** ALB's `Matcher.HttpCode`: `200`, `200,202`, `200-299`. */
export function statusMatcher(spec: string): (status: number) => boolean {
  const parts = spec.split(',').map((part) => part.trim().split('-').map(Number));
  return (status) => parts.some(([from = Number.NaN, to = from]) => status >= from && status <= to);
}
