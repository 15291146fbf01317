import { WEB_ENV, WEB_HEALTH_PATH, WEB_PORT } from '@tasktracker/web/runtime-config';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { getStageConfig, STAGES } from '../src/config/stages.js';
import { nagFindings } from '../src/nag.js';
import { WAF_MANAGED_RULE_GROUPS, WAF_RATE_LIMIT_PER_5_MIN } from '../src/waf.js';
import { LOCAL_CONTAINER_METADATA_KEY, WEB_CONTAINER_NAME, WEB_DOCKERFILE } from '../src/web-service.js';
import { devStack, TEST_IMAGE_TAG } from './support/assembly.js';
import { DEV_CONFIG, prodStage, synthesizedStage } from './support/synth.js';

const { template, json } = await devStack('Web');

const dev = STAGES.dev;

describe('web stack: ECS', () => {
  it('creates a cluster with enhanced Container Insights', () => {
    template.hasResourceProperties('AWS::ECS::Cluster', {
      ClusterSettings: [{ Name: 'containerInsights', Value: 'enhanced' }],
    });
  });

  it('runs an ARM64 Fargate task from the ECR image tag, read-only, as a non-root user', () => {
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      Cpu: String(dev?.web.cpu),
      Memory: String(dev?.web.memoryMiB),
      RuntimePlatform: { CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' },
      ContainerDefinitions: [
        Match.objectLike({
          Name: WEB_CONTAINER_NAME,
          Image: Match.objectLike({
            'Fn::Join': ['', Match.arrayWith([`/tasktracker/web:${TEST_IMAGE_TAG}`])],
          }),
          PortMappings: [{ ContainerPort: WEB_PORT, Protocol: 'tcp' }],
          ReadonlyRootFilesystem: true,
          User: '1000:1000',
          LogConfiguration: Match.objectLike({ LogDriver: 'awslogs' }),
          HealthCheck: Match.objectLike({
            Command: Match.arrayWith([Match.stringLikeRegexp(WEB_HEALTH_PATH)]),
          }),
        }),
      ],
    });
  });

  it('hands the SPA its runtime config through the WEB_ENV variables', () => {
    const taskDefinition = Object.values(template.findResources('AWS::ECS::TaskDefinition'))[0];
    const environment = taskDefinition?.Properties.ContainerDefinitions[0].Environment as Array<{
      Name: string;
    }>;
    const names = environment.map((variable) => variable.Name);
    for (const name of [WEB_ENV.apiUrl, WEB_ENV.region, WEB_ENV.userPoolId, WEB_ENV.userPoolClientId]) {
      expect(names).toContain(name);
    }
    const apiUrl = JSON.stringify(environment.find((variable) => variable.Name === WEB_ENV.apiUrl));
    // A weak reference: the Api stack exports nothing this stack could block it from deleting.
    expect(apiUrl).toContain('Fn::GetStackOutput');
  });

  it('tells the local cloud where the image source is', () => {
    const taskDefinition = Object.values(template.findResources('AWS::ECS::TaskDefinition'))[0];
    expect(taskDefinition?.Metadata?.[LOCAL_CONTAINER_METADATA_KEY]).toEqual({
      dockerfile: WEB_DOCKERFILE,
      containerName: WEB_CONTAINER_NAME,
    });
  });

  it('runs the service in private subnets with a rollback circuit breaker', () => {
    template.hasResourceProperties('AWS::ECS::Service', {
      LaunchType: 'FARGATE',
      // Autoscaling owns the count; a template value would reset it on every deploy.
      DesiredCount: Match.absent(),
      HealthCheckGracePeriodSeconds: 60,
      DeploymentConfiguration: Match.objectLike({
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
        // Rolling deploys never drop below the full task count.
        MinimumHealthyPercent: 100,
        MaximumPercent: 200,
      }),
      NetworkConfiguration: { AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: 'DISABLED' }) },
    });
  });

  it('scales on CPU between the configured bounds', () => {
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: dev?.web.minCount,
      MaxCapacity: dev?.web.maxCount,
      ScalableDimension: 'ecs:service:DesiredCount',
    });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({
        PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
      }),
    });
  });
});

