/**
 * The console's browser code and styles, served from the console itself: the page works offline
 * and under `script-src 'self'` (no CDN, no inline script). The client (`client/main.ts`, with
 * uPlot) is bundled by esbuild on first request and kept in memory for the cloud's lifetime.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** One served file. */
export interface Asset {
  readonly contentType: string;
  readonly body: string;
}

const CLIENT_ENTRY = fileURLToPath(new URL('./client/main.ts', import.meta.url));
const CLIENT_STYLES = fileURLToPath(new URL('./client/console.css', import.meta.url));

/** A cloud, drawn in the console's colours: browsers ask for an icon, and a 404 is a console error. */
const FAVICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#111827"/><path d="M4 11h8a2.5 2.5 0 0 0 0-5 3.5 3.5 0 0 0-6.8 1A2 2 0 0 0 4 11z" fill="#fbbf24"/></svg>';

/** The console's assets by URL path; each is built once, on first use. */
export class ConsoleAssets {
  private readonly built = new Map<string, Promise<Asset>>();
  private readonly sources: ReadonlyMap<string, () => Promise<Asset>> = new Map([
    ['/assets/console.js', bundleClient],
    ['/assets/console.css', styles],
    ['/favicon.svg', async () => ({ contentType: 'image/svg+xml', body: FAVICON })],
  ]);

  /** The asset at `path`, or undefined when there is none. */
  get(path: string): Promise<Asset> | undefined {
    const source = this.sources.get(path);
    if (!source) return undefined;
    let asset = this.built.get(path);
    if (!asset) {
      asset = source();
      // A failed build is retried on the next request rather than cached.
      asset.catch(() => this.built.delete(path));
      this.built.set(path, asset);
    }
    return asset;
  }
}

async function bundleClient(): Promise<Asset> {
  const result = await build({
    entryPoints: [CLIENT_ENTRY],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    write: false,
    legalComments: 'none',
    logLevel: 'silent',
  });
  return {
    contentType: 'text/javascript; charset=utf-8',
    body: result.outputFiles.map((file) => file.text).join('\n'),
  };
}

async function styles(): Promise<Asset> {
  const uplotCss = createRequire(import.meta.url).resolve('uplot/dist/uPlot.min.css');
  const [library, own] = await Promise.all([readFile(uplotCss, 'utf8'), readFile(CLIENT_STYLES, 'utf8')]);
  return { contentType: 'text/css; charset=utf-8', body: `${library}\n${own}` };
}
