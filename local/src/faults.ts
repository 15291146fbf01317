/**
 * Fault injection: the one small registry of the faults the local services honour. A service
 * defines the kinds it implements (a Lambda handler that throws, injected latency, DynamoDB
 * throttling, a stress process in the web task); the console (`POST /_local/faults`) and the game
 * day inject them by kind and target, and the service asks the registry on each call whether a
 * fault is active for it. Kinds are named after what AWS Fault Injection Service does on AWS
 * where it has a counterpart (`aws:lambda:invocation-error` → `lambda-error`).
 */
import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LocalService, ReloadPlan, ServiceDescription, ServiceModule } from './service.js';
import type { ActiveFault, FaultKindDescription, FaultParameterSpec, FaultsView } from './views.js';

/** The header a state-changing console request must carry, with the token the console holds. */
export const FAULT_TOKEN_HEADER = 'x-local-cloud-token';
/** The largest fault request body accepted. */
const MAX_FAULT_BODY_BYTES = 16 * 1024;

export type { ActiveFault, FaultParameterSpec };

/** What a service declares for one kind of fault it honours. */
export interface FaultKind {
  /** `lambda-error`, `lambda-latency`, `dynamodb-throttle`, … */
  readonly name: string;
  readonly description: string;
  /** Names of what the fault can target (function names, table names, service names). */
  targets(): readonly string[];
  readonly parameters?: Readonly<Record<string, FaultParameterSpec>>;
  /** Called once when the fault is injected (a stress process starts); its failure refuses the fault. */
  start?(fault: ActiveFault): void | Promise<void>;
  /** Called once when the fault is cleared. */
  stop?(fault: ActiveFault): void | Promise<void>;
}

/** What a client asks for: `{ kind, target, parameters? }`. */
export interface FaultRequest {
  readonly kind: unknown;
  readonly target: unknown;
  readonly parameters?: unknown;
}

/** A request the registry refuses; the message names the field and what is valid. */
export class FaultError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 404 | 409 = 400,
  ) {
    super(message);
    this.name = 'FaultError';
  }
}

export class FaultRegistry {
  private readonly kinds = new Map<string, FaultKind>();
  private readonly faults = new Map<string, ActiveFault>();
  /** Kinds defined while held, kept or dropped by `release`. */
  private held: Map<string, FaultKind> | undefined;

  /** Declares a kind a service honours; a second definition of one name is a programming error. */
  define(kind: FaultKind): void {
    if (this.kinds.has(kind.name) || this.held?.has(kind.name))
      throw new Error(`The fault kind ${kind.name} is defined twice.`);
    (this.held ?? this.kinds).set(kind.name, kind);
  }

  /**
   * Holds back the kinds defined from now on: a live reload creates the services it adds while it
   * plans, and only a reload that applies may leave their kinds behind.
   */
  hold(): void {
    this.held = new Map();
  }

  /** Ends `hold`: the held kinds are defined (`keep`) or forgotten. */
  release(keep: boolean): void {
    const held = this.held;
    this.held = undefined;
    if (keep) for (const kind of held?.values() ?? []) this.define(kind);
  }

  /** Validates and activates a fault; refuses a second fault of one kind on one target (409). */
  async inject(request: FaultRequest): Promise<ActiveFault> {
    const kind = typeof request.kind === 'string' ? this.kinds.get(request.kind) : undefined;
    if (!kind)
      throw new FaultError(`kind must be one of ${[...this.kinds.keys()].join(', ') || '(none defined)'}.`);
    const targets = kind.targets();
    if (typeof request.target !== 'string' || !targets.includes(request.target))
      throw new FaultError(`target of ${kind.name} must be one of ${targets.join(', ') || '(none)'}.`);
    if (this.active(kind.name, request.target))
      throw new FaultError(`${kind.name} is already active on ${request.target}; clear it first.`, 409);
    const fault: ActiveFault = {
      id: randomUUID(),
      kind: kind.name,
      target: request.target,
      parameters: parametersOf(kind, request.parameters),
      since: new Date().toISOString(),
    };
    await kind.start?.(fault);
    this.faults.set(fault.id, fault);
    return fault;
  }

  /** The active fault of a kind on a target, if any: what a service asks on each call. */
  active(kind: string, target: string): ActiveFault | undefined {
    for (const fault of this.faults.values())
      if (fault.kind === kind && fault.target === target) return fault;
    return undefined;
  }

  list(): readonly ActiveFault[] {
    return [...this.faults.values()];
  }

  /** Clears one fault by id (404 when there is none), or every fault. */
  async clear(id?: string): Promise<readonly ActiveFault[]> {
    const cleared = id === undefined ? [...this.faults.values()] : [this.faults.get(id)];
    if (cleared.some((fault) => fault === undefined)) throw new FaultError(`No active fault ${id}.`, 404);
    for (const fault of cleared as ActiveFault[]) {
      this.faults.delete(fault.id);
      await this.kinds.get(fault.kind)?.stop?.(fault);
    }
    return cleared as ActiveFault[];
  }

  /** The kinds with their targets and parameters, for the console and `GET /_local/faults`. */
  describeKinds(): FaultKindDescription[] {
    return [...this.kinds.values()].map((kind) => ({
      name: kind.name,
      description: kind.description,
      targets: kind.targets(),
      parameters: kind.parameters ?? {},
    }));
  }
}

