/**
 * Typed configuration of each deployment stage. Each stack receives the slice of it that it uses;
 * nothing below `bin/app.ts` reads the environment or CDK context.
 */
import { example, findExampleValue } from './examples.js';
import { ACCOUNT_ID, EMAIL_ADDRESS, isHttpsUrl, REGION_NAME } from './formats.js';

/** What happens to stateful resources (table, user pool, log groups) when a stack is deleted. */
export type StageRemovalPolicy = 'retain' | 'destroy';

/** Cognito threat protection (needs the PLUS feature plan unless `off`). */
export type ThreatProtectionMode = 'off' | 'audit' | 'enforced';

/** A custom domain for the web application. */
export interface DomainConfig {
  /** Fully qualified name the web app is served on, e.g. `tasks.example.com`. */
  readonly name: string;
  /** Id of the Route 53 hosted zone that holds `name`. */
  readonly hostedZoneId: string;
  /** Name of that hosted zone, e.g. `example.com`. */
  readonly zoneName: string;
}

/**
 * How Cognito sends its e-mails (sign-up codes, password resets) through Amazon SES. Cognito's own
 * sender allows only a few dozen messages a day per account, so a production stage must use SES:
 * a verified identity for `from` (or its domain) in `sesRegion`, and an SES account out of the
 * sandbox (production access), or only verified recipients receive anything.
 */
export interface EmailConfig {
  /** Sender address, verified in SES (the address itself or `sesVerifiedDomain`). */
  readonly from: string;
  /** Display name of the sender. @default no name */
  readonly fromName?: string;
  /** Where replies go. @default `from` */
  readonly replyTo?: string;
  /** SES domain identity that covers `from`, when the domain rather than the address is verified. @default the address is the identity */
  readonly sesVerifiedDomain?: string;
  /** Region of the SES identity, when it is not the pool's. @default the stage's region */
  readonly sesRegion?: string;
}

/** Which VPC traffic the flow logs record: every flow, or only the rejected ones (a fraction of the volume). */
export type FlowLogTraffic = 'ALL' | 'REJECT';

/** Sizing of the web service on ECS Fargate. */
export interface WebServiceConfig {
  /**
   * Lower bound of CPU target-tracking autoscaling, and so the task count a deploy never goes
   * under. The service sets no desired count of its own: one in the template would reset a
   * scaled-out service to it on every deploy.
   */
  readonly minCount: number;
  /** Upper bound of CPU target-tracking autoscaling. */
  readonly maxCount: number;
  /** Fargate task CPU units (256, 512, 1024, …). */
  readonly cpu: number;
  /** Fargate task memory in MiB, valid for `cpu`. */
  readonly memoryMiB: number;
}

/** Who the stage's alarm topic notifies. */
export interface AlarmSubscriptionConfig {
  /** E-mail addresses subscribed to the alarm topic; each confirms once, from the e-mail SNS sends. */
  readonly emails: readonly string[];
  /**
   * An HTTPS endpoint subscribed to the alarm topic (an incident or chat tool's SNS integration);
   * it must confirm the subscription SNS posts to it.
   * @default none
   */
  readonly httpsEndpoint?: string;
}

export interface StageConfig {
  /** Stage name: stack names are `TaskTracker-<name>-<Concern>`. */
  readonly name: string;
  /**
   * Whether real users and data live here. A production stage must retain its data and keep
   * deletion protection; checks that only matter for real traffic key off this flag, never the name.
   */
  readonly production: boolean;
  /** AWS account id; when unset the CLI's account is used, else the stage is environment-agnostic. */
  readonly account?: string;
  /** AWS region; same fallback as `account`. */
  readonly region?: string;
  /** NAT gateways of the VPC (one per AZ for high availability). */
  readonly natGateways: number;
  /**
   * The VPC's two availability zones, e.g. `['eu-west-1a', 'eu-west-1b']`. Unset, CloudFormation
   * picks the region's first two at deploy time (`Fn::GetAZs`), so a synth never needs an AWS
   * lookup, whether or not it knows the account. @default the region's first two
   */
  readonly availabilityZones?: readonly [string, string];
  /**
   * Interface endpoints for ECR and CloudWatch Logs. They keep image pulls and logs off the NAT
   * gateways but bill per AZ-hour whether used or not; without them that traffic takes the NAT.
   */
  readonly interfaceEndpoints: boolean;
  /** What the VPC flow logs record. */
  readonly flowLogTraffic: FlowLogTraffic;
  readonly web: WebServiceConfig;
  /**
   * Custom domain in an existing Route 53 hosted zone; required in a production stage. Without one
   * the web app is served over plain HTTP on the load balancer's DNS name.
   */
  readonly domain?: DomainConfig;
  /** Who the alarms notify; required in a production stage. @default nobody */
  readonly alarmSubscriptions?: AlarmSubscriptionConfig;
  /** Cognito's e-mail through SES; required in a production stage. @default Cognito's own sender */
  readonly email?: EmailConfig;
  /** Retention of every log group, in days (a value CloudWatch Logs accepts). */
  readonly logRetentionDays: number;
  readonly removalPolicy: StageRemovalPolicy;
  /** DynamoDB deletion protection. */
  readonly deletionProtection: boolean;
  readonly threatProtection: ThreatProtectionMode;
  /** Steady-state requests per second the API stage accepts. */
  readonly apiThrottle: { readonly rateLimit: number; readonly burstLimit: number };
  /** Log level of the API functions (POWERTOOLS_LOG_LEVEL). */
  readonly logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
}

