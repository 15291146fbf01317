/**
 * Integration: the fixture app's deliberate IAM mistakes (`MISSING_GRANTS`), one of each kind,
 * each failing locally the way it fails on AWS, with AWS's own error.
 */
import { describe, expect, it } from 'vitest';
import { LocalIam } from '../src/iam/index.js';
import { iamService } from '../src/iam/module.js';
import type { LocalCloud } from '../src/index.js';
import { physicalIdsOf } from '../src/registry.js';
import { metricKey } from '../src/services/cloudwatch/metrics.js';
import { cloudwatchService } from '../src/services/cloudwatch/module.js';
import { formatSummary } from '../src/summary.js';
import { MISSING_GRANTS } from './fixtures/app.js';
import { notificationsOf } from './support/cloud.js';
import { useFixtureCloud } from './support/fixture-cloud.js';

const lines: string[] = [];
const fixture = useFixtureCloud('iam', { log: (line: string) => lines.push(line), alarmPeriodScale: 0.02 });

const call = (path: string) => fetch(new URL(path, fixture.cloud.url('apigateway')));

function iamOf(running: LocalCloud): LocalIam {
  const iam = running.service(iamService);
  if (!iam) throw new Error('The fixture.cloud runs no IAM.');
  return iam;
}

describe('IAM enforced on the fixture app', () => {
  it('says in the banner that IAM is enforced, and over how many policies', () => {
    // Act
    const banner = formatSummary(fixture.cloud);
    // Assert
    expect(banner).toMatch(/^IAM: enforced \(\d+ policies\)$/m);
  });

  it("refuses a function's DynamoDB call its role is not granted, with DynamoDB's AccessDeniedException", async () => {
    // Act
    const allowed = await call(MISSING_GRANTS.dynamodb.allowedRoute);
    const denied = await call(MISSING_GRANTS.dynamodb.route);
    // Assert
    expect(allowed.status).toBe(200);
    expect(denied.status).toBe(500);
    const error = (await denied.json()) as { name: string; message: string };
    expect(error.name).toBe('AccessDeniedException');
    expect(error.message).toMatch(
      /^User: arn:aws:sts::000000000000:assumed-role\/Fixture-dev-Api-ReaderServiceRole[\w-]+\/Fixture-dev-Api-Reader[\w-]+ is not authorized to perform: dynamodb:Query on resource: arn:aws:dynamodb:eu-west-1:000000000000:table\/Fixture-dev-Data-Table[\w-]+\/index\/byStatus because no identity-based policy allows the dynamodb:Query action$/,
    );
  });

  it('prints each denial once per principal and action, with the policy to change, and counts every one', async () => {
    // Arrange
    await call(MISSING_GRANTS.dynamodb.route);
    // Act
    await call(MISSING_GRANTS.dynamodb.route);
    // Assert
    const denial = iamOf(fixture.cloud)
      .deniedCalls()
      .find((d) => d.action === 'dynamodb:Query');
    expect(denial?.count).toBeGreaterThanOrEqual(2);
    expect(denial?.policyToChange).toMatch(
      /^add "dynamodb:Query" on ".*\/index\/byStatus" to Fixture-dev-Api\/ReaderServiceRoleDefaultPolicy/,
    );
    expect(
      lines.filter((line) => line.startsWith('[IAM] DENIED') && line.includes('dynamodb:Query')),
    ).toHaveLength(1);
    const view = (await (await fetch(new URL('/_local/iam', fixture.cloud.url('console')))).json()) as {
      mode: string;
      denials: Array<{ action: string; count: number }>;
    };
    expect(view.mode).toBe('enforce');
    expect(view.denials.find((d) => d.action === 'dynamodb:Query')?.count).toBe(denial?.count);
  });

  it("answers API Gateway's 500 when a method's function has no Lambda permission for it", async () => {
    // Act
    const permitted = await call('public');
    const unpermitted = await call(MISSING_GRANTS.lambdaPermission.route);
    // Assert
    expect(permitted.status).toBe(200);
    expect(unpermitted.status).toBe(500);
    expect(await unpermitted.json()).toEqual({ message: 'Internal server error' });
    expect(lines).toContainEqual(
      expect.stringContaining(
        'Execution failed due to configuration error: Invalid permissions on Lambda function',
      ),
    );
  });

  it('publishes an alarm only to the topics whose topic and key policies let CloudWatch, as the alarm history says', async () => {
    // Act: a crash is a 5XX, which raises the alarm notifying all three topics.
    await call('files/crash');
    // Assert
    await expect
      .poll(() => notificationsOf(fixture.cloud).filter((n) => n.alarmName.includes('Api5xx')).length, {
        timeout: 5000,
      })
      .toBeGreaterThan(0);
    const topics = notificationsOf(fixture.cloud).map((n) => n.topicArn.split(':').pop());
    expect(topics.some((name) => name?.includes(MISSING_GRANTS.topicPolicy.topic))).toBe(false);
    expect(topics.some((name) => name?.includes(MISSING_GRANTS.keyPolicy.topic))).toBe(false);
    expect(lines).toContainEqual(
      expect.stringMatching(
        /Failed to execute action arn:aws:sns:eu-west-1:000000000000:Fixture-dev-Monitoring-Ops[\w-]+\. Received error: "Resource: arn:aws:cloudwatch:eu-west-1:000000000000:alarm:[\w-]+ is not authorized to perform: SNS:Publish on resource: arn:aws:sns:eu-west-1:000000000000:Fixture-dev-Monitoring-Ops[\w-]+"$/,
      ),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(
        /Encrypted[\w-]+\. Received error: "CloudWatch Alarms does not have authorization to access the SNS topic encryption key\."$/,
      ),
    );
  });

  it('drops the logs of a function whose role may not write its log group, and says so loudly', async () => {
    // Act
    const response = await call(MISSING_GRANTS.logs.route);
    // Assert
    expect(response.status).toBe(200);
    await expect
      .poll(() =>
        lines.some(
          (line) =>
            line.startsWith(`[${MISSING_GRANTS.logs.function}`) && line.includes('ERROR something failed'),
        ),
      )
      .toBe(true);
    const watch = fixture.cloud.service(cloudwatchService);
    const points = watch?.metrics.datapoints(metricKey('Fixture', 'QuietErrors', {}), 0, Date.now() + 1);
    expect(points).toEqual([]);
    expect(lines).toContainEqual(
      expect.stringMatching(/\[IAM\] Fixture-dev-Api-Quiet[\w-]+'s logs are DROPPED/),
    );
  });
});

describe('IAM modes', () => {
  const denied = (iam: LocalIam) =>
    iam.authorize({
      principal: iam.sessionPrincipal('arn:aws:iam::000000000000:role/NotInTheTemplate', 'fn'),
      action: 'dynamodb:GetItem',
      resource: 'arn:aws:dynamodb:eu-west-1:000000000000:table/T',
    });

  /** The fixture's IAM in another mode, and the lines it prints. */
  function iamIn(mode: 'warn' | 'off'): { iam: LocalIam; printed: string[] } {
    const printed: string[] = [];
    const iam = new LocalIam({
      ids: physicalIdsOf(fixture.cloud.assembly),
      mode,
      log: (l) => printed.push(l),
    });
    return { iam, printed };
  }

  it('in warn mode prints the denial and lets the call through', () => {
    // Arrange
    const { iam, printed } = iamIn('warn');
    // Act
    const result = denied(iam);
    // Assert
    expect(result.allowed).toBe(true);
    expect(printed[0]).toMatch(/^\[IAM\] would be DENIED on AWS/);
    expect(printed).toContainEqual(expect.stringContaining('not in the template'));
  });

  it('in off mode evaluates nothing', () => {
    // Arrange
    const { iam, printed } = iamIn('off');
    // Act
    const result = denied(iam);
    // Assert
    expect(result.allowed).toBe(true);
    expect(printed).toEqual([]);
    expect(iam.describe().status).toMatch(/^off/);
  });
});