function parametersOf(kind: FaultKind, raw: unknown): Record<string, number | string> {
  if (raw !== undefined && (typeof raw !== 'object' || raw === null || Array.isArray(raw)))
    throw new FaultError('parameters must be an object.');
  const given = new Map(Object.entries((raw ?? {}) as Record<string, unknown>));
  const specs = new Map(Object.entries(kind.parameters ?? {}));
  const unknown = [...given.keys()].filter((name) => !specs.has(name));
  if (unknown.length > 0)
    throw new FaultError(
      `parameters.${unknown[0]} is not a parameter of ${kind.name} (it takes ${[...specs.keys()].join(', ') || 'none'}).`,
    );
  const parameters: Record<string, number | string> = Object.create(null);
  for (const [name, spec] of specs) {
    const value = given.get(name) ?? spec.default;
    if (spec.type === 'number') {
      if (typeof value !== 'number' || !Number.isFinite(value) || value < spec.min || value > spec.max)
        throw new FaultError(`parameters.${name} must be a number from ${spec.min} to ${spec.max}.`);
    } else if (typeof value !== 'string' || !spec.choices.includes(value)) {
      throw new FaultError(`parameters.${name} must be one of ${spec.choices.join(', ')}.`);
    }
    parameters[name] = value;
  }
  return parameters;
}

/** The running registry, as a local service: its view lists the kinds and the active faults. */
export class LocalFaults implements LocalService {
  readonly registry = new FaultRegistry();

  async start(): Promise<void> {}

  /**
   * Infra live reload: a service the reload adds defines its kinds when it is created, while the
   * reload is planned; they count only once it applies.
   */
  reload(): ReloadPlan {
    this.registry.hold();
    return {
      changes: [],
      apply: () => this.registry.release(true),
      discard: () => this.registry.release(false),
    };
  }

  /** Clears every fault, so no stress process outlives the cloud. */
  async stop(): Promise<void> {
    await this.registry.clear();
  }

  describe(): ServiceDescription {
    return { name: 'Faults', resources: [] };
  }

  localViews(): ReadonlyMap<string, () => unknown> {
    return new Map([
      ['faults', (): FaultsView => ({ active: this.registry.list(), kinds: this.registry.describeKinds() })],
    ]);
  }
}

/**
 * `POST /_local/faults` (`{ kind, target, parameters? }`, 201 with the fault), `DELETE
 * /_local/faults` (every fault) and `DELETE /_local/faults/<id>`. Only a request that carries the
 * console's token and comes from the console's own origin may change faults: a page on another
 * site can neither read the token nor pass the origin checks.
 */
export async function changeFaults(
  req: IncomingMessage,
  res: ServerResponse,
  registry: FaultRegistry,
  guard: { readonly token: string; readonly origins: readonly string[] },
): Promise<ServerResponse> {
  const send = (status: number, body: unknown): ServerResponse =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  const site = req.headers['sec-fetch-site'];
  const origin = req.headers.origin;
  if (
    (site !== undefined && site !== 'same-origin' && site !== 'none') ||
    (origin !== undefined && !guard.origins.includes(origin))
  ) {
    req.resume();
    return send(403, { message: 'Faults can be changed from the console’s own origin only.' });
  }
  if (!sameToken(req.headers[FAULT_TOKEN_HEADER], guard.token)) {
    req.resume();
    return send(401, {
      message: `Send the console's token in the ${FAULT_TOKEN_HEADER} header (the start-up banner shows it).`,
    });
  }
  const id = new URL(req.url ?? '/', 'http://127.0.0.1').pathname.split('/')[3];
  try {
    if (req.method === 'DELETE') {
      const cleared = await registry.clear(
        id === undefined || id === '' ? undefined : decodeURIComponent(id),
      );
      req.resume();
      return send(200, { cleared });
    }
    if (id) throw new FaultError('POST to /_local/faults itself; DELETE takes a fault id.', 404);
    if (!String(req.headers['content-type'] ?? '').startsWith('application/json'))
      throw new FaultError('The body must be JSON (content-type: application/json).');
    const request = parseFaultRequest(await readBody(req));
    return send(201, await registry.inject(request));
  } catch (err) {
    if (!(err instanceof FaultError)) throw err;
    req.resume();
    return send(err.status, { message: err.message });
  }
}

function sameToken(given: string | string[] | undefined, token: string): boolean {
  if (typeof given !== 'string' || given.length !== token.length) return false;
  return timingSafeEqual(Buffer.from(given), Buffer.from(token));
}

async function readBody(req: IncomingMessage): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_FAULT_BODY_BYTES)
      throw new FaultError(`The body is larger than ${MAX_FAULT_BODY_BYTES} bytes.`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseFaultRequest(text: string): FaultRequest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new FaultError('The body is not valid JSON.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new FaultError('The body must be an object: { "kind", "target", "parameters"? }.');
  return value as FaultRequest;
}

/** The registry entry of fault injection: no resources, created first, used by the services that honour faults. */
export const faultsService: ServiceModule<LocalFaults> = {
  id: 'faults',
  name: 'Faults',
  resourceTypes: [],
  create: () => new LocalFaults(),
};