describe('web stack: load balancer and WAF', () => {
  it('is internet-facing, drops invalid headers and logs access to an SSL-only bucket', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internet-facing',
      LoadBalancerAttributes: Match.arrayWith([
        { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' },
        { Key: 'access_logs.s3.enabled', Value: 'true' },
      ]),
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('keeps the access log bucket when the stack goes, expiring old logs', () => {
    const bucket = Object.values(template.findResources('AWS::S3::Bucket'))[0];
    expect(bucket?.DeletionPolicy).toBe('Retain');
    expect(bucket?.Properties.LifecycleConfiguration.Rules[0]).toMatchObject({
      Status: 'Enabled',
      ExpirationInDays: 30,
    });
    expect(bucket?.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0]).toEqual({
      ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' },
    });
  });

  it('lets only the load balancer in, on the container port, and only HTTPS out of the tasks', () => {
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress'));
    expect(ingress).toHaveLength(1);
    expect(ingress[0]?.Properties).toMatchObject({
      IpProtocol: 'tcp',
      FromPort: WEB_PORT,
      ToPort: WEB_PORT,
      GroupId: { 'Fn::GetAtt': [expect.stringMatching(/^ServiceSecurityGroup/), 'GroupId'] },
      SourceSecurityGroupId: {
        'Fn::GetAtt': [expect.stringMatching(/^LoadBalancerAlbSecurityGroup/), 'GroupId'],
      },
    });
    const groups = template.findResources('AWS::EC2::SecurityGroup');
    const service = Object.entries(groups).find(([id]) => id.startsWith('ServiceSecurityGroup'))?.[1];
    expect(service?.Properties.SecurityGroupIngress).toBeUndefined();
    expect(service?.Properties.SecurityGroupEgress).toEqual([
      expect.objectContaining({ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443 }),
    ]);
    const alb = Object.entries(groups).find(([id]) => id.startsWith('LoadBalancerAlbSecurityGroup'))?.[1];
    expect(alb?.Properties.SecurityGroupIngress).toEqual([
      expect.objectContaining({ CidrIp: '0.0.0.0/0', FromPort: 80, ToPort: 80 }),
    ]);
  });

  it('blocks public access to the access log bucket', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
  });

  it('health-checks targets on the web health path', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Port: WEB_PORT,
      HealthCheckPath: WEB_HEALTH_PATH,
      TargetType: 'ip',
    });
  });

  it('serves plain HTTP on the load balancer name when no domain is configured', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      Protocol: 'HTTP',
      DefaultActions: [Match.objectLike({ Type: 'forward' })],
    });
    template.resourceCountIs('AWS::CertificateManager::Certificate', 0);
    expect(JSON.stringify(json.Outputs?.WebUrl?.Value)).toContain('http://');
  });

  it('filters traffic with the managed rule groups and a per-IP rate limit', () => {
    const acl = Object.values(template.findResources('AWS::WAFv2::WebACL'))[0];
    expect(acl?.Properties.Scope).toBe('REGIONAL');
    const rules = acl?.Properties.Rules as Array<{ Name: string; Statement: Record<string, unknown> }>;
    expect(rules.map((rule) => rule.Name)).toEqual([...WAF_MANAGED_RULE_GROUPS, 'RateLimitPerIp']);
    expect(rules.at(-1)?.Statement).toEqual({
      RateBasedStatement: { Limit: WAF_RATE_LIMIT_PER_5_MIN, AggregateKeyType: 'IP' },
    });
    template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      ResourceArn: { Ref: Match.stringLikeRegexp('^LoadBalancerAlb') },
    });
  });

  it('logs WAF decisions to an aws-waf-logs- log group', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: 'aws-waf-logs-tasktracker-dev' });
    // The group's ARN is a join of the account pseudo-parameter, or a literal when the stage pins one.
    const [logging, ...others] = Object.values(template.findResources('AWS::WAFv2::LoggingConfiguration'));
    expect(others).toEqual([]);
    expect(JSON.stringify(logging?.Properties.LogDestinationConfigs)).toMatch(
      /^\[(\{"Fn::Join":\["",\[.*)?"[^"]*:log-group:aws-waf-logs-tasktracker-dev"(\]\]\})?\]$/,
    );
  });
});

describe('a stage with alarm subscriptions', () => {
  it('subscribes the alarm e-mail and HTTPS endpoint to the alarm topic', () => {
    const alarmSubscriptions = {
      emails: ['oncall@example.com'],
      httpsEndpoint: 'https://alerts.example.com/sns',
    };
    const stage = synthesizedStage({ ...DEV_CONFIG, name: 'alarmtest', alarmSubscriptions });
    const monitoring = Template.fromStack(stage.monitoring);
    monitoring.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: alarmSubscriptions.emails[0],
    });
    monitoring.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'https',
      Endpoint: alarmSubscriptions.httpsEndpoint,
    });
  }, 60_000);
});

describe('the prod stage: HTTPS on its domain', () => {
  const domain = getStageConfig('prod').domain;
  let web: Template;
  beforeAll(() => {
    web = Template.fromStack(prodStage().web);
  }, 120_000);

  it('gives users its address: https:// on the configured domain', () => {
    web.hasOutput('WebUrl', { Value: `https://${domain?.name}` });
  });

  it('serves HTTPS with a DNS-validated certificate for its name', () => {
    web.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: domain?.name,
      ValidationMethod: 'DNS',
      DomainValidationOptions: [{ DomainName: domain?.name, HostedZoneId: domain?.hostedZoneId }],
    });
    web.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      Protocol: 'HTTPS',
      Certificates: [{ CertificateArn: { Ref: Match.stringLikeRegexp('^LoadBalancerDomainCertificate') } }],
      // TLS 1.2 minimum, TLS 1.3 preferred.
      SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
      DefaultActions: [Match.objectLike({ Type: 'forward' })],
    });
  });

  it('redirects every HTTP request to HTTPS, forwarding nothing over plain HTTP', () => {
    const listeners = Object.values(web.findResources('AWS::ElasticLoadBalancingV2::Listener'));
    expect(listeners.map((listener) => listener.Properties.Port).sort()).toEqual([443, 80]);
    web.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      Protocol: 'HTTP',
      DefaultActions: [
        { Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } },
      ],
    });
  });

  it('points an alias record in the existing hosted zone at the load balancer, creating no zone', () => {
    web.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: `${domain?.name}.`,
      Type: 'A',
      HostedZoneId: domain?.hostedZoneId,
      AliasTarget: Match.objectLike({
        DNSName: Match.objectLike({ 'Fn::Join': Match.anyValue() }),
        HostedZoneId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LoadBalancerAlb'), 'CanonicalHostedZoneID'] },
      }),
    });
    web.resourceCountIs('AWS::Route53::HostedZone', 0);
  });

  it('passes cdk-nag too (certificate, HTTPS listener, record)', () => {
    expect(nagFindings(prodStage()).map((finding) => `${finding.rule} at ${finding.path}`)).toEqual([]);
  });
});
