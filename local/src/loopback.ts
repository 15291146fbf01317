/**
 * Every local service listens on 127.0.0.1 only and stops the same way; this is that one piece.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

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
