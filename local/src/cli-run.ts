/**
 * `npm start` (after cli.ts): runs the synthesized CDK app offline, reloading it live on every save unless
 * `--no-watch`. Flags are parsed strictly: an unknown flag or a bad value is a one-line error plus
 * the usage. It stops with every process it started on SIGINT, SIGTERM or SIGHUP, and when the
 * process that started it (npm) is gone.
 */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { parseFlags } from './cli-flags.js';
import { LocalCloudError } from './errors.js';
import { IAM_MODES, type IamMode } from './iam/index.js';
import {
  DEFAULT_DATA_DIR,
  DEFAULT_PROFILE_FILE,
  type LocalCloud,
  type LocalCloudOptions,
  startLocalCloud,
} from './index.js';
import { UnresolvableError } from './intrinsics/index.js';
import { EMPTY_PROFILE, loadProfile } from './profile.js';
import { portSpecs } from './registry.js';
import { FUNCTION_LOG_LEVELS, type FunctionLogLevel } from './service.js';
import { formatSummary } from './summary.js';

const PORTS = portSpecs();

const USAGE = [
  'Usage: npm start -- [options]',
  '',
  ...[
    ['--stage <name>', 'stage of the CDK app to run (default: dev)'],
    ['--assembly <dir>', 'run an already synthesized cloud assembly (cdk.out) instead of synthesizing'],
    ['--profile <file|none>', "the app's local profile (default: infra/local-cloud.profile.ts)"],
    ['--in-memory', 'keep all data in memory (a throwaway run)'],
    ['--reset', 'delete the data folder first (asks; --yes skips the question)'],
    ['--yes', "answer yes to --reset's question"],
    ['--data-dir <path>', 'data folder (default: <repo>/.local-cloud)'],
    ['--iam <mode>', 'enforce (default): refuse what the IAM policies refuse; warn: print it only; off'],
    ['--no-watch', 'do not reload on save (handlers, web app, infrastructure); run the built container'],
    ['--log-level <level>', `function log lines printed: ${FUNCTION_LOG_LEVELS.join(', ')} (default: info)`],
    ['--demo', "sign up the app profile's demo user (confirmed) and print its sign-in"],
    ...PORTS.map((p) => [
      `--${p.name}-port <port>`,
      `${p.service} port (default: ${p.default}; 0 picks a free one)`,
    ]),
    ['--help', 'show this help'],
  ].map(([flag = '', text = '']) => `  ${flag.padEnd(24)}${text}`),
].join('\n');

interface CliOptions extends LocalCloudOptions {
  reset: boolean;
  yes: boolean;
  help: boolean;
  demo: boolean;
  profileFile: string;
}

/** Parses argv; throws LocalCloudError with a one-line message on a bad flag or value. */
export function parseCli(argv: readonly string[]): CliOptions {
  const values = parse(argv);
  const port = (flag: string, value: string | undefined): number | undefined => {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0 || n > 65535)
      throw new LocalCloudError(`--${flag} needs a port number 0-65535, got "${value}".`);
    return n;
  };
  const ports = new Map<string, number>();
  for (const spec of PORTS) {
    const raw: unknown = (values as Record<string, unknown>)[`${spec.name}-port`];
    const value = port(`${spec.name}-port`, typeof raw === 'string' ? raw : undefined);
    if (value !== undefined) ports.set(spec.name, value);
  }
  if (values.stage !== undefined && !/^[A-Za-z0-9-]+$/.test(values.stage))
    throw new LocalCloudError(`--stage needs a stage name (letters, digits, -), got "${values.stage}".`);
  if (values.iam !== undefined && !IAM_MODES.includes(values.iam as IamMode))
    throw new LocalCloudError(`--iam needs one of ${IAM_MODES.join(', ')}, got "${values.iam}".`);
  const logLevel = values['log-level'];
  if (logLevel !== undefined && !FUNCTION_LOG_LEVELS.includes(logLevel as FunctionLogLevel))
    throw new LocalCloudError(
      `--log-level needs one of ${FUNCTION_LOG_LEVELS.join(', ')}, got "${logLevel}".`,
    );
  if (values.profile === 'none' && !values.assembly)
    throw new LocalCloudError(
      '--profile none has no app to synthesize: pass the cloud assembly to run with --assembly <cdk.out>.',
    );
  if (values['in-memory'] && values.reset)
    throw new LocalCloudError(
      '--reset and --in-memory do not go together: an in-memory run has nothing to reset.',
    );
  return {
    ...(values.stage ? { stage: values.stage } : {}),
    ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
    ...(values.assembly ? { assemblyDir: values.assembly } : {}),
    ...(values.iam ? { iam: values.iam as IamMode } : {}),
    ...(logLevel ? { functionLogLevel: logLevel as FunctionLogLevel } : {}),
    watch: !values['no-watch'],
    demo: values.demo ?? false,
    profileFile: values.profile ?? DEFAULT_PROFILE_FILE,
    inMemory: values['in-memory'] ?? false,
    ports: Object.fromEntries(ports),
    reset: values.reset ?? false,
    yes: values.yes ?? false,
    help: values.help ?? false,
  };
}

