import { ROUTES } from '@tasktracker/api/routes';
import { Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { describe, expect, it } from 'vitest';
import { TaskRestApi } from '../src/api-gateway.js';
import { ApiRoutes } from '../src/api-routes.js';
import { ConstructPropsError } from '../src/props.js';
import { RegionalWebAcl } from '../src/waf.js';
import { WebDomain } from '../src/web-domain.js';
import { WebService } from '../src/web-service.js';
import { testApp } from './support/synth.js';

const LOGS = { logRetentionDays: 14, removalPolicy: 'destroy' } as const;
const stack = () => new Stack(testApp(), 'Test');

describe('constructs check their props before creating anything', () => {
  it('TaskRestApi refuses "*" as the CORS origin of a production stage', () => {
    const scope = stack();
    const build = () =>
      new TaskRestApi(scope, 'Rest', {
        stageName: 'live',
        production: true,
        throttle: { rateLimit: 10, burstLimit: 5 },
        allowedOrigin: '*',
        logs: LOGS,
      });
    const error = (() => {
      try {
        build();
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ConstructPropsError);
    expect((error as Error).message).toBe(
      'Test/Rest: allowedOrigin must be the web app\'s https origin in a production stage (got "*"); throttle.burstLimit must be an integer ≥ throttle.rateLimit',
    );
    // Checked first: nothing was created.
    expect(scope.node.tryFindChild('Rest')?.node.children).toEqual([]);
  });

  it('ApiRoutes refuses a route without a function', () => {
    const scope = stack();
    const build = () =>
      new ApiRoutes(scope, 'Routes', {
        api: new apigateway.RestApi(scope, 'Api'),
        routes: ROUTES,
        functions: new Map(),
        userPool: new cognito.UserPool(scope, 'Pool'),
      });
    expect(build).toThrow(
      `Test/Routes: functions lacks a function for ${ROUTES.map((r) => r.id).join(', ')}`,
    );
  });

  it('WebDomain refuses a name outside its zone and a malformed zone id', () => {
    const scope = stack();
    const vpc = new ec2.Vpc(scope, 'Vpc');
    const build = () =>
      new WebDomain(scope, 'Domain', {
        domain: { name: 'tasks.acme.io', hostedZoneId: 'zone-1', zoneName: 'other.org' },
        loadBalancer: new elbv2.ApplicationLoadBalancer(scope, 'Alb', { vpc }),
      });
    expect(build).toThrow(
      'Test/Domain: domain.hostedZoneId must be a Route 53 zone id like Z0123456789ABC (got "zone-1"); domain.name must be inside domain.zoneName (other.org)',
    );
  });

  it('WebService refuses an empty task range and a malformed image tag', () => {
    const scope = stack();
    const build = () =>
      new WebService(scope, 'Web', {
        vpc: new ec2.Vpc(scope, 'Vpc'),
        sizing: { minCount: 0, maxCount: 0, cpu: 256, memoryMiB: 512 },
        imageRepository: {
          repositoryArn: 'arn:aws:ecr:eu-west-1:111111111111:repository/web',
          repositoryName: 'web',
        },
        imageTag: 'not a tag',
        environment: {},
        logs: LOGS,
      });
    expect(build).toThrow(
      'Test/Web: sizing.minCount must be a positive integer; imageTag must be a valid image tag (got "not a tag")',
    );
  });

  it('RegionalWebAcl refuses clashing priorities and a block response with no body', () => {
    const rule = (name: string) => ({
      name,
      priority: 1,
      action: { block: { customResponse: { responseCode: 429, customResponseBodyKey: 'missing' } } },
      statement: { rateBasedStatement: { limit: 100, aggregateKeyType: 'IP' } },
      visibilityConfig: { cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: name },
    });
    const build = () =>
      new RegionalWebAcl(stack(), 'Acl', {
        name: 'test',
        resourceArn: 'arn:aws:apigateway:eu-west-1::/restapis/abc/stages/v1',
        rules: [rule('A'), rule('B')],
        logs: LOGS,
      });
    expect(build).toThrow(
      'Test/Acl: rules must have unique priorities; customResponseBodies lacks missing, missing',
    );
  });
});
