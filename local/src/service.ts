/**
 * The one small interface every emulated service implements. The local cloud starts
 * services in dependency order, prints their descriptions, and stops them in reverse.
 */

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
}

export interface ServiceDescription {
  /** Service name as the summary prints it: `DynamoDB`, `Cognito`, `API Gateway`, … */
  readonly name: string;
  readonly resources: readonly EmulatedResource[];
}

export interface LocalService {
  /** Start listening / running; resolves when the service is ready for clients. */
  start(): Promise<void>;
  /** Stop and release every port, process and file handle; safe to call twice. */
  stop(): Promise<void>;
  describe(): ServiceDescription;
}
