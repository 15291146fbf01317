/**
 * An app's local profile: what the local cloud needs to know about one CDK app that the
 * assembly does not say — how to synthesize it, and the variables its functions and containers
 * need to talk to local endpoints instead of AWS's. The core knows no app; the task tracker's
 * profile lives with its CDK app (`infra/local-cloud.profile.ts`).
 */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { LocalCloudError } from './errors.js';

/** What a profile's hooks may ask about the running cloud. */
export interface RunningCloud {
  /** The endpoint of a running service by module id (`cognito`, `apigateway`, …), if it runs. */
  endpoint(serviceId: string): string | undefined;
}

/** One request of the app's API, relative to the API's stage URL (`tasks?limit=100`). */
export interface GameDayRequest {
  readonly method: string;
  readonly path: string;
  /** The JSON body, built per request. */
  readonly body?: () => string;
}

/**
 * The app's real traffic for the game day (`npm run gameday`): what a signed-in user sends. The
 * DynamoDB scenarios repeat these to load the table through the app's own functions.
 */
export interface GameDayTraffic {
  /** The heaviest write one request makes (the largest item the API accepts). */
  readonly write: GameDayRequest;
  /** The heaviest read one request makes (the longest page of the largest items). */
  readonly read: GameDayRequest;
}

export interface AppProfile {
  /** The stages `synthesize` knows, so a wrong `--stage` is refused before the synth. */
  readonly stages?: readonly string[];
  /**
   * Synthesizes the app's stage into `outdir`. Absent: the cloud needs `--assembly`. With
   * `skipFunctionBundling` the local cloud bundles every function that carries handler metadata
   * itself (live reload), so the app may skip bundling them (CDK's `aws:cdk:bundling-stacks: []`).
   */
  readonly synthesize?: (options: SynthesizeOptions) => CloudAssembly | Promise<CloudAssembly>;
  /**
   * Metadata key on an `AWS::ECS::TaskDefinition` whose value `{ dockerfile, containerName }`
   * (dockerfile relative to the repository root) says which Dockerfile builds the container.
   * @default 'local-cloud:container'
   */
  readonly containerMetadataKey?: string;
  /** Variables added to every function's environment (after the template's). */
  readonly functionEnvironment?: (cloud: RunningCloud) => Record<string, string>;
  /** Variables added to every container's environment (after the task definition's). */
  readonly containerEnvironment?: (cloud: RunningCloud) => Record<string, string>;
  /** The app's traffic for the game day; without it the DynamoDB capacity and throttle scenarios are skipped. */
  readonly gameDay?: GameDayTraffic;
  /**
   * Metadata key on an `AWS::Lambda::Function` whose value `{ entry, bundling }` (entry relative
   * to the repository root, bundling as a `NodejsFunction` takes it) lets the local cloud rebuild
   * the function's bundle when its code changes. @default 'local-cloud:handler'
   */
  readonly handlerMetadataKey?: string;
  /** The web app's dev server, run in place of the web container while watching (HMR). */
  readonly devServer?: DevServer;
  /** A user `--demo` signs up and confirms in the first user pool, so the app can be tried at once. */
  readonly demoUser?: DemoUser;
}

export interface SynthesizeOptions {
  readonly stage: string;
  readonly outdir: string;
  /** The local cloud bundles functions with handler metadata itself: skipping theirs is allowed. */
  readonly skipFunctionBundling?: boolean;
}

/**
 * A dev server that stands in for the web container while the local cloud watches: it gets the
 * container's environment (so it serves the same runtime config) and the load balancer forwards
 * to it, WebSocket upgrades (HMR) included.
 */
export interface DevServer {
  /** Its folder, relative to the repository root; `node_modules/.bin` there and at the root are on PATH. */
  readonly directory: string;
  /** The command line, listening on 127.0.0.1:`port`. */
  readonly command: (port: number) => readonly string[];
  /** A path that answers 200 once it serves (the load balancer health-checks the group's own path). */
  readonly readyPath?: string;
}

