/**
 * Smoke test of a deployed stage, from the pipeline or a laptop:
 *   npm run smoke -- --stage dev                      (reads the URLs from the stage's stack outputs)
 *   npm run smoke -- --web-url <url> --api-url <url>  (the pipeline passes its stack outputs)
 * Exit codes: 0 passed, 1 a check failed or the outputs could not be read, 2 bad arguments.
 */
import { parseArgs } from 'node:util';
import { isHttpUrl } from '@tasktracker/web/runtime-config';
import { getStageConfig } from '../src/config/stages.js';
import {
  type DeployedStack,
  runSmokeChecks,
  type SmokeTargets,
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

async function resolveTargets(values: Record<string, string | undefined>): Promise<SmokeTargets> {
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
    return stageTargetsFromStacks(stage, await describeStageStacks(stage, region));
  }
  if (webUrl === undefined || apiUrl === undefined)
    throw new UsageError('give --stage, or both --web-url and --api-url');
  return { webUrl: httpUrl('web-url', webUrl), apiUrl: httpUrl('api-url', apiUrl) };
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
  const targets = await resolveTargets(strings);
  console.log(`smoke test: web ${targets.webUrl}, api ${targets.apiUrl}`);
  const passed = await runSmokeChecks(targets, {
    ...(attempts === undefined ? {} : { attempts }),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    log: (line) => console.log(line),
  });
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
