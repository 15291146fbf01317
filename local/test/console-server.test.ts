/** The console's HTTP side: its pages, the bundled browser code, its own view, and whom it answers. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMPTY_PROFILE, type LocalCloud } from '../src/index.js';
import { stackAssembly } from './support/assembly.js';
import { startTestCloud } from './support/cloud.js';
import { getWithHost } from './support/http.js';

/** A stage with an alarm, a dashboard showing it, and a queue the local cloud does not run. */
const ASSEMBLY = stackAssembly(
  'Monitoring',
  {
    Queue1: { Type: 'AWS::SQS::Queue' },
    Alarm1: {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        AlarmName: 'queue-deep',
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['Queue1', 'QueueName'] } }],
        Statistic: 'Maximum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 10,
        ComparisonOperator: 'GreaterThanThreshold',
      },
    },
    Board: {
      Type: 'AWS::CloudWatch::Dashboard',
      Properties: {
        DashboardName: 'queues',
        DashboardBody: {
          'Fn::Join': [
            '',
            [
              '{"widgets":[{"type":"metric","properties":{"annotations":{"alarms":["',
              { 'Fn::GetAtt': ['Alarm1', 'Arn'] },
              '"]}}}]}',
            ],
          ],
        },
      },
    },
  },
  { stageName: 'Console-dev', region: 'us-east-1' },
);

let cloud: LocalCloud;
let base: URL;

beforeAll(async () => {
  cloud = await startTestCloud({ assembly: ASSEMBLY, profile: EMPTY_PROFILE });
  base = new URL(cloud.url('console'));
}, 60_000);

afterAll(async () => {
  await cloud?.stop();
});

const get = (path: string, host = base.host) => getWithHost(base.href, path, host);

describe('the console', () => {
  it('serves its overview with the diagram inline, what is not emulated, and a policy allowing only its own script', async () => {
    // Act
    const page = await get('/');

    // Assert
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toMatch(/script-src 'self';.*style-src 'self'/);
    expect(page.body).toContain('<script type="module" src="/assets/console.js"></script>');
    expect(page.body).not.toMatch(/<script>|style="/);
    expect(page.body).toMatch(/<g class="node not-emulated" data-node="Monitoring\/Queue1"/);
    expect(page.body).toContain('<td>AWS::SQS::Queue</td><td>Queue1</td>');
  });

  it('bundles its browser code with uPlot on request', async () => {
    // Act
    const script = await get('/assets/console.js');

    // Assert
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.body).toContain('uplot');
    expect(script.body).toContain('Show at full size');
  });

  it("resolves the template's dashboard in its own view, alarm ARNs as CloudWatch forms them", async () => {
    // Act
    const view = JSON.parse((await get('/_local/dashboard')).body) as {
      dashboards: Array<{
        name: string;
        widgets: Array<{ properties: { annotations: { alarms: string[] } } }>;
      }>;
    };

    // Assert
    expect(view.dashboards.map((d) => d.name)).toEqual(['queues']);
    expect(view.dashboards[0]?.widgets[0]?.properties.annotations.alarms).toEqual([
      'arn:aws:cloudwatch:us-east-1:000000000000:alarm:queue-deep',
    ]);
  });

  it('refuses its pages and scripts to a request addressed to another host (DNS rebinding)', async () => {
    // Act
    const statuses = await Promise.all(
      ['/', '/dashboard', '/assets/console.js', '/architecture.svg'].map(
        async (path) => (await get(path, `rebound.example:${base.port}`)).status,
      ),
    );

    // Assert
    expect(statuses).toEqual([403, 403, 403, 403]);
  });

  it('answers 404 for a path that is neither a page, an asset nor a view', async () => {
    // Act
    const missing = await get('/assets/../etc/passwd');

    // Assert
    expect(missing.status).toBe(404);
  });
});
