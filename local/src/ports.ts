/** Port checks made before anything starts, so every conflict is told at once and early. */
import { createServer } from 'node:net';
import { LocalCloudError, listenError } from './errors.js';
import type { LocalService, ServiceModule } from './service.js';

/** Resolves when `port` is free on 127.0.0.1; otherwise a one-line error naming the flag. */
export function ensurePortFree(service: string, port: number, flag: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (err: NodeJS.ErrnoException) => reject(listenError(service, port, flag, err)));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}

/**
 * Probes every fixed port the modules will listen on (0 = ephemeral is skipped) and throws one
 * error listing every conflict with the flag that moves it.
 */
export async function checkPortsFree(
  modules: readonly ServiceModule<LocalService>[],
  ports: ReadonlyMap<string, number>,
): Promise<void> {
  const checks = modules.flatMap((module) => {
    const spec = module.port;
    const port = spec ? ports.get(spec.name) : undefined;
    if (!spec || !port) return [];
    return [
      ensurePortFree(module.name, port, `--${spec.name}-port`).then(
        () => undefined,
        () => `${module.name} on ${port} (--${spec.name}-port <port>)`,
      ),
    ];
  });
  const conflicts = (await Promise.all(checks)).filter((c): c is string => c !== undefined);
  if (conflicts.length === 0) return;
  throw new LocalCloudError(
    `${conflicts.length === 1 ? 'A port is' : 'Ports are'} already in use on 127.0.0.1: ${conflicts.join(', ')}. Stop what holds ${conflicts.length === 1 ? 'it' : 'them'}, or choose other ports (0 picks a free one).`,
  );
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