function parse(argv: readonly string[]) {
  const portFlags = Object.fromEntries(PORTS.map((p) => [`${p.name}-port`, { type: 'string' as const }]));
  return parseFlags(argv, {
    stage: { type: 'string' },
    assembly: { type: 'string' },
    profile: { type: 'string' },
    'in-memory': { type: 'boolean' },
    reset: { type: 'boolean' },
    yes: { type: 'boolean', short: 'y' },
    'data-dir': { type: 'string' },
    iam: { type: 'string' },
    'no-watch': { type: 'boolean' },
    'log-level': { type: 'string' },
    demo: { type: 'boolean' },
    ...portFlags,
    help: { type: 'boolean', short: 'h' },
  });
}

/** Deletes the data (tables, users, notifications) but keeps the synthesized cdk.out folders. */
async function resetDataDir(dataDir: string, yes: boolean): Promise<void> {
  if (!yes) {
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    const answer = await rl.question(`Delete all local data in ${dataDir}? [y/N] `);
    rl.close();
    if (!/^y(es)?$/i.test(answer.trim())) throw new LocalCloudError('Reset cancelled; nothing was deleted.');
  }
  for (const name of readdirSync(dataDir)) {
    // The lock is this run's own; synthesized apps and live bundles (tmp-…) are not data.
    if (!name.startsWith('cdk.out') && !name.startsWith('tmp-') && name !== 'local-cloud.lock')
      rmSync(join(dataDir, name), { recursive: true, force: true });
  }
  console.log(`Deleted the local data in ${dataDir}.`);
}

function fail(err: unknown): never {
  if (err instanceof LocalCloudError || err instanceof UnresolvableError) {
    console.error(`local cloud: ${err.message}`);
  } else {
    console.error('local cloud: unexpected failure:', err);
  }
  process.exit(1);
}

/**
 * Calls `stop` once the process that started this one is gone. An IDE's stop button or a process
 * manager signals `npm start`'s own pid; should npm be killed outright, its children would live
 * on holding the ports. Polled: nothing tells a process its parent died.
 */
function stopWithParent(stop: () => void): void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid !== parent) stop();
  }, 1000);
  timer.unref();
}

async function main(): Promise<void> {
  // The SDK's notice about this Node version, once per client module: the banner says which
  // Node runs the functions, once.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  let options: CliOptions;
  try {
    options = parseCli(process.argv.slice(2));
  } catch (err) {
    console.error(`local cloud: ${(err as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (options.help) {
    console.log(USAGE);
    return;
  }
  const dataDir = options.dataDir ?? DEFAULT_DATA_DIR;
  if (options.reset && !options.yes && !process.stdin.isTTY)
    fail(new LocalCloudError(`--reset would delete ${dataDir}; confirm with --yes when not on a terminal.`));
  let starting: Promise<LocalCloud> | undefined;
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) process.exit(130);
    stopping = true;
    console.log(`\n${signal}: stopping the local cloud…`);
    // A Ctrl-C during start-up waits for it, so every process started so far is stopped too.
    Promise.resolve(starting)
      .then(
        (cloud) => cloud?.stop(),
        () => undefined,
      )
      .then(
        () => process.exit(0),
        (err: unknown) => fail(err),
      );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGHUP', () => shutdown('SIGHUP'));
  stopWithParent(() => shutdown('The process that started the local cloud is gone'));
  let cloud: LocalCloud;
  let demo: string | undefined;
  try {
    const { profileFile, reset, yes, ...cloudOptions } = options;
    console.log(
      options.assemblyDir
        ? `Starting the local cloud from the cloud assembly ${options.assemblyDir} (stage ${options.stage ?? 'dev'})…`
        : `Synthesizing the CDK app (stage ${options.stage ?? 'dev'}) and starting the local cloud…`,
    );
    starting = startLocalCloud({
      ...cloudOptions,
      dataDir,
      ...(profileFile === 'none' ? { profile: EMPTY_PROFILE } : { profileFile }),
      ...(reset ? { onLocked: (dir: string) => resetDataDir(dir, yes) } : {}),
    });
    cloud = await starting;
    if (options.demo) demo = await demoLine(cloud, profileFile);
  } catch (err) {
    if (stopping) return;
    await Promise.resolve(starting).then(
      (started) => started?.stop(),
      () => undefined,
    );
    fail(err);
  }
  if (stopping) return;
  console.log(formatSummary(cloud, demo === undefined ? [] : [demo]));
}

/** Signs up and confirms the profile's demo user; the banner's line with its sign-in. */
async function demoLine(cloud: LocalCloud, profileFile: string): Promise<string> {
  const profile = profileFile === 'none' ? EMPTY_PROFILE : await loadProfile(profileFile);
  if (!profile.demoUser)
    throw new LocalCloudError(`--demo needs profile.demoUser ({ email, password }) in ${profileFile}.`);
  const { seedDemoUser } = await import('./demo.js');
  await seedDemoUser(cloud, profile.demoUser);
  return `Demo user: ${profile.demoUser.email} / ${profile.demoUser.password} (signed up and confirmed)`;
}

await main();
