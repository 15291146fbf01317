/** Port checks for processes the local cloud does not listen for itself (the web container). */
import { createServer } from 'node:net';
import { listenError } from './errors.js';

/** Resolves when `port` is free on 127.0.0.1; otherwise a one-line error naming the flag. */
export function ensurePortFree(service: string, port: number, flag: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (err: NodeJS.ErrnoException) => reject(listenError(service, port, flag, err)));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}

/** A free ephemeral port on 127.0.0.1 (for a process that needs a number up front). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
