/**
 * The registry entry of Cognito: the template's user pools and app clients, created in the local
 * Cognito at start. Their ids are assigned then (and kept per data folder), so services that
 * read pool or client ids declare Cognito in `dependsOn`.
 */
import type { JsonWebKey } from 'node:crypto';
import { resourcesOf } from '../../assembly/index.js';
import { LocalCloudError } from '../../errors.js';
import type { PhysicalIds } from '../../intrinsics/physical-ids.js';
import { LOCAL_ACCOUNT_ID, stableSuffix } from '../../intrinsics/physical-ids.js';
import type {
  LocalService,
  ReloadPlan,
  ServiceContext,
  ServiceDescription,
  ServiceModule,
} from '../../service.js';
import { readUserPools } from '../../user-pools.js';
import { type CodeRecord, LocalCognito, type PlannedUserPool } from './index.js';

/** A user pool as it runs locally. */
export interface RunningUserPool {
  readonly id: string;
  /** The first app client's id (the SPA's, in the task tracker). */
  readonly clientId: string;
  readonly clientIds: readonly string[];
  readonly region: string;
}

/** A pool of the template as a start or reload would run it, its ids planned. */
interface TemplatePool {
  readonly logicalId: string;
  /** The pool's spec, serialized: what tells a changed pool from an unchanged one. */
  readonly spec: string;
  readonly planned: PlannedUserPool;
  readonly running: RunningUserPool;
}

/** The local Cognito with the template's pools in it. */
export class CognitoService implements LocalService {
  private readonly cognito: LocalCognito;
  private readonly running = new Map<string, RunningUserPool>();
  /** Each pool's spec (serialized) as last applied, by logical id. */
  private readonly ensured = new Map<string, string>();

  constructor(private readonly ctx: ServiceContext) {
    this.cognito = new LocalCognito({
      host: '127.0.0.1',
      port: ctx.port,
      ...(ctx.dataDir === undefined ? {} : { dataDir: ctx.dataDir }),
      region: ctx.assembly.region,
      // Codes ("e-mailed" locally) get a line of their own that says where they come from.
      log: (line) => ctx.log(`[Cognito] ${line}`),
      ...(ctx.settings.cognitoClock ? { clock: ctx.settings.cognitoClock } : {}),
      // Only pages the local cloud itself serves (the web app, the console) may call it.
      allowedOrigins: () => ctx.localOrigins(),
    });
  }

  private started = false;

  get endpoint(): string | undefined {
    return this.started ? this.cognito.url : undefined;
  }

  async start(): Promise<void> {
    await this.cognito.start().catch((err: NodeJS.ErrnoException) => {
      // A port in use is the registry's to report (it knows the flag); anything else here is
      // about the data folder, which the user can fix.
      if (err.code === 'EADDRINUSE' || err instanceof LocalCloudError) throw err;
      throw new LocalCloudError(err.message);
    });
    this.started = true;
    const planned = this.planPools(this.ctx.ids);
    await this.applyPools(planned);
  }

  /**
   * Infra live reload: the new template's pool settings (password policy, clients, …) apply at
   * once; users, their tokens and the signing keys stay. The pools' ids go into the new assembly's
   * table now, since the services planned after this one resolve them; nothing is stored until
   * `apply`, so a reload another service refuses leaves the pools as they were.
   */
  reload(ctx: ServiceContext): ReloadPlan {
    const planned = this.planPools(ctx.ids);
    const changes = planned
      .filter(({ logicalId, spec }) => this.ensured.get(logicalId) !== spec)
      .map(({ logicalId }) => `${this.ensured.has(logicalId) ? '' : '+ '}user pool ${logicalId}`);
    return { changes, apply: () => this.applyPools(planned) };
  }

