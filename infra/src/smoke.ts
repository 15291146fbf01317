/**
 * Post-deployment smoke checks: the same three probes run in the pipeline after every
 * stage deployment and from a laptop (`npm run smoke -- --stage dev`). Pure apart from
 * the injected `fetch` and `sleep`, so tests drive it against a local HTTP server.
 */
import { ROUTES, type Route } from '@tasktracker/api/routes';
import { WEB_HEALTH_PATH } from '@tasktracker/web/runtime-config';

/** Where the deployed stage answers. */
export interface SmokeTargets {
  /** Base URL of the web app behind the ALB, e.g. `https://tasks.example.com`. */
  readonly webUrl: string;
  /** Base URL of the REST API stage, e.g. `https://abc.execute-api.eu-west-1.amazonaws.com/prod/`. */
  readonly apiUrl: string;
}

/** Knobs for a run; the defaults suit a deployment that is still warming up. */
export interface SmokeOptions {
  /** Per-request timeout in milliseconds. @default 10_000 */
  readonly timeoutMs?: number;
  /** Attempts per check before it fails (first try included). @default 6 */
  readonly attempts?: number;
  /** Wait before the first retry; doubles per retry up to `maxBackoffMs`. @default 2_000 */
  readonly backoffMs?: number;
  /** Upper bound of one wait between retries. @default 20_000 */
  readonly maxBackoffMs?: number;
  /** HTTP client. @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** Waits between retries. @default a setTimeout-based sleep */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Progress lines (one per attempt that fails and per check that passes). @default no output */
  readonly log?: (line: string) => void;
}

/** One probe: a GET and what the response must look like. */
export interface SmokeCheck {
  /** Short name used in messages, e.g. `web /healthz`. */
  readonly name: string;
  readonly url: string;
  /** Returns why the response is wrong, or `undefined` when it passes. */
  readonly verify: (status: number, contentType: string, body: string) => string | undefined;
}

/** A check that still failed after its last attempt; `message` is one line for the user. */
export class SmokeCheckError extends Error {
  constructor(
    readonly check: string,
    readonly detail: string,
    readonly attempts: number,
  ) {
    super(`smoke check "${check}" failed after ${attempts} attempt(s): ${detail}`);
    this.name = 'SmokeCheckError';
  }
}

function requireRoute(what: string, predicate: (route: Route) => boolean): Route {
  const route = ROUTES.find(predicate);
  if (!route) throw new Error(`api ROUTES has no ${what}, which the smoke test probes`);
  return route;
}

const healthRoute = requireRoute('Health route', (route) => route.id === 'Health');
// Any authorized GET without a path parameter proves the authorizer is attached.
const guardedRoute = requireRoute(
  'authorized GET route without path parameters',
  (route) => route.authorized && route.method === 'GET' && !route.path.includes('{'),
);

