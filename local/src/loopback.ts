/**
 * Every local service listens on 127.0.0.1 only and stops the same way; this is that one piece.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LocalService, ServiceDescription } from './service.js';

/** Listens on 127.0.0.1 (port 0 = ephemeral); resolves with the base URL, rejects with the listen error. */
export async function listenOnLoopback(server: Server, port: number): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Stops accepting connections, drops open keep-alive ones, and resolves once the server is closed. */
export async function closeServer(server: Server): Promise<void> {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** What a service does with a request; a rejection becomes its `internalError` answer. */
export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/**
 * The HTTP server of one local service: listens on 127.0.0.1 only, answers a handler's failure
 * with the service's own 500 (in its protocol) instead of a dropped connection, and stops by
 * closing every connection, keep-alive ones included.
 */
export class LoopbackServer {
  private server: Server | undefined;
  private listeningUrl: string | undefined;

  /**
   * @param handle the service's request handler
   * @param internalError answers a request whose handler failed (headers not yet sent)
   */
  constructor(
    private readonly handle: RequestHandler,
    private readonly internalError: (res: ServerResponse, err: unknown, req: IncomingMessage) => void,
  ) {}

  /** `http://127.0.0.1:<port>` once started. */
  get url(): string | undefined {
    return this.listeningUrl;
  }

  /** The port listened on, once started. */
  get port(): number {
    return this.listeningUrl === undefined ? 0 : Number(new URL(this.listeningUrl).port);
  }

  /** Listens on `port` (0 = ephemeral); resolves with the URL, rejects with the listen error. */
  async start(port: number): Promise<string> {
    if (this.listeningUrl !== undefined) return this.listeningUrl;
    const server = createServer((req, res) => {
      Promise.resolve()
        .then(() => this.handle(req, res))
        .catch((err: unknown) => {
          if (res.headersSent) res.destroy();
          else this.internalError(res, err, req);
        });
    });
    this.listeningUrl = await listenOnLoopback(server, port);
    this.server = server;
    return this.listeningUrl;
  }

  /** Safe to call twice. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.listeningUrl = undefined;
    if (server) await closeServer(server);
  }
}

/**
 * Whether a request was addressed to this server by a loopback name (`127.0.0.1`, `localhost`,
 * `[::1]`) and its own port. A page on another site that rebinds its DNS name to 127.0.0.1 still
 * sends its own name as Host, so this refuses it (DNS rebinding).
 */
export function addressedToLoopback(host: string | undefined, port: number): boolean {
  if (host === undefined) return false;
  const match = /^(127\.0\.0\.1|localhost|\[::1\]):(\d+)$/i.exec(host);
  return match !== null && Number(match[2]) === port;
}

/**
 * A local service that is one loopback HTTP server: it starts by listening on its port, stops by
 * closing every connection, and its endpoint is the server's URL. A subclass answers requests,
 * answers a request whose handler failed in its own protocol, and describes itself.
 */
export abstract class LoopbackService implements LocalService {
  protected readonly server = new LoopbackServer(
    (req, res) => this.handle(req, res),
    (res, err, req) => this.internalError(res, err, req),
  );

  /** @param port the port to listen on (0 = ephemeral) */
  constructor(private readonly port: number) {}

  get endpoint(): string | undefined {
    return this.server.url;
  }

  async start(): Promise<void> {
    await this.server.start(this.port);
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  abstract describe(): ServiceDescription;

  /** Answers one request; a rejection becomes `internalError`'s answer. */
  protected abstract handle(req: IncomingMessage, res: ServerResponse): void | Promise<void>;

  /** Answers a request whose handler failed (headers not yet sent), in the service's protocol. */
  protected abstract internalError(res: ServerResponse, err: unknown, req: IncomingMessage): void;
}