/** Stage configurations by stage name. */
export type StageConfigs = Readonly<Record<string, StageConfig>>;

/** The stages this app deploys. Accounts and regions come from the CLI unless pinned here. */
export const STAGES: StageConfigs = {
  dev: {
    name: 'dev',
    production: false,
    // One NAT gateway and no interface endpoints: dev's idle cost, at the price of AZ redundancy.
    natGateways: 1,
    interfaceEndpoints: false,
    flowLogTraffic: 'REJECT',
    web: { minCount: 2, maxCount: 4, cpu: 256, memoryMiB: 512 },
    logRetentionDays: 14,
    removalPolicy: 'destroy',
    deletionProtection: false,
    threatProtection: 'audit',
    apiThrottle: { rateLimit: 50, burstLimit: 100 },
    logLevel: 'DEBUG',
  },
  prod: {
    name: 'prod',
    production: true,
    natGateways: 2,
    interfaceEndpoints: true,
    flowLogTraffic: 'ALL',
    // Committed examples, so an offline synth covers HTTPS and SES; a deploy refuses them.
    domain: {
      name: example('tasks.example.com'),
      hostedZoneId: example('Z0000000EXAMPLE'),
      zoneName: example('example.com'),
    },
    email: { from: example('no-reply@example.com'), fromName: 'Task tracker' },
    web: { minCount: 2, maxCount: 10, cpu: 512, memoryMiB: 1024 },
    logRetentionDays: 365,
    removalPolicy: 'retain',
    deletionProtection: true,
    threatProtection: 'enforced',
    apiThrottle: { rateLimit: 500, burstLimit: 1000 },
    logLevel: 'INFO',
    // An example address: replace it with the team's before deploying prod.
    alarmSubscriptions: { emails: ['oncall@example.com'] },
  },
};

/** Retention values CloudWatch Logs accepts. */
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

/** Valid Fargate CPU units and the task memory sizes (MiB) each allows. */
const FARGATE_MEMORY: Readonly<Record<number, readonly number[]>> = {
  256: [512, 1024, 2048],
  512: [1024, 2048, 3072, 4096],
  1024: [2048, 3072, 4096, 5120, 6144, 7168, 8192],
  2048: Array.from({ length: 13 }, (_, i) => 4096 + i * 1024),
  4096: Array.from({ length: 23 }, (_, i) => 8192 + i * 1024),
};

/** A stage configuration that breaks a rule; the message names the stage and the key. */
export class StageConfigError extends Error {
  constructor(stage: string, key: string, problem: string) {
    super(`stage "${stage}": ${key} ${problem}`);
    this.name = 'StageConfigError';
  }
}

const isPositiveInt = (n: number): boolean => Number.isInteger(n) && n > 0;

