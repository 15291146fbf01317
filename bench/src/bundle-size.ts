/**
 * Bundle size per function: the asset's code (what Lambda loads), raw and gzip.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { FunctionAsset } from './assembly.js';
import type { Row } from './report.js';
import { bytesByPackage, type SourceMapV3 } from './source-map.js';

const AREA = 'bundle size';

/** Code files of an asset folder (source maps and licence texts are not loaded). */
function codeFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => join(dir, f))
    .filter((f) => /\.(mjs|cjs|js|json)$/.test(f) && statSync(f).isFile());
}

/**
 * Packages the bundle imports instead of containing (esbuild `externalModules`): not in
 * its size, loaded at cold start from the runtime (here: the repository's node_modules).
 */
export function externalPackages(code: string): string[] {
  const found = new Set<string>();
  // Only specifiers shaped like package names: bundled prose ("restore from `…`") is not one.
  for (const match of code.matchAll(
    /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*)["']((?:@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*(?:\/[\w.-]+)*|node:[\w/]+)["']/g,
  )) {
    const specifier = match[1] as string;
    if (specifier.startsWith('node:')) continue;
    const parts = specifier.split('/');
    found.add(specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string));
  }
  return [...found].sort();
}

function bundleNote(
  minified: boolean,
  largest: string | undefined,
  externals: readonly string[],
): { note?: string } {
  const parts = [
    ...(largest ? [`largest: ${largest}`] : []),
    ...(externals.length > 0 ? [`not bundled (loaded from the runtime): ${externals.join(', ')}`] : []),
    ...(minified ? [] : ['the bundle does not look minified (short lines): esbuild `minify` is off']),
  ];
  return parts.length > 0 ? { note: parts.join('; ') } : {};
}

/** Heuristic: a minified bundle has long lines (esbuild `minify` writes few, very long ones). */
export function looksMinified(code: string): boolean {
  const lines = code.split('\n').filter((l) => l.length > 0);
  if (lines.length === 0) return true;
  return code.length / lines.length > 200;
}

/** The largest packages in the entry module, from its source map, e.g. `@smithy/core 131 KB`. */
function largestPackages(entry: string, count = 4): string | undefined {
  const mapFile = `${entry}.map`;
  if (!existsSync(mapFile)) return undefined;
  const map = JSON.parse(readFileSync(mapFile, 'utf8')) as SourceMapV3;
  const top = bytesByPackage(readFileSync(entry, 'utf8'), map).slice(0, count);
  return top.map((p) => `${p.name} ${Math.round(p.bytes / 1024)} KB`).join(', ');
}

export function measureBundleSizes(assets: readonly FunctionAsset[]): Row[] {
  return assets.flatMap((asset) => {
    const files = codeFiles(asset.dir);
    const code = Buffer.concat(files.map((f) => readFileSync(f)));
    const entryCode = readFileSync(asset.entry, 'utf8');
    const minified = looksMinified(entryCode);
    const rows: Row[] = [
      {
        area: AREA,
        metric: asset.routeId,
        value: code.length / 1000,
        unit: 'KB',
        budget: 'bundleKb',
        ...bundleNote(minified, largestPackages(asset.entry), externalPackages(entryCode)),
      },
      {
        area: AREA,
        metric: `${asset.routeId} (gzip)`,
        value: gzipSync(code, { level: 9 }).length / 1000,
        unit: 'KB',
      },
    ];
    return rows;
  });
}
