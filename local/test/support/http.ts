/** Raw requests for what fetch will not send: a Host header of the test's choosing. */
import { type IncomingHttpHeaders, request } from 'node:http';

/** What a GET answered. */
export interface RawResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/**
 * A GET of `path` from the server at `base`, sent to 127.0.0.1 with `host` as the Host header: how
 * a page of another site that rebinds its DNS name to 127.0.0.1 reaches a local server.
 */
export function getWithHost(base: string, path: string, host: string): Promise<RawResponse> {
  const { port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.once('error', reject).end();
  });
}
