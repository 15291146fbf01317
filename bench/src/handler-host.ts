/**
 * Invokes bundled handlers outside Lambda: in this process (for seeding and capacity
 * accounting) or in a fresh Node process each time (the cold-start proxy).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { FunctionAsset } from './assembly.js';

export type ApiHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

const FRESH_INVOKE = fileURLToPath(new URL('./fresh-invoke.mjs', import.meta.url));

let instance = 0;

/**
 * Imports a fresh instance of the asset's module with `env` applied to process.env first
 * (handlers read their environment when the module loads).
 */
export async function loadInProcess(
  asset: FunctionAsset,
  env: Readonly<Record<string, string>>,
): Promise<ApiHandler> {
  Object.assign(process.env, env);
  const url = `${pathToFileURL(asset.entry).href}?bench=${++instance}`;
  const mod = (await import(url)) as Record<string, unknown>;
  const handler = mod[asset.exportName];
  if (typeof handler !== 'function') {
    throw new Error(`${asset.routeId}: ${asset.entry} does not export a function '${asset.exportName}'`);
  }
  return handler as ApiHandler;
}

export interface FreshRun {
  /** Spawn to exit, as the parent sees it. */
  readonly wallMs: number;
  /** Import of the module, inside the child. */
  readonly loadMs: number;
  /** The one invocation, inside the child. */
  readonly invokeMs: number;
  /** CPU time (user + system) of the import: the part a smaller CPU share would stretch. */
  readonly loadCpuMs: number;
  /** CPU time of the invocation. */
  readonly invokeCpuMs: number;
  /** Peak resident memory of the child process itself (VmHWM); null without Linux's /proc. */
  readonly peakRssMb: number | null;
  readonly statusCode: number | null;
}

/** Runs `node fresh-invoke.mjs` for the module and event; rejects when the child fails. */
export function invokeFresh(
  entry: string,
  exportName: string,
  functionName: string,
  event: unknown,
  env: Readonly<Record<string, string>>,
): Promise<FreshRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [FRESH_INVOKE], {
      env: {
        PATH: process.env.PATH ?? '',
        ...env,
        BENCH_MODULE: entry,
        BENCH_EXPORT: exportName,
        BENCH_FUNCTION: functionName,
        BENCH_EVENT: JSON.stringify(event),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString('utf8');
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const wallMs = performance.now() - started;
      const line = stdout.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
      if (code !== 0 || line === undefined) {
        const why = stderr.trim().split('\n').filter(Boolean).slice(-1)[0] ?? `exit code ${code}`;
        reject(new Error(`${functionName}: fresh invocation failed: ${why}`));
        return;
      }
      const result = JSON.parse(line.slice('BENCH_RESULT '.length)) as Omit<FreshRun, 'wallMs'>;
      resolve({ wallMs, ...result });
    });
  });
}
