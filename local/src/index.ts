/**
 * The local cloud: synthesizes the CDK app in process, reads the stage's cloud assembly and
 * stands up a local equivalent of each emulated resource. Tests, e2e and bench start it here.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type LocalAssembly, REPO_ROOT, resourcesOf, synthesizeStage } from './assembly/index.js';
import { LocalCloudError, listenError } from './errors.js';
import { PhysicalIds } from './intrinsics/physical-ids.js';
import { ensurePortFree, freePort } from './ports.js';
import type { LocalService, ServiceDescription } from './service.js';
import { LocalApiGateway } from './services/apigateway/index.js';
import { type AlarmNotification, LocalCloudWatch } from './services/cloudwatch/index.js';
import { LocalCognito } from './services/cognito/index.js';
import { LocalDynamoDb } from './services/dynamodb/index.js';
import { LocalEcs } from './services/ecs/index.js';
import { LocalLambda } from './services/lambda/index.js';
import { readUserPools } from './user-pools.js';

export { LocalCloudError } from './errors.js';
export type { ServiceDescription } from './service.js';

export interface LocalCloudOptions {
  /** The stage to run. @default 'dev' */
  stage?: string;
  /** Where data persists between runs. @default `<repo>/.local-cloud` */
  dataDir?: string;
  /** Keep everything in memory: a throwaway run. */
  inMemory?: boolean;
  /** 0 = an ephemeral port. @default api 3000, web 8080, cognito 9229, dynamodb 8000 */
  ports?: { api?: number; web?: number; cognito?: number; dynamodb?: number };
  log?: (line: string) => void;
  /** An already-read assembly instead of synthesizing the task tracker's app (tests). */
  assembly?: LocalAssembly;
  /** Whether to run the web container. @default true */
  web?: boolean;
  /** The local Cognito's clock (epoch ms); tests move it to issue expired tokens. @default Date.now */
  cognitoClock?: () => number;
  /** Scales alarm periods down locally (0.01: a 60 s period lasts 0.6 s). @default 1 */
  alarmPeriodScale?: number;
}

export interface LocalCloud {
  readonly urls: {
    web: string;
    api: string /* stage base URL ending with '/' */;
    cognito: string;
    dynamodb: string;
  };
  readonly userPool: { id: string; clientId: string; region: string };
  confirmationCodes(): ReadonlyArray<{ username: string; code: string }>;
  describe(): readonly ServiceDescription[];
  notEmulated(): ReadonlyArray<{ logicalId: string; type: string }>;
  /** Alarm state changes published to SNS topics so far. */
  notifications(): readonly AlarmNotification[];
  /** Start-up time in milliseconds, synth included. */
  readonly startupMs: number;
  stop(): Promise<void>;
}

export const DEFAULT_PORTS = { api: 3000, web: 8080, cognito: 9229, dynamodb: 8000 } as const;

/** Resource types the local cloud stands up (or folds into what it stands up). */
const EMULATED_TYPES = new Set([
  'AWS::DynamoDB::Table',
  'AWS::DynamoDB::GlobalTable',
  'AWS::Cognito::UserPool',
  'AWS::Cognito::UserPoolClient',
  'AWS::Lambda::Function',
  'AWS::ApiGateway::RestApi',
  'AWS::ApiGateway::Resource',
  'AWS::ApiGateway::Method',
  'AWS::ApiGateway::Authorizer',
  'AWS::ApiGateway::Stage',
  'AWS::ApiGateway::Deployment',
  'AWS::ApiGateway::GatewayResponse',
  'AWS::ApiGateway::RequestValidator',
  'AWS::ApiGateway::Model',
  'AWS::CloudWatch::Alarm',
  'AWS::Logs::MetricFilter',
  'AWS::SNS::Topic',
  'AWS::CDK::Metadata',
]);

