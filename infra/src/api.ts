import { ROUTES } from '@tasktracker/api/routes';
import { CfnOutput, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { ApiFirewall } from './api-firewall.js';
import { RouteFunction } from './api-functions.js';
import { TaskRestApi } from './api-gateway.js';
import { ApiRoutes } from './api-routes.js';
import type { StageConfig } from './config/stages.js';

/** The slice of stage config the API stack uses. */
export type ApiSettings = Pick<
  StageConfig,
  'name' | 'production' | 'apiThrottle' | 'logLevel' | 'logRetentionDays' | 'removalPolicy'
>;

export interface ApiStackProps extends StackProps {
  /** Name, throttling, log level and log retention of the stage. */
  readonly config: ApiSettings;
  /** The tasks table the route functions read and write. */
  readonly table: dynamodb.ITableV2;
  /** The pool whose ID tokens the authorizer accepts. */
  readonly userPool: cognito.IUserPool;
  /** Origin the API allows in CORS, e.g. `https://tasks.example.com`. @default '*' */
  readonly allowedOrigin?: string;
}

/**
 * The REST API stack: the API and its stage, one function per route with its method, the
 * stage's web ACL, and the API URL output.
 */
export class ApiStack extends Stack {
  public readonly api: apigateway.RestApi;
  /** The route functions, by route id. */
  public readonly functions: Readonly<Record<string, RouteFunction>>;
  /** The API's invoke URL (`https://…/v1/`). */
  public readonly apiUrl: CfnOutput;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const { config } = props;
    const allowedOrigin = props.allowedOrigin ?? '*';

    this.api = new TaskRestApi(this, 'Rest', {
      stageName: config.name,
      production: config.production,
      throttle: config.apiThrottle,
      allowedOrigin,
      logs: config,
    }).api;

    const functions = new Map<string, RouteFunction>();
    for (const route of ROUTES) {
      functions.set(
        route.id,
        new RouteFunction(this, route.id, {
          route,
          table: props.table,
          config,
          corsAllowedOrigin: allowedOrigin,
        }),
      );
    }
    this.functions = Object.fromEntries(functions);
    new ApiRoutes(this, 'Routes', {
      api: this.api,
      routes: ROUTES,
      functions: new Map([...functions].map(([routeId, routeFunction]) => [routeId, routeFunction.function])),
      userPool: props.userPool,
    });

    new ApiFirewall(this, 'Firewall', {
      name: `tasktracker-${config.name}-api`,
      stageArn: this.api.deploymentStage.stageArn,
      allowedOrigin,
      logs: config,
    });

    Validations.of(this).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      reason: 'The account-level role API Gateway needs to write execution logs; AWS maintains it.',
    });

    this.apiUrl = new CfnOutput(this, 'ApiUrl', {
      value: this.api.url,
      description: 'Invoke URL of the REST API',
    });
  }
}