  /**
   * The template's pools as they would run, each pool's and client's id written into `ids`; new
   * ids are drawn, nothing is stored.
   */
  private planPools(ids: PhysicalIds): TemplatePool[] {
    return readUserPools(ids).map((pool) => {
      const planned = this.cognito.planUserPool(pool.spec);
      const { region } = pool.resource.stack;
      ids.set(pool.resource.stack, pool.resource.logicalId, planned.userPoolId, {
        Arn: `arn:aws:cognito-idp:${region}:${LOCAL_ACCOUNT_ID}:userpool/${planned.userPoolId}`,
        ProviderName: `cognito-idp.${region}.amazonaws.com/${planned.userPoolId}`,
        ProviderURL: planned.issuer,
        UserPoolId: planned.userPoolId,
      });
      const clientIds: string[] = [];
      for (const client of pool.clientResources) {
        const clientId = planned.clientIds[client.logicalId];
        if (clientId === undefined) continue;
        ids.set(client.stack, client.logicalId, clientId, { ClientId: clientId });
        clientIds.push(clientId);
      }
      return {
        logicalId: pool.spec.logicalId,
        spec: JSON.stringify(pool.spec),
        planned,
        running: { id: planned.userPoolId, clientId: clientIds[0] ?? '', clientIds, region },
      };
    });
  }

  /** Stores the planned pools whose spec changed since last applied, and runs them all. */
  private async applyPools(pools: readonly TemplatePool[]): Promise<void> {
    for (const { logicalId, spec, planned } of pools) {
      // An unchanged pool needs nothing written.
      if (this.ensured.get(logicalId) === spec) continue;
      await this.cognito.applyUserPool(planned);
      this.ensured.set(logicalId, spec);
    }
    this.running.clear();
    for (const { running } of pools) this.running.set(running.id, running);
  }

  stop(): Promise<void> {
    return this.cognito.stop();
  }

  describe(): ServiceDescription {
    const described = this.cognito.describe();
    return { ...described, links: [{ label: 'Confirmation codes', url: `${this.cognito.url}/_local/` }] };
  }

  localViews(): ReadonlyMap<string, () => unknown> {
    return new Map([['codes', () => this.confirmationCodes()]]);
  }

  /** The template's pools, in template order. */
  userPools(): readonly RunningUserPool[] {
    return [...this.running.values()];
  }

  /** App client ids of a pool (what the authorizer accepts as `aud`). */
  clientIds(userPoolId: string): string[] {
    return [...(this.running.get(userPoolId)?.clientIds ?? [])];
  }

  /** The pool's public signing keys. */
  jwks(userPoolId: string): { keys: JsonWebKey[] } {
    return this.cognito.jwks(userPoolId);
  }

  /** Claims signed with the pool's own key: for tests that forge tokens the pool would never issue. */
  signWithPoolKey(userPoolId: string, claims: Record<string, unknown>): string {
    return this.cognito.signWithPoolKey(userPoolId, claims);
  }

  /** Codes the local Cognito "sent", oldest first. */
  confirmationCodes(): ReadonlyArray<CodeRecord> {
    return this.cognito.confirmationCodes();
  }
}

export const cognitoService: ServiceModule<CognitoService> = {
  id: 'cognito',
  name: 'Cognito',
  resourceTypes: ['AWS::Cognito::UserPool', 'AWS::Cognito::UserPoolClient'],
  physicalIds: {
    // Replaced by the local Cognito's ids once the pool exists.
    'AWS::Cognito::UserPool': (resource, arn) => {
      const { region } = resource.stack;
      const id = `${region}_${stableSuffix(resource.logicalId, 9)}`;
      return {
        ref: id,
        attributes: {
          Arn: arn('cognito-idp', `userpool/${id}`),
          ProviderName: `cognito-idp.${region}.amazonaws.com/${id}`,
          ProviderURL: `https://cognito-idp.${region}.amazonaws.com/${id}`,
          UserPoolId: id,
        },
      };
    },
  },
  port: { name: 'cognito', default: 9229 },
  endpointEnv: 'COGNITO_IDENTITY_PROVIDER',
  create: (ctx) =>
    resourcesOf(ctx.assembly, 'AWS::Cognito::UserPool').length > 0 ? new CognitoService(ctx) : undefined,
};
