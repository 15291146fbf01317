/**
 * Smoke test of a deployed stage, from the pipeline or a laptop:
 *   npm run smoke -- --stage dev                      (reads the URLs from the stage's stack outputs,
 *                                                      and lists the alarm topic's subscriptions)
 *   npm run smoke -- --web-url <url> --api-url <url>  (the pipeline passes its stack outputs)
 * Exit codes: 0 passed, 1 a check failed, an alarm subscription is pending confirmation or the
 * outputs could not be read, 2 bad arguments.
 */
import { parseArgs } from 'node:util';
import { isHttpUrl } from '@tasktracker/web/runtime-config';
import { getStageConfig } from '../src/config/stages.js';
import {
  type DeployedStack,
  runSmokeChecks,
  type SmokeTargets,
  stageAlarmTopicArn,
  stageTargetsFromStacks,
} from '../src/smoke.js';

const USAGE =
  'usage: smoke (--stage <name> | --web-url <url> --api-url <url>) [--attempts <n>] [--timeout-ms <ms>]';

/** A mistake in the command line: reported with the usage, exit code 2. */
class UsageError extends Error {}

function positiveInt(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new UsageError(`--${name} must be a positive integer, got "${raw}"`);
  return value;
}

function httpUrl(name: string, raw: string): string {
  if (!isHttpUrl(raw)) throw new UsageError(`--${name} must be an absolute http(s) URL, got "${raw}"`);
  return raw;
}

async function describeStageStacks(stage: string, region: string | undefined): Promise<DeployedStack[]> {
  // Loaded only for --stage, so the pipeline's URL mode needs no AWS SDK at all.
  const { CloudFormationClient, paginateDescribeStacks } = await import('@aws-sdk/client-cloudformation');
  const client = new CloudFormationClient(region ? { region } : {});
  // Checked up front: the SDK's own "Region is missing" does not say what to set.
  try {
    await client.config.region();
  } catch {
    client.destroy();
    throw new Error(
      `no AWS region to read stage "${stage}" from: set AWS_REGION (or AWS_PROFILE with a region), or pin region in the stage's config`,
    );
  }
  const stacks: DeployedStack[] = [];
  try {
    for await (const page of paginateDescribeStacks({ client }, {})) {
      stacks.push(...(page.Stacks ?? []).filter((s) => s.StackName?.startsWith(`TaskTracker-${stage}-`)));
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new Error(
      `cannot read the outputs of stage "${stage}" from CloudFormation: ${reason} (check AWS credentials and region, e.g. AWS_PROFILE and AWS_REGION)`,
    );
  } finally {
    client.destroy();
  }
  return stacks;
}

/**
 * Lists the alarm topic's subscriptions, one line each; throws when one is pending confirmation
 * (its alarms reach nobody) or the list cannot be read.
 */
async function checkAlarmSubscriptions(topicArn: string, log: (line: string) => void): Promise<void> {
  // Loaded only for --stage, like the CloudFormation client.
  const { SNSClient } = await import('@aws-sdk/client-sns');
  const { alarmSubscriptions, subscriptionReport } = await import('../src/smoke-subscriptions.js');
  // The topic's own region: `arn:<partition>:sns:<region>:<account>:<name>`.
  const client = new SNSClient({ region: topicArn.split(':')[3] ?? '' });
  let report: ReturnType<typeof subscriptionReport>;
  try {
    report = subscriptionReport(await alarmSubscriptions(client, topicArn));
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new Error(`cannot list the subscriptions of the alarm topic ${topicArn}: ${reason}`);
  } finally {
    client.destroy();
  }
  for (const line of report.lines) log(line);
  if (report.pending > 0) {
    throw new Error(
      `${report.pending} alarm subscription(s) pending confirmation: the stage's alarms do not reach them (see the lines above)`,
    );
  }
}

/** What to probe: the URLs, and with --stage the alarm topic whose subscriptions to list. */
interface Resolved {
  readonly targets: SmokeTargets;
  readonly alarmTopic?: { readonly arn: string | undefined; readonly stage: string };
}

async function resolveTargets(values: Record<string, string | undefined>): Promise<Resolved> {
  const { stage } = values;
  const webUrl = values['web-url'];
  const apiUrl = values['api-url'];
  if (stage !== undefined) {
    if (webUrl !== undefined || apiUrl !== undefined)
      throw new UsageError('give either --stage or --web-url/--api-url, not both');
    let region: string | undefined;
    try {
      region = getStageConfig(stage).region;
    } catch (error) {
      throw new UsageError(error instanceof Error ? error.message : String(error));
    }
    const stacks = await describeStageStacks(stage, region);
    return {
      targets: stageTargetsFromStacks(stage, stacks),
      alarmTopic: { arn: stageAlarmTopicArn(stage, stacks), stage },
    };
  }
  if (webUrl === undefined || apiUrl === undefined)
    throw new UsageError('give --stage, or both --web-url and --api-url');
  return { targets: { webUrl: httpUrl('web-url', webUrl), apiUrl: httpUrl('api-url', apiUrl) } };
}

async function main(argv: string[]): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        stage: { type: 'string' },
        'web-url': { type: 'string' },
        'api-url': { type: 'string' },
        attempts: { type: 'string' },
        'timeout-ms': { type: 'string' },
        help: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const strings = Object.fromEntries(
    Object.entries(values).map(([key, value]) => [key, typeof value === 'string' ? value : undefined]),
  );
  const attempts = positiveInt('attempts', strings.attempts);
  const timeoutMs = positiveInt('timeout-ms', strings['timeout-ms']);
  const { targets, alarmTopic } = await resolveTargets(strings);
  const log = (line: string) => console.log(line);
  console.log(`smoke test: web ${targets.webUrl}, api ${targets.apiUrl}`);
  const passed = await runSmokeChecks(targets, {
    ...(attempts === undefined ? {} : { attempts }),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    log,
  });
  if (alarmTopic?.arn !== undefined) await checkAlarmSubscriptions(alarmTopic.arn, log);
  else if (alarmTopic) {
    log(
      `note alarm subscriptions not checked: no stack of stage "${alarmTopic.stage}" has the AlarmTopicArn output`,
    );
  }
  console.log(`smoke test passed: ${passed.length} checks`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    console.error(error instanceof UsageError ? `error: ${message} (${USAGE})` : `error: ${message}`);
    process.exitCode = error instanceof UsageError ? 2 : 1;
  },
);