/** The demo user's sign-in; the password must pass the pool's policy. */
export interface DemoUser {
  readonly email: string;
  readonly password: string;
}

/** The metadata key a container's Dockerfile is read from when the profile names none. */
export const DEFAULT_CONTAINER_METADATA_KEY = 'local-cloud:container';

/** The metadata key a function's handler entry and bundling are read from when the profile names none. */
export const DEFAULT_HANDLER_METADATA_KEY = 'local-cloud:handler';

/** A profile for an app the local cloud knows nothing about (only `--assembly` works). */
export const EMPTY_PROFILE: AppProfile = {};

/**
 * Loads a profile module (`export const profile: AppProfile`). The shape is checked at run time:
 * the module belongs to the app, and a typo there should read as a one-line error, not a crash.
 */
export async function loadProfile(file: string): Promise<AppProfile> {
  if (!existsSync(file)) throw new LocalCloudError(`The local profile ${file} does not exist.`);
  const loaded = (await import(pathToFileURL(file).href)) as { profile?: unknown };
  const profile = loaded.profile;
  if (typeof profile !== 'object' || profile === null)
    throw new LocalCloudError(`${file} does not export a profile object (export const profile = { … }).`);
  for (const hook of ['synthesize', 'functionEnvironment', 'containerEnvironment'] as const) {
    const value = (profile as Record<string, unknown>)[hook];
    if (value !== undefined && typeof value !== 'function')
      throw new LocalCloudError(`${file}: profile.${hook} must be a function.`);
  }
  const stages = (profile as Record<string, unknown>).stages;
  if (stages !== undefined && !(Array.isArray(stages) && stages.every((s) => typeof s === 'string')))
    throw new LocalCloudError(`${file}: profile.stages must be a list of stage names.`);
  for (const name of ['containerMetadataKey', 'handlerMetadataKey'] as const) {
    const key = (profile as Record<string, unknown>)[name];
    if (key !== undefined && typeof key !== 'string')
      throw new LocalCloudError(`${file}: profile.${name} must be a string.`);
  }
  checkDevServer(file, (profile as Record<string, unknown>).devServer);
  checkDemoUser(file, (profile as Record<string, unknown>).demoUser);
  const gameDay = (profile as Record<string, unknown>).gameDay;
  if (gameDay !== undefined) checkGameDay(file, gameDay);
  return profile as AppProfile;
}

function checkDevServer(file: string, devServer: unknown): void {
  if (devServer === undefined) return;
  const server = devServer as Record<string, unknown> | null;
  if (typeof server?.directory !== 'string' || typeof server.command !== 'function')
    throw new LocalCloudError(
      `${file}: profile.devServer must be { directory, command: (port) => argv, readyPath? }.`,
    );
  if (server.readyPath !== undefined && typeof server.readyPath !== 'string')
    throw new LocalCloudError(`${file}: profile.devServer.readyPath must be a path such as "/".`);
}

function checkDemoUser(file: string, demoUser: unknown): void {
  if (demoUser === undefined) return;
  const user = demoUser as Record<string, unknown> | null;
  if (typeof user?.email !== 'string' || typeof user.password !== 'string')
    throw new LocalCloudError(`${file}: profile.demoUser must be { email, password } (strings).`);
}

function checkGameDay(file: string, gameDay: unknown): void {
  for (const kind of ['write', 'read'] as const) {
    const request = (gameDay as Record<string, unknown> | null)?.[kind] as
      | Record<string, unknown>
      | undefined;
    if (typeof request?.method !== 'string' || typeof request.path !== 'string')
      throw new LocalCloudError(`${file}: profile.gameDay.${kind} must be { method, path, body? }.`);
    if (request.body !== undefined && typeof request.body !== 'function')
      throw new LocalCloudError(
        `${file}: profile.gameDay.${kind}.body must be a function returning the JSON body.`,
      );
  }
}
