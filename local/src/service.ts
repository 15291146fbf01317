/**
 * The one seam every emulated service goes through. A service is one module (`ServiceModule`)
 * declaring what it emulates — resource types, how `Ref`/`GetAtt` of them read locally, the
 * endpoint variable it gives functions, its port, the metrics it emits — and a `create` that
 * returns the running part (`LocalService`). The local cloud derives everything else (flags,
 * usage text, start order, the banner, the not-emulated list) from the registry of modules.
 */
import type { AssemblyResource, LocalAssembly } from './assembly/index.js';
import type { PhysicalIds } from './intrinsics/physical-ids.js';
import type { AppProfile } from './profile.js';

/** One emulated resource of the cloud assembly, as the start-up summary prints it. */
export interface EmulatedResource {
  /** The resource's logical id in its stack's template. */
  readonly logicalId: string;
  /** CloudFormation type, e.g. `AWS::DynamoDB::Table`. */
  readonly type: string;
  /** Where a client reaches it locally, if it is reachable. */
  readonly url?: string;
  /** A short human detail: table name, pool id, route count. */
  readonly detail?: string;
  /** Something the local cloud cannot do for this resource (an alarm it cannot evaluate). */
  readonly warning?: string;
}

/** A link the banner and the console show for a service (codes page, alarms, …). */
export interface ServiceLink {
  readonly label: string;
  readonly url: string;
}

export interface ServiceDescription {
  /** Service name as the summary prints it: `DynamoDB`, `Cognito`, `API Gateway`, … */
  readonly name: string;
  readonly resources: readonly EmulatedResource[];
  /** Pages or endpoints worth a line of their own in the banner. */
  readonly links?: readonly ServiceLink[];
  /** A state worth a line of its own in the banner, printed as `<name>: <status>`. */
  readonly status?: string;
}

/** The running part of a service. */
export interface LocalService {
  /** Start listening / running; resolves when the service is ready for clients. */
  start(): Promise<void>;
  /** Stop and release every port, process and file handle; safe to call twice. */
  stop(): Promise<void>;
  describe(): ServiceDescription;
  /**
   * Where clients reach the service once started (`http://127.0.0.1:<port>`, or the API stage
   * URL): printed in the banner, returned by `LocalCloud.url`, and given to functions as
   * `AWS_ENDPOINT_URL_<SERVICE>` when the module declares `endpointEnv`.
   */
  readonly endpoint?: string | undefined;
  /** JSON views the local console serves at `/_local/<name>` (alarms, codes, …). */
  localViews?(): ReadonlyMap<string, () => unknown>;
  /**
   * Infra live reload: plans how to run a new assembly of the same app in place, keeping what
   * runs (data, warm processes, issued tokens). `ctx` reads the new assembly. Nothing may change
   * before `apply` — neither memory nor the data folder — which the local cloud calls only once
   * every service has planned (ids a plan needs are drawn, not stored); a change the service
   * cannot make in place throws a {@link ReloadRefused} naming it, and then no plan applies. A service without this
   * keeps running as long as its own resources are unchanged, and refuses the reload otherwise.
   */
  reload?(ctx: ServiceContext): ReloadPlan | Promise<ReloadPlan>;
}

/** What a service will change to run a new assembly; `apply` makes the change. */
export interface ReloadPlan {
  /** One short phrase per change (`+1 function`, `ListTasks: environment`); empty when none. */
  readonly changes: readonly string[];
  apply(): void | Promise<void>;
  /** Lets go of what planning held (the reload is refused, or failed): then `apply` is never called. */
  discard?(): void;
}

/** What a reload did: applied with its changes, or refused with the reason (nothing changed). */
export type ReloadOutcome =
  | { readonly applied: true; readonly changes: readonly string[] }
  | { readonly applied: false; readonly reason: string };

/** A plan that changes nothing. */
export const UNCHANGED: ReloadPlan = { changes: [], apply: () => {} };

/** The plan that makes `changes` by calling `apply`; {@link UNCHANGED} when there are none. */
export function planOf(changes: readonly string[], apply: ReloadPlan['apply']): ReloadPlan {
  return changes.length === 0 ? UNCHANGED : { changes, apply };
}

/**
 * A plan's lines for what came and went between two sets of names: `+ <kind> <name>` for each
 * name only `after` has, then `- <kind> <name>` for each only `before` has (no kind: `+ <name>`).
 */
export function addedAndRemoved(before: Iterable<string>, after: Iterable<string>, kind?: string): string[] {
  const was = new Set(before);
  const is = new Set(after);
  const line = (sign: string, name: string) => (kind ? `${sign} ${kind} ${name}` : `${sign} ${name}`);
  return [
    ...[...is].filter((name) => !was.has(name)).map((name) => line('+', name)),
    ...[...was].filter((name) => !is.has(name)).map((name) => line('-', name)),
  ];
}

/**
 * Thrown while planning a reload: the new assembly changes something the local service cannot
 * change in place (a table's key schema). The old cloud keeps running.
 */
export class ReloadRefused extends Error {
  override readonly name = 'ReloadRefused';
}

