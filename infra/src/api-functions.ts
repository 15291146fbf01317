import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { API_ENV } from '@tasktracker/api/env';
import { handlerEntry, type Route } from '@tasktracker/api/routes';
import { TABLE_SCHEMA } from '@tasktracker/api/table-schema';
import { Duration, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { customMetricsNamespace } from './config/monitoring.js';
import type { StageConfig } from './config/stages.js';
import { HANDLER, HANDLER_BUNDLING_OPTIONS, HANDLER_RUNTIME, handlerCode } from './handler-bundles.js';
import { removalPolicyOf } from './removal.js';

/** The repository root, which the local cloud resolves handler entries (metadata) against. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Metadata key on each function's resource: its handler entry (relative to the repository root)
 * and the bundling options below, from which the local cloud rebuilds the function on save.
 */
export const LOCAL_HANDLER_METADATA_KEY = 'tasktracker:local-handler';

/** Service name the functions report under (Powertools). */
export const API_SERVICE_NAME = 'tasktracker-api';

/** Timeout of every API function: they make at most two DynamoDB calls. */
export const FUNCTION_TIMEOUT = Duration.seconds(10);

export interface RouteFunctionProps {
  /** The route the function serves. */
  readonly route: Route;
  /** The tasks table; the function gets exactly `route.tableActions` on it. */
  readonly table: dynamodb.ITableV2;
  /** Name (metrics namespace), log level, log retention and removal of the stage. */
  readonly config: Pick<StageConfig, 'name' | 'logLevel' | 'logRetentionDays' | 'removalPolicy'>;
  /** Value of `Access-Control-Allow-Origin` on the function's responses. */
  readonly corsAllowedOrigin: string;
}

/** One route's Lambda function: esbuild-bundled ESM on ARM64, its own log group and table grant. */
export class RouteFunction extends Construct {
  public readonly function: lambda.Function;
  /** The function's log group (retention from the stage config). */
  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: RouteFunctionProps) {
    super(scope, id);
    const { route, table, config } = props;
    const usesTable = route.tableActions.length > 0;

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: config.logRetentionDays,
      removalPolicy: removalPolicyOf(config),
    });

    // An own role instead of AWSLambdaBasicExecutionRole: it may write to this log group only.
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs ${route.method} ${route.path}`,
    });
    this.logGroup.grantWrite(role);

    // Bundled with the API's own settings: the bundle its tests run is the one that deploys, with
    // everything it loads inside (no runtime-provided AWS SDK) and the runtime's Node target.
    const entry = handlerEntry(route);
    this.function = new lambda.Function(this, 'Function', {
      role,
      code: handlerCode(entry),
      handler: HANDLER,
      runtime: HANDLER_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      memorySize: route.memoryMb,
      timeout: FUNCTION_TIMEOUT,
      tracing: lambda.Tracing.ACTIVE,
      logGroup: this.logGroup,
      // JSON: the runtime's own failures (uncaught errors, timeouts, init errors) become records
      // with fields, which the error metric filter selects without matching any message text.
      // Failed-run reports are WARN records, so the system level keeps them; INFO adds each
      // invocation's report (duration, memory).
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel[config.logLevel],
      systemLogLevelV2: lambda.SystemLogLevel.INFO,
      description: `${route.method} ${route.path}`,
      environment: {
        ...(usesTable ? { [API_ENV.tableName]: table.tableName } : {}),
        [API_ENV.logLevel]: config.logLevel,
        [API_ENV.serviceName]: API_SERVICE_NAME,
        [API_ENV.metricsNamespace]: customMetricsNamespace(config.name),
        [API_ENV.corsAllowedOrigin]: props.corsAllowedOrigin,
        NODE_OPTIONS: '--enable-source-maps',
      },
    });
    (this.function.node.defaultChild as lambda.CfnFunction).addMetadata(LOCAL_HANDLER_METADATA_KEY, {
      entry: relative(REPO_ROOT, entry),
      bundling: HANDLER_BUNDLING_OPTIONS,
    });

    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Active tracing needs xray:PutTraceSegments/PutTelemetryRecords, which have no resource-level permissions.',
    });
    Validations.of(this.function).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'API Gateway invokes the function synchronously and gets its errors; a DLQ only applies to async invocations.',
    });

    if (usesTable) {
      // Only the Query route reads the status index; every other action works on the base table.
      const needsIndex = route.tableActions.includes('dynamodb:Query');
      this.function.addToRolePolicy(
        new iam.PolicyStatement({
          actions: [...route.tableActions],
          resources: [
            table.tableArn,
            ...(needsIndex ? [`${table.tableArn}/index/${TABLE_SCHEMA.statusIndex.name}`] : []),
          ],
        }),
      );
    }
  }
}