/** Joins a base URL (with or without a stage path and trailing slash) and an absolute path. */
export function joinUrl(base: string, path: string): string {
  const url = new URL(base);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${path}`;
  return url.toString();
}

function expectStatus(expected: number, status: number): string | undefined {
  return status === expected ? undefined : `expected HTTP ${expected}, got HTTP ${status}`;
}

/** The three probes for a stage, in the order they run. */
export function smokeChecks(targets: SmokeTargets): SmokeCheck[] {
  return [
    {
      name: `web ${WEB_HEALTH_PATH}`,
      url: joinUrl(targets.webUrl, WEB_HEALTH_PATH),
      verify: (status) => expectStatus(200, status),
    },
    {
      name: `api ${healthRoute.path}`,
      url: joinUrl(targets.apiUrl, healthRoute.path),
      verify: (status, contentType, body) => {
        const wrongStatus = expectStatus(200, status);
        if (wrongStatus) return wrongStatus;
        if (!contentType.includes('json'))
          return `expected a JSON body, got content-type "${contentType || 'none'}"`;
        try {
          JSON.parse(body);
          return undefined;
        } catch {
          return `expected a JSON body, got unparseable text "${truncate(body)}"`;
        }
      },
    },
    {
      name: `api ${guardedRoute.method} ${guardedRoute.path} without a token`,
      url: joinUrl(targets.apiUrl, guardedRoute.path),
      verify: (status) => expectStatus(401, status),
    },
  ];
}

function truncate(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 80 ? `${line.slice(0, 77)}...` : line;
}

function describeFetchError(error: unknown, timeoutMs: number): string {
  if (error instanceof DOMException && error.name === 'TimeoutError') {
    return `no response within ${timeoutMs} ms`;
  }
  if (error instanceof Error) {
    // undici reports the useful part (ECONNREFUSED, ENOTFOUND, ...) in `cause`.
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return `request failed (${error.message}${cause})`;
  }
  return `request failed (${String(error)})`;
}

async function attemptOnce(
  check: SmokeCheck,
  fetcher: typeof fetch,
  timeoutMs: number,
): Promise<string | undefined> {
  try {
    const response = await fetcher(check.url, {
      method: 'GET',
      redirect: 'follow',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = await response.text();
    return check.verify(response.status, response.headers.get('content-type') ?? '', body);
  } catch (error) {
    return describeFetchError(error, timeoutMs);
  }
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs every check in order, retrying each with exponential backoff (bounded by `attempts`),
 * and throws a {@link SmokeCheckError} for the first check that never passes.
 * @returns the names of the checks that passed
 */
export async function runSmokeChecks(targets: SmokeTargets, options: SmokeOptions = {}): Promise<string[]> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const attempts = Math.max(1, options.attempts ?? 6);
  const maxBackoffMs = options.maxBackoffMs ?? 20_000;
  const fetcher = options.fetch ?? globalThis.fetch;
  const sleep = options.sleep ?? defaultSleep;
  const log = options.log ?? (() => {});
  const passed: string[] = [];

  for (const check of smokeChecks(targets)) {
    let backoffMs = options.backoffMs ?? 2_000;
    for (let attempt = 1; ; attempt++) {
      const failure = await attemptOnce(check, fetcher, timeoutMs);
      if (failure === undefined) {
        log(`ok   ${check.name} (${check.url})`);
        passed.push(check.name);
        break;
      }
      if (attempt >= attempts) throw new SmokeCheckError(check.name, `${failure} from ${check.url}`, attempt);
      log(`wait ${check.name}: ${failure}; retry ${attempt + 1}/${attempts} in ${backoffMs} ms`);
      await sleep(backoffMs);
      backoffMs = Math.min(backoffMs * 2, maxBackoffMs);
    }
  }
  return passed;
}

/** Output keys (CfnOutput ids) of a stage's stacks that the smoke test reads. */
export const STAGE_OUTPUT_KEYS = {
  webUrl: 'WebUrl',
  apiUrl: 'ApiUrl',
  alarmTopicArn: 'AlarmTopicArn',
} as const;

/** The parts of a CloudFormation DescribeStacks answer the smoke test reads. */
export interface DeployedStack {
  readonly StackName?: string;
  readonly Outputs?: readonly { readonly OutputKey?: string; readonly OutputValue?: string }[];
}

/**
 * Finds a stage's web and API URLs among deployed stacks (`TaskTracker-<stage>-*`).
 * Throws a one-line error naming the missing output.
 */
export function stageTargetsFromStacks(stage: string, stacks: readonly DeployedStack[]): SmokeTargets {
  const prefix = `TaskTracker-${stage}-`;
  const outputs = stageOutputs(stage, stacks);
  const read = (key: string): string => {
    const value = outputs.get(key);
    if (value) return value;
    throw new Error(
      `no stack named ${prefix}* has the output "${key}"; is stage "${stage}" deployed in this account and region?`,
    );
  };
  return { webUrl: read(STAGE_OUTPUT_KEYS.webUrl), apiUrl: read(STAGE_OUTPUT_KEYS.apiUrl) };
}

/**
 * The ARN of a stage's alarm topic, from its Monitoring stack's output; undefined when no stack
 * has it (a stage deployed before the output existed).
 */
export function stageAlarmTopicArn(stage: string, stacks: readonly DeployedStack[]): string | undefined {
  return stageOutputs(stage, stacks).get(STAGE_OUTPUT_KEYS.alarmTopicArn);
}

/** The outputs of a stage's stacks (`TaskTracker-<stage>-*`), by output key. */
function stageOutputs(stage: string, stacks: readonly DeployedStack[]): Map<string, string> {
  const prefix = `TaskTracker-${stage}-`;
  const outputs = new Map<string, string>();
  for (const stack of stacks) {
    if (!stack.StackName?.startsWith(prefix)) continue;
    for (const output of stack.Outputs ?? []) {
      if (output.OutputKey && output.OutputValue) outputs.set(output.OutputKey, output.OutputValue);
    }
  }
  return outputs;
}
