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
  /** Synthesizes the app's stage into `outdir`. Absent: the cloud needs `--assembly`. */
  readonly synthesize?: (options: {
    stage: string;
    outdir: string;
  }) => CloudAssembly | Promise<CloudAssembly>;
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
}

/** The metadata key a container's Dockerfile is read from when the profile names none. */
export const DEFAULT_CONTAINER_METADATA_KEY = 'local-cloud:container';

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
  const key = (profile as Record<string, unknown>).containerMetadataKey;
  if (key !== undefined && typeof key !== 'string')
    throw new LocalCloudError(`${file}: profile.containerMetadataKey must be a string.`);
  const gameDay = (profile as Record<string, unknown>).gameDay;
  if (gameDay !== undefined) checkGameDay(file, gameDay);
  return profile as AppProfile;
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
