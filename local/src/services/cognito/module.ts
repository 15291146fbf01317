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
import { type CodeRecord, type EnsuredUserPool, LocalCognito } from './index.js';

/** A user pool as it runs locally. */
export interface RunningUserPool {
  readonly id: string;
  /** The first app client's id (the SPA's, in the task tracker). */
  readonly clientId: string;
  readonly clientIds: readonly string[];
  readonly region: string;
}

/** The local Cognito with the template's pools in it. */
export class CognitoService implements LocalService {
  private readonly cognito: LocalCognito;
  private readonly running = new Map<string, RunningUserPool>();
  /** Each pool's spec as last applied and what Cognito answered, by logical id. */
  private readonly ensured = new Map<string, { readonly spec: string; readonly pool: EnsuredUserPool }>();

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
    for (const pool of await this.ensurePools(this.ctx.ids)) this.running.set(pool.id, pool);
  }

  /**
   * Infra live reload: the new template's pool settings (password policy, clients, …) apply at
   * once; users, their tokens and the signing keys stay. The pools' ids go into the new assembly's
   * table now, since the services planned after this one resolve them.
   */
  async reload(ctx: ServiceContext): Promise<ReloadPlan> {
    const before = new Map([...this.ensured].map(([logicalId, { spec }]) => [logicalId, spec]));
    const pools = await this.ensurePools(ctx.ids);
    const changes = [...this.ensured]
      .filter(([logicalId, { spec }]) => before.get(logicalId) !== spec)
      .map(([logicalId]) => `${before.has(logicalId) ? '' : '+ '}user pool ${logicalId}`);
    return {
      changes,
      apply: () => {
        this.running.clear();
        for (const pool of pools) this.running.set(pool.id, pool);
      },
    };
  }

  /** Creates or updates the template's pools and writes their ids into `ids`. */
  private async ensurePools(ids: PhysicalIds): Promise<RunningUserPool[]> {
    const pools: RunningUserPool[] = [];
    for (const pool of readUserPools(ids)) {
      const spec = JSON.stringify(pool.spec);
      // An unchanged pool needs nothing written: its ids are known.
      const known = this.ensured.get(pool.spec.logicalId);
      const ensured = known?.spec === spec ? known.pool : await this.cognito.ensureUserPool(pool.spec);
      this.ensured.set(pool.spec.logicalId, { spec, pool: ensured });
      const { region } = pool.resource.stack;
      ids.set(pool.resource.stack, pool.resource.logicalId, ensured.userPoolId, {
        Arn: `arn:aws:cognito-idp:${region}:${LOCAL_ACCOUNT_ID}:userpool/${ensured.userPoolId}`,
        ProviderName: `cognito-idp.${region}.amazonaws.com/${ensured.userPoolId}`,
        ProviderURL: ensured.issuer,
        UserPoolId: ensured.userPoolId,
      });
      const clientIds: string[] = [];
      for (const client of pool.clientResources) {
        const clientId = ensured.clientIds[client.logicalId];
        if (clientId === undefined) continue;
        ids.set(client.stack, client.logicalId, clientId, { ClientId: clientId });
        clientIds.push(clientId);
      }
      pools.push({ id: ensured.userPoolId, clientId: clientIds[0] ?? '', clientIds, region });
    }
    return pools;
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