export async function startLocalCloud(options: LocalCloudOptions = {}): Promise<LocalCloud> {
  const started = Date.now();
  const log = options.log ?? ((line: string) => console.log(line));
  const stage = options.stage ?? 'dev';
  const dataDir = options.inMemory ? undefined : (options.dataDir ?? join(REPO_ROOT, '.local-cloud'));
  const ports = { ...DEFAULT_PORTS, ...options.ports };
  if (dataDir !== undefined && existsSync(dataDir) && !statSync(dataDir).isDirectory())
    throw new LocalCloudError(
      `The data folder ${dataDir} is a file; choose a folder with --data-dir <path>.`,
    );
  // Assets import the SDK from the repo's node_modules (as Lambda's runtime provides it), so
  // cdk.out stays inside the repo; a throwaway run gets its own folder, removed at stop.
  const outdir = options.inMemory
    ? mkdtempSync(
        join(removeOrphanedOutdirs(mkdirOnce(join(REPO_ROOT, '.local-cloud'))), `tmp-${process.pid}-`),
      )
    : join(REPO_ROOT, '.local-cloud', `cdk.out-${stage}`);
  const running: LocalService[] = [];
  const cleanup = async () => {
    for (const service of running.reverse()) await service.stop();
    if (options.inMemory) rmSync(outdir, { recursive: true, force: true });
  };
  try {
    const assembly = options.assembly ?? (await synthesizeStage(stage, outdir));
    const ids = new PhysicalIds(assembly);
    const start = async <T extends LocalService>(service: T): Promise<T> => {
      await service.start();
      running.push(service);
      return service;
    };

    const cloudwatch = new LocalCloudWatch({
      ids,
      ...(dataDir ? { dataDir } : {}),
      log,
      periodScale: options.alarmPeriodScale ?? 1,
    });
    const dynamodb = await start(
      new LocalDynamoDb({ ids, port: ports.dynamodb, ...(dataDir ? { dataDir } : {}), log }),
    );
    const cognito = new LocalCognito({
      host: '127.0.0.1',
      port: ports.cognito,
      ...(dataDir ? { dataDir } : {}),
      region: assembly.region,
      log,
      ...(options.cognitoClock ? { clock: options.cognitoClock } : {}),
    });
    await start(cognito).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') throw listenError('Cognito', ports.cognito, '--cognito-port', err);
      throw err instanceof LocalCloudError ? err : new LocalCloudError(err.message);
    });
    const clientIdsByPool = new Map<string, string[]>();
    const pools = [];
    for (const pool of readUserPools(ids)) {
      const ensured = await cognito.ensureUserPool(pool.spec);
      const { region } = pool.resource.stack;
      ids.set(pool.resource.stack, pool.resource.logicalId, ensured.userPoolId, {
        Arn: `arn:aws:cognito-idp:${region}:${'000000000000'}:userpool/${ensured.userPoolId}`,
        ProviderName: `cognito-idp.${region}.amazonaws.com/${ensured.userPoolId}`,
        ProviderURL: ensured.issuer,
        UserPoolId: ensured.userPoolId,
      });
      for (const client of pool.clientResources) {
        const clientId = ensured.clientIds[client.logicalId];
        if (clientId) ids.set(client.stack, client.logicalId, clientId, { ClientId: clientId });
      }
      clientIdsByPool.set(ensured.userPoolId, Object.values(ensured.clientIds));
      pools.push({ id: ensured.userPoolId, clientId: Object.values(ensured.clientIds)[0] ?? '' });
    }

    const lambda = await start(
      new LocalLambda({
        ids,
        overrides: { DYNAMODB_ENDPOINT: dynamodb.url },
        metrics: cloudwatch.metrics,
        log,
      }),
    );
    const gateway = await start(
      new LocalApiGateway({
        ids,
        port: ports.api,
        pools: { clientIds: (id) => clientIdsByPool.get(id) ?? [], jwks: (id) => cognito.jwks(id) },
        invoke: (arn, event) => lambda.invoke(arn, event),
        metrics: cloudwatch.metrics,
        log,
        localRoutes: {
          alarms: () => ({ alarms: cloudwatch.alarmStates(), notifications: cloudwatch.notifications() }),
          codes: () => cognito.confirmationCodes(),
        },
      }),
    );
    const firstApi = gateway.apis[0];
    const apiUrl = firstApi ? gateway.stageUrl(firstApi) : `${gateway.url}/`;
    let webUrl = '';
    if (options.web !== false) {
      const webPort = ports.web === 0 ? await freePort() : ports.web;
      const ecs = new LocalEcs({
        ids,
        port: webPort,
        rewrite: (value) => rewriteApiUrls(value, gateway),
        overrides: { COGNITO_ENDPOINT: cognito.url, AUTH_FLOW: 'USER_PASSWORD_AUTH' },
        log,
      });
      if (ecs.environment()) {
        await ensurePortFree('The web container', webPort, '--web-port');
        await start(ecs);
        webUrl = ecs.url ?? '';
      }
    }
    await start(cloudwatch);

    const services: LocalService[] = [
      dynamodb,
      cognito,
      lambda,
      gateway,
      ...running.filter((s) => s instanceof LocalEcs),
      cloudwatch,
    ];
    const notEmulated = resourcesOf(assembly)
      .filter((r) => !EMULATED_TYPES.has(r.type) && !(r.type === 'AWS::ECS::TaskDefinition' && webUrl))
      .map((r) => ({ logicalId: r.logicalId, type: r.type }));
    const region = assembly.region;
    const startupMs = Date.now() - started;
    return {
      urls: { web: webUrl, api: apiUrl, cognito: cognito.url, dynamodb: dynamodb.url },
      userPool: { id: pools[0]?.id ?? '', clientId: pools[0]?.clientId ?? '', region },
      confirmationCodes: () => cognito.confirmationCodes().map(({ username, code }) => ({ username, code })),
      describe: () => services.map((service) => service.describe()),
      notEmulated: () => notEmulated,
      notifications: () => cloudwatch.notifications(),
      startupMs,
      stop: cleanup,
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/** Removes the throwaway cdk.out folders of in-memory runs whose process is gone (killed hard). */
function removeOrphanedOutdirs(root: string): string {
  for (const name of readdirSync(root)) {
    const pid = Number(/^tmp-(\d+)-/.exec(name)?.[1]);
    if (pid && !processExists(pid)) rmSync(join(root, name), { recursive: true, force: true });
  }
  return root;
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function mkdirOnce(dir: string): string {
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** `https://<apiId>.execute-api.<region>.amazonaws.com/<stage>/…` → the local gateway's URL. */
export function rewriteApiUrls(value: string, gateway: LocalApiGateway): string {
  return value.replace(
    /https:\/\/([a-z0-9]+)\.execute-api\.[a-z0-9-]+\.amazonaws\.com\/([^/\s]+)/g,
    (match, apiId: string, stage: string) => {
      const api = gateway.apis.find((candidate) => candidate.apiId === apiId);
      return api ? `${gateway.url}/${stage}` : match;
    },
  );
}