/** Checks a stage configuration; throws a {@link StageConfigError} on the first problem. */
export function validateStageConfig(config: StageConfig): StageConfig {
  const fail = (key: string, problem: string): never => {
    throw new StageConfigError(config.name, key, problem);
  };
  if (!/^[a-z][a-z0-9]{0,11}$/.test(config.name)) {
    fail('name', 'must be 1–12 lowercase letters or digits, starting with a letter');
  }
  if (config.account !== undefined && !ACCOUNT_ID.test(config.account)) fail('account', 'must be 12 digits');
  if (config.region !== undefined && !REGION_NAME.test(config.region)) {
    fail('region', 'must be a region name like eu-west-1');
  }
  if (!Number.isInteger(config.natGateways) || config.natGateways < 1 || config.natGateways > 2) {
    fail('natGateways', 'must be 1 or 2 (the VPC spans 2 AZs and its private subnets need egress)');
  }
  const { web } = config;
  if (!Number.isInteger(web.minCount) || web.minCount < 2)
    fail('web.minCount', 'must be an integer ≥ 2 (one task per AZ)');
  if (!isPositiveInt(web.maxCount) || web.maxCount < web.minCount)
    fail('web.maxCount', 'must be ≥ web.minCount');
  const memorySizes = FARGATE_MEMORY[web.cpu];
  if (!memorySizes) fail('web.cpu', `must be one of ${Object.keys(FARGATE_MEMORY).join(', ')}`);
  if (!memorySizes?.includes(web.memoryMiB)) {
    fail('web.memoryMiB', `must be one of ${memorySizes?.join(', ')} for web.cpu ${web.cpu}`);
  }
  if (!LOG_RETENTION_DAYS.includes(config.logRetentionDays)) {
    fail('logRetentionDays', `must be one of ${LOG_RETENTION_DAYS.join(', ')}`);
  }
  if (config.availabilityZones) {
    const [first, second] = config.availabilityZones;
    const inRegion = (az: string) =>
      /^[a-z]{2}(-[a-z]+)+-\d[a-z]$/.test(az) && (!config.region || az.startsWith(config.region));
    if (!inRegion(first) || !inRegion(second) || first === second) {
      fail(
        'availabilityZones',
        `must be two distinct zones of the stage's region, like eu-west-1a and eu-west-1b`,
      );
    }
  }
  if (config.domain) {
    const { name, zoneName, hostedZoneId } = config.domain;
    if (!/^Z[A-Z0-9]{1,31}$/.test(hostedZoneId))
      fail('domain.hostedZoneId', 'must be a Route 53 zone id like Z0123456789ABC');
    if (name !== zoneName && !name.endsWith(`.${zoneName}`))
      fail('domain.name', `must be inside domain.zoneName (${zoneName})`);
  }
  if (config.alarmSubscriptions) validateAlarmSubscriptions(config.alarmSubscriptions, fail);
  if (!isPositiveInt(config.apiThrottle.rateLimit))
    fail('apiThrottle.rateLimit', 'must be a positive integer');
  if (
    !isPositiveInt(config.apiThrottle.burstLimit) ||
    config.apiThrottle.burstLimit < config.apiThrottle.rateLimit
  ) {
    fail('apiThrottle.burstLimit', 'must be an integer ≥ apiThrottle.rateLimit');
  }
  if (config.email) {
    const { from, replyTo, sesVerifiedDomain, sesRegion } = config.email;
    if (!EMAIL_ADDRESS.test(from)) fail('email.from', 'must be an e-mail address');
    if (replyTo !== undefined && !EMAIL_ADDRESS.test(replyTo))
      fail('email.replyTo', 'must be an e-mail address');
    if (sesVerifiedDomain !== undefined && !from.endsWith(`@${sesVerifiedDomain}`)) {
      fail('email.sesVerifiedDomain', `must be the domain of email.from (${from})`);
    }
    if (sesRegion !== undefined && !REGION_NAME.test(sesRegion)) {
      fail('email.sesRegion', 'must be a region name like eu-west-1');
    }
  }
  // A production stage holds real data: it is never deleted with its stack.
  if (config.production) {
    if (config.removalPolicy !== 'retain') fail('removalPolicy', 'must be "retain" in a production stage');
    if (!config.deletionProtection) fail('deletionProtection', 'must be true in a production stage');
    const { emails = [], httpsEndpoint } = config.alarmSubscriptions ?? {};
    if (emails.length === 0 && httpsEndpoint === undefined) {
      fail('alarmSubscriptions', 'must name an e-mail address or HTTPS endpoint in a production stage');
    }
    // Real users sign in there: over HTTPS on a name they can trust, with a CORS origin to match.
    if (!config.domain) {
      fail(
        'domain',
        'is required in a production stage (an existing Route 53 hosted zone: name, hostedZoneId, zoneName)',
      );
    }
    // Cognito's default sender allows a few dozen e-mails a day: sign-ups would stall.
    if (!config.email) {
      fail('email', 'is required in a production stage (Cognito sends through SES: a verified from address)');
    }
  }
  return config;
}

/** Checks the alarm subscriptions' addresses; `fail` names the stage and key. */
function validateAlarmSubscriptions(
  subscriptions: AlarmSubscriptionConfig,
  fail: (key: string, problem: string) => never,
): void {
  const seen = new Set<string>();
  subscriptions.emails.forEach((email, i) => {
    const key = `alarmSubscriptions.emails[${i}]`;
    if (!EMAIL_ADDRESS.test(email)) fail(key, 'must be an e-mail address');
    // SNS would keep one subscription per address and protocol; a repeat is a typo.
    if (seen.has(email.toLowerCase())) fail(key, `repeats ${email}`);
    seen.add(email.toLowerCase());
  });
  const { httpsEndpoint } = subscriptions;
  if (httpsEndpoint !== undefined && !isHttpsUrl(httpsEndpoint)) {
    fail(
      'alarmSubscriptions.httpsEndpoint',
      'must be an https:// URL (alarms must not travel in clear text)',
    );
  }
}

/** The names of the configured stages, in declaration order. */
export const STAGE_NAMES: readonly string[] = Object.keys(STAGES);

/**
 * The validated configuration of a stage; an unknown name lists the valid ones.
 * @param stages where to look the stage up @default the committed `STAGES`
 */
export function getStageConfig(name: string, stages: StageConfigs = STAGES): StageConfig {
  // The name comes from a command line: `constructor` must not find Object's.
  const config = Object.hasOwn(stages, name) ? stages[name] : undefined;
  if (!config) throw new Error(`unknown stage "${name}" (valid stages: ${Object.keys(stages).join(', ')})`);
  return validateStageConfig(config);
}

/**
 * Refuses to deploy a stage whose config still holds a committed example value (see
 * `example()`); the error names the stage and the key. Synth accepts them.
 */
export function assertStageDeployable(config: StageConfig): void {
  const found = findExampleValue(config);
  if (found) {
    throw new StageConfigError(
      config.name,
      found.key,
      `is the committed example "${found.value}": set your own in infra/src/config/stages.ts before deploying`,
    );
  }
}
