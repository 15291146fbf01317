/**
 * The game day: runs in-memory local clouds whose alarm periods last a stated fraction of their
 * template time (the clock factor: 0.02 makes a 60 s period last 1.2 s), confirms the alarm
 * topic's e-mail subscription from the local mailbox as its owner would, and for each scenario
 * injects a real fault and follows the alarm's whole path — metric → ALARM → SNS → the
 * subscriber's mailbox → recovery → OK. It never writes a metric: at the end it checks that every
 * metric writer was handed to a service.
 *
 * Compressing time compresses rates with it: load of R units per wall second is R × clock units
 * per simulated second. So the scenarios whose alarm is a rate (capacity per second) or an
 * average over requests (latency) run in a second cloud with a slower clock, where the
 * machine's real load can cross the threshold; the others run fast, so the ECS alarms' 10
 * minutes pass in seconds. Both factors are printed with the results.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, readStageAssembly } from '../assembly/index.js';
import { type FaultRegistry, faultsService } from '../faults.js';
import { DEFAULT_PROFILE_FILE, type LocalCloud, type LocalCloudOptions, startLocalCloud } from '../index.js';
import { loadProfile } from '../profile.js';
import { portSpecs } from '../registry.js';
import { apigatewayService } from '../services/apigateway/module.js';
import type { AlarmDefinition, AlarmState, LocalCloudWatch } from '../services/cloudwatch/index.js';
import type { MetricStore, MetricWriter } from '../services/cloudwatch/metrics.js';
import { cloudwatchService } from '../services/cloudwatch/module.js';
import { localCognitoClient, signUpAndConfirm } from '../services/cognito/client.js';
import { cognitoService } from '../services/cognito/module.js';
import { signInWithSrp } from '../services/cognito/srp-client.js';
import { lambdaService } from '../services/lambda/module.js';
import type { LocalSns } from '../services/sns/index.js';
import { snsService } from '../services/sns/module.js';
import { type FunctionRoute, type GameDayContext, SCENARIOS, type Scenario } from './scenarios.js';

export { SCENARIOS } from './scenarios.js';

export interface GameDayOptions extends Pick<LocalCloudOptions, 'profile'> {
  /** @default 'prod' (the stage whose alarms page someone) */
  readonly stage?: string;
  /** The clock factor of the fast scenarios: alarm periods (and ECS sampling) last this fraction of their template time. */
  readonly clock: number;
  /** The clock factor of the throughput scenarios (capacity, latency). */
  readonly loadClock: number;
  /** Only the scenarios that need no sustained throughput (the `npm test` variant). */
  readonly quick?: boolean;
  readonly log?: (line: string) => void;
}

export interface ScenarioResult {
  readonly scenario: string;
  /** The clock factor it ran with. */
  readonly clock: number;
  readonly alarm: string;
  readonly target: string;
  readonly fault: string;
  /** From injecting the fault to the alarm's ALARM, in wall milliseconds. */
  readonly firedAfterMs?: number;
  /** Whether the subscriber's mailbox received the alarm's ALARM notification. */
  readonly notified: boolean;
  /** From clearing the fault to the alarm's OK, in wall milliseconds. */
  readonly recoveredAfterMs?: number;
  /** The load's answers by HTTP status (`{ "201": 580 }`). */
  readonly responses: Readonly<Record<string, number>>;
  /** Why the scenario failed, when it did. */
  readonly failure?: string;
}

export interface GameDayReport {
  readonly stage: string;
  readonly subscriber: string;
  readonly results: readonly ScenarioResult[];
  /** Metric writers not handed to a service: must be none. */
  readonly foreignWriters: readonly MetricWriter[];
  readonly wallMs: number;
}

/** Where the services that may record metrics live (relative to the repository). */
const SERVICES_DIR = 'local/src/services/';

/** The metric writers created anywhere but in a service: a harness writing metrics shows up here. */
export function foreignMetricWriters(store: MetricStore): MetricWriter[] {
  return store.writersList().filter((writer) => !writer.createdBy.startsWith(SERVICES_DIR));
}