/** What `Ref` and `Fn::GetAtt` of one resource mean locally. */
export interface PhysicalEntry {
  readonly ref: string;
  readonly attributes: Readonly<Record<string, string>>;
}

/** How a resource type's physical ids read locally, for the types a module owns. */
export type PhysicalIdRule = (
  resource: AssemblyResource,
  arn: (service: string, resourcePart: string) => string,
) => PhysicalEntry;

/** A port a service listens on; the CLI flag is `--<name>-port`. */
export interface PortSpec {
  /** Flag stem and key of `LocalCloudOptions.ports`: `api` → `--api-port`. */
  readonly name: string;
  readonly default: number;
}

/** What `create` receives: the assembly, the resolver, the services started before it. */
export interface ServiceContext {
  readonly assembly: LocalAssembly;
  readonly ids: PhysicalIds;
  readonly log: (line: string) => void;
  /** The service's data folder root; undefined for an in-memory run. */
  readonly dataDir: string | undefined;
  /** The port to listen on (0 = ephemeral); 0 when the module declares none. */
  readonly port: number;
  readonly profile: AppProfile;
  readonly settings: LocalCloudSettings;
  /** A service created before this one (declare it in `dependsOn`), or undefined if it does not run. */
  get<T extends LocalService>(module: ServiceModule<T>): T | undefined;
  /** `AWS_ENDPOINT_URL_<SERVICE>` of every running service that declares one; call it after start. */
  endpointEnvironment(): Record<string, string>;
  /** The app profile's extra variables for functions or containers; call it after start. */
  profileEnvironment(kind: 'function' | 'container'): Record<string, string>;
  /** Every running service's description and what is not emulated, for the console. */
  describeCloud(): {
    readonly services: readonly ServiceDescription[];
    readonly notEmulated: ReadonlyArray<{ readonly logicalId: string; readonly type: string }>;
  };
  /** The origins (`http://127.0.0.1:<port>`) of every running service: pages the local cloud serves. */
  localOrigins(): readonly string[];
  /** Every running service's local views, by name; call it after start. */
  localViews(): ReadonlyMap<string, () => unknown>;
  /** The metric names each namespace's running services emit, for alarms that need them. */
  observedMetrics(): ReadonlyMap<string, ReadonlySet<string>>;
  /**
   * The folder of a function's live bundle (rebuilt on change) while watching, or undefined: then
   * the function runs its code asset.
   */
  liveCode(resource: AssemblyResource): string | undefined;
}

/** Knobs of the local cloud that some services read (tests move clocks and scale periods). */
export interface LocalCloudSettings {
  /** The local Cognito's clock (epoch ms). @default Date.now */
  readonly cognitoClock?: () => number;
  /** Scales alarm periods down locally (0.01: a 60 s period lasts 0.6 s). @default 1 */
  readonly alarmPeriodScale?: number;
  /** Whether to run containers (ECS). @default true */
  readonly containers?: boolean;
  /**
   * IAM: `enforce` refuses what the template's policies would refuse on AWS, `warn` prints the
   * denial and lets the call through, `off` evaluates nothing. @default 'enforce'
   */
  readonly iam?: 'enforce' | 'warn' | 'off';
  /**
   * Live reload: functions run from bundles the local cloud rebuilds on change, and the web
   * container is replaced by the app's dev server (HMR) when the profile names one. @default false
   */
  readonly watch?: boolean;
  /**
   * The lowest level of a function's log lines printed on the console (`off`: none). What its
   * log group receives is the template's `LoggingConfig`, not this. @default 'info'
   */
  readonly functionLogLevel?: FunctionLogLevel;
}

/** Levels for `functionLogLevel`, most verbose first. */
export const FUNCTION_LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'off'] as const;
export type FunctionLogLevel = (typeof FUNCTION_LOG_LEVELS)[number];

/** One emulated AWS service: everything the local cloud needs to know about it, in one place. */
export interface ServiceModule<T extends LocalService = LocalService> {
  /** Short id, unique in the registry: `dynamodb`, `cognito`, `apigateway`, … */
  readonly id: string;
  /** Name as people know it: `DynamoDB`, `API Gateway`. */
  readonly name: string;
  /** CloudFormation types this service stands up or folds into what it stands up. */
  readonly resourceTypes: readonly string[];
  /** `Ref`/`GetAtt` of its types; a type without a rule reads as CloudFormation's generated name. */
  readonly physicalIds?: Readonly<Record<string, PhysicalIdRule>>;
  /** Services that must be created and started first (their ids or endpoints are used here). */
  readonly dependsOn?: readonly ServiceModule<LocalService>[];
  /** The port it listens on, if any. */
  readonly port?: PortSpec;
  /** `DYNAMODB` → functions get `AWS_ENDPOINT_URL_DYNAMODB` = the service's endpoint. */
  readonly endpointEnv?: string;
  /** Metric names it records, by namespace (what its alarms can be evaluated on). */
  readonly metrics?: Readonly<Record<string, readonly string[]>>;
  /** The running part, or undefined when the assembly holds nothing for it. */
  create(ctx: ServiceContext): T | undefined;
}
