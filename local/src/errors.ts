/**
 * A mistake or situation the user can fix (port in use, corrupt data folder, unknown flag). The
 * CLI prints its message as one line, without a stack trace.
 */
export class LocalCloudError extends Error {
  override readonly name = 'LocalCloudError';
}

/** The one-line message for a failed `listen`, naming the port and the flag that changes it. */
export function listenError(
  service: string,
  port: number,
  flag: string,
  err: NodeJS.ErrnoException,
): LocalCloudError {
  if (err.code === 'EADDRINUSE') {
    return new LocalCloudError(
      `${service} cannot listen on 127.0.0.1:${port}: the port is already in use (choose another with ${flag} <port>).`,
    );
  }
  return new LocalCloudError(`${service} cannot listen on 127.0.0.1:${port}: ${err.message}`);
}