export async function runGameDay(options: GameDayOptions): Promise<GameDayReport> {
  const started = Date.now();
  const stage = options.stage ?? 'prod';
  const log = options.log ?? (() => {});
  const profile = options.profile ?? (await loadProfile(DEFAULT_PROFILE_FILE));
  const scenarios = SCENARIOS.filter((s) => !options.quick || s.pace === 'fast');
  const phases = [
    { clock: options.clock, scenarios: scenarios.filter((s) => s.pace === 'fast') },
    { clock: options.loadClock, scenarios: scenarios.filter((s) => s.pace === 'load') },
  ].filter((phase) => phase.scenarios.length > 0);
  // One synth for every phase: the clouds differ only in their clock. Inside the repository, as
  // the local cloud's own synth: the functions' bundles load the SDK from its node_modules.
  mkdirSync(join(REPO_ROOT, '.local-cloud'), { recursive: true });
  const outdir = mkdtempSync(join(REPO_ROOT, '.local-cloud', `tmp-${process.pid}-`));
  try {
    if (!profile.synthesize) throw new Error('The app profile cannot synthesize the app.');
    const assembly = readStageAssembly(await profile.synthesize({ stage, outdir }), stage);
    const results: ScenarioResult[] = [];
    const foreignWriters: MetricWriter[] = [];
    let subscriber = '';
    for (const phase of phases) {
      log(`Clock factor ${phase.clock}: one simulated minute lasts ${(60 * phase.clock).toFixed(1)} s.`);
      const cloud = await startLocalCloud({
        stage,
        inMemory: true,
        ports: Object.fromEntries(portSpecs().map((p) => [p.name, 0])),
        alarmPeriodScale: phase.clock,
        log: () => {},
        profile,
        assembly,
      });
      try {
        const { cloudwatch, sns, faults } = servicesOf(cloud);
        subscriber = await confirmSubscription(sns);
        const ctx: GameDayContext = {
          cloud,
          cloudwatch,
          faults,
          traffic: profile.gameDay,
          routes: routesOf(cloud),
          call: await signedInCaller(cloud),
          responses: new Map(),
        };
        for (const scenario of phase.scenarios) {
          const result = await runScenario(ctx, scenario, sns, phase.clock);
          log(formatRow(result));
          results.push(result);
        }
        foreignWriters.push(...foreignMetricWriters(cloudwatch.metrics));
      } finally {
        await cloud.stop();
      }
    }
    return { stage, subscriber, results, foreignWriters, wallMs: Date.now() - started };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

function servicesOf(cloud: LocalCloud): {
  cloudwatch: LocalCloudWatch;
  sns: LocalSns;
  faults: FaultRegistry;
} {
  const cloudwatch = cloud.service(cloudwatchService);
  const sns = cloud.service(snsService);
  const faults = cloud.service(faultsService)?.registry;
  if (!cloudwatch || !sns || !faults)
    throw new Error(
      'The game day needs CloudWatch alarms, an SNS topic and fault injection in the assembly.',
    );
  return { cloudwatch, sns, faults };
}

/**
 * Follows the link of the e-mail subscription's confirmation message, as the address's owner
 * would; the alarms notify nobody before that.
 */
async function confirmSubscription(sns: LocalSns): Promise<string> {
  const confirmation = sns.messages().find((m) => m.type === 'SubscriptionConfirmation');
  if (!confirmation)
    throw new Error(
      'The stage subscribes no e-mail address to its alarm topic, so no alarm can reach anyone: name one in its alarmSubscriptions, or run another stage (--stage).',
    );
  const response = await fetch(confirmation.link);
  if (!response.ok) throw new Error(`Confirming ${confirmation.to} failed: HTTP ${response.status}.`);
  return confirmation.to;
}

/** Every GET route of the API that invokes a function, path parameters filled in. */
function routesOf(cloud: LocalCloud): FunctionRoute[] {
  const gateway = cloud.service(apigatewayService);
  const functions = cloud.service(lambdaService)?.configs() ?? [];
  return (gateway?.apis ?? []).flatMap((api) =>
    api.methods.flatMap((method) => {
      const fn = functions.find((f) => f.arn === method.lambdaArn);
      if (!fn || method.httpMethod !== 'GET') return [];
      const path = method.resourcePath.replace(/\{[^}]+\}/g, 'gameday').replace(/^\//, '');
      return [
        { functionName: fn.name, logGroupName: fn.logging.logGroupName, request: { method: 'GET', path } },
      ];
    }),
  );
}

/** Signs a new user up, confirms them with the code the local Cognito shows, and signs them in with SRP. */
async function signedInCaller(cloud: LocalCloud): Promise<GameDayContext['call']> {
  const cognito = cloud.service(cognitoService);
  const pool = cognito?.userPools()[0];
  const gateway = cloud.service(apigatewayService);
  const api = gateway?.apis[0];
  if (!cognito || !pool || !gateway || !api) throw new Error('The game day needs the API and its user pool.');
  const client = localCognitoClient(cloud.url('cognito'), pool.region);
  const username = `gameday-${randomBytes(4).toString('hex')}@example.com`;
  // Upper, lower, digit and symbol: what a strong pool policy asks for.
  const password = `Gameday-${randomBytes(8).toString('hex')}-Aa1!`;
  try {
    await signUpAndConfirm(client, cognito, { clientId: pool.clientId, email: username, password });
    const tokens = await signInWithSrp(client, {
      userPoolId: pool.id,
      clientId: pool.clientId,
      username,
      password,
    });
    const base = gateway.stageUrl(api);
    const authorization = tokens.IdToken ?? '';
    return async (request) => {
      const body = request.body?.();
      const response = await fetch(new URL(request.path, base), {
        method: request.method,
        headers: { authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body }),
      });
      await response.arrayBuffer();
      return response.status;
    };
  } finally {
    client.destroy();
  }
}

async function runScenario(
  ctx: GameDayContext,
  scenario: Scenario,
  sns: LocalSns,
  clock: number,
): Promise<ScenarioResult> {
  const plan = scenario.plan(ctx);
  ctx.responses.clear();
  const base = { scenario: scenario.name, clock, fault: scenario.fault, notified: false, responses: {} };
  if ('missing' in plan) return { ...base, alarm: '–', target: '–', failure: plan.missing };
  const { alarm, target } = plan;
  const row = { ...base, alarm: alarm.alarmName, target };
  // Periods, plus the time the evaluation and sampling need to notice: generous, bounded.
  const patience = (alarm.evaluationPeriods + 2) * alarm.periodSeconds * 1000 * clock + 15_000;
  if (!(await waitForState(ctx.cloudwatch, alarm, ['OK', 'INSUFFICIENT_DATA'], patience)))
    return { ...row, failure: 'the alarm was in ALARM before the fault and did not settle' };
  const injected = Date.now();
  const stop = await scenario.start(ctx, target, alarm);
  const fired = await waitForState(ctx.cloudwatch, alarm, ['ALARM'], patience);
  const firedAfterMs = fired ? Date.now() - injected : undefined;
  const cleared = Date.now();
  await stop();
  const notified = sns
    .messages()
    .some(
      (m) =>
        m.type === 'Notification' &&
        Date.parse(m.time) >= injected &&
        isAlarmMessage(m.message, alarm, 'ALARM'),
    );
  const recovered = await waitForState(ctx.cloudwatch, alarm, ['OK'], patience);
  const recoveredAfterMs = recovered ? Date.now() - cleared : undefined;
  const failure = !fired
    ? `not in ALARM after ${Math.round(patience / 1000)} s`
    : !notified
      ? 'no ALARM notification reached the mailbox'
      : !recovered
        ? `not back to OK after ${Math.round(patience / 1000)} s`
        : undefined;
  return {
    ...row,
    responses: Object.fromEntries(ctx.responses),
    notified,
    ...(firedAfterMs === undefined ? {} : { firedAfterMs }),
    ...(recoveredAfterMs === undefined ? {} : { recoveredAfterMs }),
    ...(failure ? { failure } : {}),
  };
}

function isAlarmMessage(message: string, alarm: AlarmDefinition, state: AlarmState): boolean {
  try {
    const parsed = JSON.parse(message) as { AlarmName?: unknown; NewStateValue?: unknown };
    return parsed.AlarmName === alarm.alarmName && parsed.NewStateValue === state;
  } catch {
    return false;
  }
}

async function waitForState(
  cloudwatch: LocalCloudWatch,
  alarm: AlarmDefinition,
  states: readonly AlarmState[],
  timeoutMs: number,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = cloudwatch.alarmStates().find((a) => a.alarmName === alarm.alarmName)?.state;
    if (state !== undefined && states.includes(state)) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** `3.2 s (64 s simulated)` */
function duration(ms: number | undefined, clock: number): string {
  if (ms === undefined) return '–';
  const simulated = ms / clock / 1000;
  const sim = simulated >= 120 ? `${(simulated / 60).toFixed(1)} min` : `${Math.round(simulated)} s`;
  return `${sim} (${(ms / 1000).toFixed(1)} s wall)`;
}

const COLUMNS = [
  'scenario',
  'alarm',
  'fault',
  'clock',
  'fired after',
  'notified',
  'recovered after',
] as const;

function cells(result: ScenarioResult): string[] {
  return [
    result.scenario,
    result.alarm,
    `${result.fault} on ${result.target}`,
    `×${result.clock}`,
    duration(result.firedAfterMs, result.clock),
    result.notified ? 'yes' : 'no',
    duration(result.recoveredAfterMs, result.clock),
  ];
}

function formatRow(result: ScenarioResult): string {
  const status = result.failure ? `FAILED: ${result.failure}` : 'passed';
  const load = Object.entries(result.responses)
    .map(([code, count]) => `${count}× ${code}`)
    .join(', ');
  return `${result.scenario}: ${status} (fired after ${duration(result.firedAfterMs, result.clock)}, recovered after ${duration(result.recoveredAfterMs, result.clock)}${load ? `; load answered ${load}` : ''})`;
}

/** The report as a Markdown table, with the clock factor stated above it. */
export function formatReport(report: GameDayReport): string {
  const rows = report.results.map((r) => cells(r));
  const table = [
    `| ${COLUMNS.join(' | ')} |`,
    `|${COLUMNS.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ];
  const failed = report.results.filter((r) => r.failure);
  return [
    `Game day on stage ${report.stage}, alarms e-mailed to ${report.subscriber}. Times are simulated (template) time, and wall time: simulated = wall / clock factor.`,
    ...table,
    ...failed.map((r) => `FAILED ${r.scenario}: ${r.failure} (load answered ${JSON.stringify(r.responses)})`),
    report.foreignWriters.length === 0
      ? 'Every metric was recorded by a service (the game day wrote none).'
      : `FAILED: metrics written outside the services by ${report.foreignWriters.map((w) => w.createdBy).join(', ')}.`,
    `${report.results.length - failed.length} of ${report.results.length} scenarios passed in ${(report.wallMs / 1000).toFixed(0)} s.`,
  ].join('\n');
}

/** Whether every scenario passed and no metric came from outside the services. */
export function passed(report: GameDayReport): boolean {
  return report.foreignWriters.length === 0 && report.results.every((r) => r.failure === undefined);
}
