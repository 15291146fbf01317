/**
 * A small CDK app written to a temporary folder inside the repository (so its imports resolve from
 * the repo's node_modules), for the live-reload tests to edit as a developer would: a table, a
 * user pool, a REST API, one `NodejsFunction` per route, each carrying the handler metadata
 * the local cloud rebuilds it from, and an alarm on the first route's invocations. Its routes, key
 * schema, environment, alarm threshold and handler are plain text to replace.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../src/assembly/index.js';

export interface LiveAppSource {
  /** Public routes, each its own function running `handler.ts`. */
  readonly routes: readonly string[];
  /** The table's sort key attribute. */
  readonly sortKey: string;
  /** The answer `handler.ts` gives (it imports it from `message.ts`). */
  readonly message: string;
  /** Each route's `GREETING` variable, which its answer carries (none when absent). */
  readonly greetings: Readonly<Record<string, string>>;
  /** The alarm on the first route's invocations (a 1-minute sum) goes off at this many. */
  readonly alarmThreshold: number;
}

export const BASELINE: LiveAppSource = {
  routes: ['hello'],
  sortKey: 'sk',
  message: 'v1',
  greetings: {},
  alarmThreshold: 100,
};

/** The name of the invocations alarm in the app's template (and so of the local alarm). */
export const INVOCATIONS_ALARM = 'live-invocations';

const HANDLER = `import { existsSync } from 'node:fs';
import { MESSAGE } from './message.js';
// The answer names the process: a test tells a warm environment from a new one. With ?hold the
// invocation runs until the app's release file exists: a request a test keeps in flight.
export const handler = async (event: { path: string; queryStringParameters?: Record<string, string> | null }) => {
  if (event.queryStringParameters?.hold !== undefined)
    while (!existsSync(process.env.RELEASE_FILE ?? '')) await new Promise((resolve) => setTimeout(resolve, 20));
  return {
    statusCode: 200,
    body: JSON.stringify({
      message: MESSAGE,
      route: process.env.ROUTE,
      greeting: process.env.GREETING ?? null,
      pid: process.pid,
      path: event.path,
    }),
  };
};
`;

function appSource({ routes, sortKey, greetings, alarmThreshold }: LiveAppSource): string {
  return `import { join, relative } from 'node:path';
import { App, Duration, Stack, Stage } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';

const HERE = ${JSON.stringify('%HERE%')};
const REPO_ROOT = ${JSON.stringify(REPO_ROOT)};
export const ROUTES = ${JSON.stringify(routes)};
const GREETINGS = new Map<string, string>(${JSON.stringify(Object.entries(greetings))});

export function buildApp(outdir: string, skipFunctionBundling: boolean): App {
  const app = new App({
    outdir,
    builtinCloudFormationValidation: false,
    analyticsReporting: false,
    context: skipFunctionBundling ? { 'aws:cdk:bundling-stacks': [] } : {},
  });
  const stage = new Stage(app, 'Live-dev', { env: { region: 'eu-west-1', account: '123456789012' } });
  const stack = new Stack(stage, 'Api');
  const table = new dynamodb.Table(stack, 'Items', {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    sortKey: { name: ${JSON.stringify(sortKey)}, type: dynamodb.AttributeType.STRING },
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
  });
  const pool = new cognito.UserPool(stack, 'Users', { selfSignUpEnabled: true, signInAliases: { email: true } });
  const client = pool.addClient('Web', { authFlows: { userPassword: true } });
  const rest = new apigw.RestApi(stack, 'Rest', { deployOptions: { stageName: 'v1' } });
  const authorizer = new apigw.CognitoUserPoolsAuthorizer(stack, 'Authorizer', { cognitoUserPools: [pool] });
  const bundling = { format: nodejs.OutputFormat.ESM, minify: true, sourceMap: true };
  const entry = join(HERE, 'handler.ts');
  for (const route of [...ROUTES, 'secure']) {
    const greeting = GREETINGS.get(route);
    const fn = new nodejs.NodejsFunction(stack, route, {
      entry,
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_20_X,
      // Long enough for a request held in flight across an infra reload (a synth in a fresh process).
      timeout: Duration.seconds(25),
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      environment: {
        ROUTE: route,
        TABLE_NAME: table.tableName,
        CLIENT_ID: client.userPoolClientId,
        RELEASE_FILE: join(HERE, 'release'),
        ...(greeting === undefined ? {} : { GREETING: greeting }),
      },
      bundling,
    });
    (fn.node.defaultChild as lambda.CfnFunction).addMetadata('local-cloud:handler', {
      entry: relative(REPO_ROOT, entry),
      bundling,
    });
    const options = route === 'secure' ? { authorizer, authorizationType: apigw.AuthorizationType.COGNITO } : {};
    rest.root.addResource(route).addMethod('GET', new apigw.LambdaIntegration(fn), options);
    if (route === ROUTES[0])
      fn.metricInvocations({ period: Duration.minutes(1), statistic: 'Sum' }).createAlarm(stack, 'Invocations', {
        alarmName: ${JSON.stringify(INVOCATIONS_ALARM)},
        threshold: ${alarmThreshold},
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      });
  }
  return app;
}
`;
}

const PROFILE = `import { buildApp } from './app.js';
export const profile = {
  synthesize: ({ outdir, skipFunctionBundling }: { outdir: string; skipFunctionBundling?: boolean }) =>
    buildApp(outdir, skipFunctionBundling === true).synth(),
};
`;

/** The app's folder and its files, to edit while a local cloud runs it. */
export class LiveApp {
  readonly dir: string;

  constructor(source: LiveAppSource = BASELINE) {
    const root = join(REPO_ROOT, '.local-cloud');
    mkdirSync(root, { recursive: true });
    this.dir = mkdtempSync(join(root, 'test-live-app-'));
    writeFileSync(join(this.dir, 'handler.ts'), HANDLER);
    writeFileSync(join(this.dir, 'profile.ts'), PROFILE);
    this.write(source);
  }

  get profileFile(): string {
    return join(this.dir, 'profile.ts');
  }

  get handlerFile(): string {
    return join(this.dir, 'handler.ts');
  }

  /** Requests made with `?hold` answer once this exists. */
  get releaseFile(): string {
    return join(this.dir, 'release');
  }

  /** Saves the app as `source` says (only the files whose text changes). */
  write(source: LiveAppSource): void {
    this.save('app.ts', appSource(source).replace('%HERE%', this.dir));
    this.save('message.ts', `export const MESSAGE = ${JSON.stringify(source.message)};\n`);
  }

  /** Saves a file of the app with this text, as an editor would (nothing when the text is the same). */
  save(name: string, text: string): void {
    const file = join(this.dir, name);
    if (existsSync(file) && readFileSync(file, 'utf8') === text) return;
    writeFileSync(file, text);
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
