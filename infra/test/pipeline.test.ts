// biome-ignore-all lint/suspicious/noExplicitAny: CloudFormation JSON is untyped; tests walk it.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, CfnOutput, Stack, Stage } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BuiltApp, buildApp } from '../src/app.js';
import {
  assertPipelineDeployable,
  crossAccountTargets,
  PIPELINE_CONFIG,
  PipelineConfigError,
  validatePipelineConfig,
} from '../src/config/pipeline.js';
import { nagFindings } from '../src/nag.js';
import {
  PIPELINE_LOG_RETENTION_DAYS,
  PIPELINE_STACK_ID,
  type PipelineDeployableStage,
  PipelineStack,
} from '../src/pipeline.js';
import { repositoryCdkCliVersion } from '../src/pipeline-steps.js';
import {
  COMMITTED_IN_ONE_ENVIRONMENT,
  EXAMPLE_PIPELINE,
  EXAMPLE_STAGES,
  OWN_CONFIGURATION,
} from './support/config-fixtures.js';
import { NO_BUNDLING } from './support/synth.js';

const IMAGE_TAG = 'sha-under-test';
const NOTIFY = 'pipeline-owner@example.com';

let outdir: string;
let built: BuiltApp;
let stack: PipelineStack;
let template: Template;
let json: any;
let stages: any[];
let crossAccount: PipelineStack;

/** Buildspec commands of the CodeBuild project behind a pipeline action. */
function commandsOf(projectLogicalId: string): string[] {
  const spec = JSON.parse(json.Resources[projectLogicalId].Properties.Source.BuildSpec);
  return [...(spec.phases.install?.commands ?? []), ...spec.phases.build.commands];
}

function stageNamed(name: string): any {
  const stage = stages.find((s) => s.Name === name);
  if (!stage) throw new Error(`no pipeline stage ${name}`);
  return stage;
}

function actionNamed(stageName: string, actionName: string): any {
  const action = stageNamed(stageName).Actions.find((a: any) => a.Name === actionName);
  if (!action) throw new Error(`no action ${actionName} in ${stageName}`);
  return action;
}

/** Policy statements of the role a CodeBuild project runs as. */
function statementsOfProject(projectLogicalId: string): any[] {
  const roleId = json.Resources[projectLogicalId].Properties.ServiceRole['Fn::GetAtt'][0];
  return Object.values<any>(json.Resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((ref: any) => ref.Ref === roleId))
    .flatMap((r) => r.Properties.PolicyDocument.Statement);
}

const actionsOf = (statement: any): string[] => [statement.Action].flat();

const OTHER_ACCOUNT = '222222222222';

/** A stage that stands in for a real one in another account: just the outputs the pipeline reads. */
class StandInStage extends Stage implements PipelineDeployableStage {
  readonly webUrl: CfnOutput;
  readonly apiUrl: CfnOutput;
  constructor(scope: App, id: string, account: string) {
    super(scope, id, { env: { account, region: 'eu-west-1' } });
    const outputs = new Stack(this, 'Web');
    this.webUrl = new CfnOutput(outputs, 'WebUrl', { value: 'https://web.example' });
    this.apiUrl = new CfnOutput(outputs, 'ApiUrl', { value: 'https://api.example/prod/' });
  }
}

/**
 * A second pipeline in the same app whose prod stage is in another account; stand-in stages keep
 * it cheap (the real stages are covered above).
 */
function addCrossAccountPipeline({ app, images }: BuiltApp): PipelineStack {
  return new PipelineStack(app, 'CrossAccountPipeline', {
    env: { account: '111111111111', region: 'eu-west-1' },
    config: { ...PIPELINE_CONFIG, notificationEmail: NOTIFY },
    stages: {
      dev: new StandInStage(app, 'StandIn-dev', '111111111111'),
      prod: new StandInStage(app, 'StandIn-prod', OTHER_ACCOUNT),
    },
    imageRepository: images.repository,
  });
}

// Synthesizes the whole app (templates only: the pipeline reads asset hashes, not bundles), every
// stage in the pipeline's account whatever accounts the committed config pins: the single-account
// case, which the cross-account pipeline below complements.
beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'pipeline-test-'));
  built = buildApp({
    configuration: COMMITTED_IN_ONE_ENVIRONMENT,
    outdir,
    validation: false,
    pipeline: true,
    imageTag: IMAGE_TAG,
    env: { account: '111111111111', region: 'eu-west-1' },
    context: NO_BUNDLING,
  });
  stack = built.app.node.findChild(PIPELINE_STACK_ID) as PipelineStack;
  crossAccount = addCrossAccountPipeline(built);
  template = Template.fromStack(stack);
  json = template.toJSON();
  const pipeline = Object.values<any>(json.Resources).find((r) => r.Type === 'AWS::CodePipeline::Pipeline');
  stages = pipeline.Properties.Stages;
}, 180_000);

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('pipeline stack', () => {
  it('runs source, test+synth, self-update, assets, one image build, dev, then prod', () => {
    expect(stages.map((s) => s.Name)).toEqual([
      'Source',
      'Build',
      'UpdatePipeline',
      'Assets',
      'Image',
      'TaskTracker-dev',
      'TaskTracker-prod',
    ]);
  });

  it('pulls the configured repository and branch through a connection ARN read from SSM', () => {
    const source = stageNamed('Source').Actions[0];
    expect(source.ActionTypeId.Provider).toBe('CodeStarSourceConnection');
    expect(source.Configuration.FullRepositoryId).toBe(PIPELINE_CONFIG.repository);
    expect(source.Configuration.BranchName).toBe(PIPELINE_CONFIG.branch);
    const parameter = json.Parameters[source.Configuration.ConnectionArn.Ref];
    expect(parameter).toEqual({
      Type: 'AWS::SSM::Parameter::Value<String>',
      Default: PIPELINE_CONFIG.connectionArnParameter,
    });
  });

  it('tests without the browser tests, then synthesizes the pipeline app tagged with the commit', () => {
    const synthProject = actionNamed('Build', 'Synth').Configuration.ProjectName.Ref;
    const commands = commandsOf(synthProject);
    expect(commands.slice(1)).toEqual([
      'npm ci --no-audit --no-fund',
      'npm run lint',
      'npm run typecheck',
      'npm run test:unit',
      'cd infra && npx --no-install cdk synth --quiet --no-notices -c pipeline=true -c deploy=true -c imageTag="$SOURCE_COMMIT_ID"',
    ]);
    expect(commands[0]).toContain('test -n "$SOURCE_COMMIT_ID"');
    expect(commands.join('\n')).not.toMatch(/e2e|playwright/);
    const spec = JSON.parse(json.Resources[synthProject].Properties.Source.BuildSpec);
    expect(spec.artifacts['base-directory']).toBe('infra/cdk.out');
  });

  it('deploys itself (and the image repository it depends on) with the repository-pinned CDK CLI', () => {
    const project = actionNamed('UpdatePipeline', 'SelfMutate').Configuration.ProjectName.Ref;
    const commands = commandsOf(project);
    expect(repositoryCdkCliVersion()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(commands).toContain(`npm install -g aws-cdk@${repositoryCdkCliVersion()}`);
    expect(commands.some((c) => c.includes(`deploy ${PIPELINE_STACK_ID} --require-approval=never`))).toBe(
      true,
    );
    expect(stack.dependencies.map((s) => s.stackName)).toContain('TaskTracker-Images');
  });

  it('does not loop on self-mutation: the image tag appears in stage templates only', () => {
    expect(JSON.stringify(json)).not.toContain(IMAGE_TAG);
    const dev = built.stages.dev;
    if (!dev) throw new Error('the app has no dev stage');
    expect(JSON.stringify(Template.fromStack(dev.web).toJSON())).toContain(IMAGE_TAG);
  });

  it('builds the web image once, for ARM64, tagged with the commit, before any stage', () => {
    const stageNames = stages.map((s) => s.Name);
    expect(stageNames.indexOf('Image')).toBeLessThan(stageNames.indexOf('TaskTracker-dev'));
    expect(stageNamed('Image').Actions).toHaveLength(1);
    const project = actionNamed('Image', 'BuildWebImage').Configuration.ProjectName.Ref;
    expect(json.Resources[project].Properties.Environment).toMatchObject({
      Type: 'ARM_CONTAINER',
      PrivilegedMode: true,
    });
    const script = commandsOf(project).join('\n');
    expect(script).toContain('IMAGE_TAG="$SOURCE_COMMIT_ID"');
    expect(script).toContain('docker build --platform linux/arm64');
    expect(script).toContain('-f web/Dockerfile -t "$REPOSITORY_URI:$IMAGE_TAG"');
    expect(script).toContain('docker push "$REPOSITORY_URI:$IMAGE_TAG"');
    // No other CodeBuild project builds an image.
    const others = Object.keys(json.Resources).filter(
      (id) => json.Resources[id].Type === 'AWS::CodeBuild::Project' && id !== project,
    );
    for (const id of others)
      expect(json.Resources[id].Properties.Source.BuildSpec).not.toContain('docker build');
  });

  it('lets the image step push to the web repository only', () => {
    const project = actionNamed('Image', 'BuildWebImage').Configuration.ProjectName.Ref;
    const ecrStatements = statementsOfProject(project).filter((s) =>
      actionsOf(s).some((a) => a.startsWith('ecr:')),
    );
    const onAnyResource = ecrStatements.filter((s) => s.Resource === '*');
    expect(onAnyResource.flatMap(actionsOf)).toEqual(['ecr:GetAuthorizationToken']);
    const scoped = ecrStatements.filter((s) => s.Resource !== '*');
    expect(scoped).toHaveLength(1);
    expect(actionsOf(scoped[0])).toEqual(expect.arrayContaining(['ecr:PutImage', 'ecr:UploadLayerPart']));
    expect(JSON.stringify(scoped[0].Resource)).toMatch(
      /"Fn::GetStackOutput":\{"StackName":"TaskTracker-Images",[^}]*"OutputName":"PublishOutputFnGetAttWebImages\w*Arn/,
    );
  });

  it('lets the source action use connections with new (codeconnections) and old (codestar-connections) ARNs', () => {
    const source = stageNamed('Source').Actions[0];
    const roleId = source.RoleArn['Fn::GetAtt'][0];
    const statements = Object.values<any>(json.Resources)
      .filter(
        (r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((ref: any) => ref.Ref === roleId),
      )
      .flatMap((r) => r.Properties.PolicyDocument.Statement);
    const connection = source.Configuration.ConnectionArn;
    for (const action of ['codeconnections:UseConnection', 'codestar-connections:UseConnection']) {
      expect(
        statements.some(
          (s) => actionsOf(s).includes(action) && JSON.stringify(s.Resource) === JSON.stringify(connection),
        ),
        action,
      ).toBe(true);
    }
  });

  it("tags with the source action's CommitId, not CodeBuild's CODEBUILD_RESOLVED_SOURCE_VERSION", () => {
    for (const [stageName, actionName] of [
      ['Build', 'Synth'],
      ['Image', 'BuildWebImage'],
    ] as const) {
      const action = actionNamed(stageName, actionName);
      const env = JSON.parse(action.Configuration.EnvironmentVariables) as Array<{
        name: string;
        value: string;
      }>;
      expect(env.find((variable) => variable.name === 'SOURCE_COMMIT_ID')?.value, actionName).toMatch(
        /^#\{Source@[\w-]+\.CommitId\}$/,
      );
    }
    expect(JSON.stringify(json)).not.toContain('CODEBUILD_RESOLVED_SOURCE_VERSION');
  });

  it('builds from a Dockerfile that pulls nothing from Docker Hub (no BuildKit syntax directive)', () => {
    // `# syntax=docker/dockerfile:1` makes BuildKit fetch the frontend image from Docker Hub, which
    // throttles CodeBuild's shared IPs; the base image already comes from the ECR Public mirror.
    const dockerfile = readFileSync(new URL('../../web/Dockerfile', import.meta.url), 'utf8');
    expect(dockerfile).not.toMatch(/^#\s*syntax\s*=/im);
    expect(dockerfile).toMatch(/^FROM \$\{NODE_IMAGE\}/m);
  });

  it('requires a manual approval before anything deploys to prod, and none before dev', () => {
    const prod = stageNamed('TaskTracker-prod').Actions;
    const approval = prod.find((a: any) => a.ActionTypeId.Category === 'Approval');
    expect(approval?.Name).toBe('Approve-prod');
    const firstDeploy = Math.min(
      ...prod.filter((a: any) => a.ActionTypeId.Provider === 'CloudFormation').map((a: any) => a.RunOrder),
    );
    expect(approval.RunOrder).toBeLessThan(firstDeploy);
    expect(
      stageNamed('TaskTracker-dev').Actions.some((a: any) => a.ActionTypeId.Category === 'Approval'),
    ).toBe(false);
  });

  it.each(['dev', 'prod'])(
    'deploys each %s stack after every stack whose outputs it reads weakly, which publishes them under the producing resource’s logical id',
    (name) => {
      // Arrange: CloudFormation resolves Fn::GetStackOutput when the consumer is created or
      // updated, never on its own: the producer must be deployed first, and a resource replaced
      // under a new logical id must rename its output so that each consumer's template changes.
      const stage = built.stages[name];
      if (!stage) throw new Error(`no stage ${name}`);
      const stacks = [stage.network, stage.data, stage.auth, stage.api, stage.web, stage.monitoring];
      const templates = new Map(
        stacks.map((s) => [s.stackName, { stack: s, json: Template.fromStack(s).toJSON() }]),
      );
      const runOrder = (stackId: string, step: 'Prepare' | 'Deploy') =>
        actionNamed(`TaskTracker-${name}`, `${stackId}.${step}`).RunOrder as number;

      // Act
      const reads = [...templates.values()].flatMap(({ stack: consumer, json: template }) =>
        [...JSON.stringify(template).matchAll(/"Fn::GetStackOutput":(\{[^{}]*\})/g)].map((match) => ({
          consumer,
          ref: JSON.parse(String(match[1])) as { StackName: string; OutputName: string },
        })),
      );

      // Assert
      expect(reads.length).toBeGreaterThan(0);
      for (const { consumer, ref } of reads) {
        const what = `${consumer.stackName} reads ${ref.StackName}.${ref.OutputName}`;
        const producer = templates.get(ref.StackName);
        if (!producer) throw new Error(`${what}: not a stack of the stage`);
        const output = producer.json.Outputs?.[ref.OutputName];
        expect(output, what).toBeDefined();
        const resourceId = output.Value.Ref ?? output.Value['Fn::GetAtt']?.[0];
        expect(producer.json.Resources[resourceId], what).toBeDefined();
        expect(ref.OutputName, what).toContain(resourceId);
        expect(runOrder(producer.stack.node.id, 'Deploy'), what).toBeLessThan(
          runOrder(consumer.node.id, 'Prepare'),
        );
      }
    },
  );

  it.each(['dev', 'prod'])(
    'smoke-tests %s after its last deployment with the URLs from its outputs',
    (name) => {
      const stageName = `TaskTracker-${name}`;
      const smoke = actionNamed(stageName, 'SmokeTest');
      const lastDeploy = Math.max(
        ...stageNamed(stageName)
          .Actions.filter((a: any) => a.ActionTypeId.Provider === 'CloudFormation')
          .map((a: any) => a.RunOrder),
      );
      expect(smoke.RunOrder).toBeGreaterThan(lastDeploy);
      const env = JSON.parse(smoke.Configuration.EnvironmentVariables);
      expect(env).toEqual([
        {
          name: 'WEB_URL',
          type: 'PLAINTEXT',
          value: expect.stringMatching(new RegExp(`^#\\{TaskTracker${name}Web.*\\.WebUrl\\}$`)),
        },
        {
          name: 'API_URL',
          type: 'PLAINTEXT',
          value: expect.stringMatching(new RegExp(`^#\\{TaskTracker${name}Api.*\\.ApiUrl\\}$`)),
        },
      ]);
      expect(commandsOf(smoke.Configuration.ProjectName.Ref)).toContain(
        'npm run smoke -- --web-url "$WEB_URL" --api-url "$API_URL"',
      );
    },
  );

  it('gives the smoke test no AWS permissions beyond its own logs and the source artifact', () => {
    const project = actionNamed('TaskTracker-dev', 'SmokeTest').Configuration.ProjectName.Ref;
    const services = new Set(
      statementsOfProject(project)
        .flatMap(actionsOf)
        .map((a: string) => a.split(':')[0]),
    );
    expect([...services].sort()).toEqual(['codebuild', 'logs', 's3']);
  });

  it('notifies an encrypted, TLS-only topic of failed executions and pending approvals', () => {
    const topicId = Object.keys(template.findResources('AWS::SNS::Topic'))[0];
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::CodeStarNotifications::NotificationRule', {
      EventTypeIds: ['codepipeline-pipeline-pipeline-execution-failed'],
      Targets: [{ TargetType: 'SNS', TargetAddress: { Ref: topicId } }],
    });
    template.hasResourceProperties('AWS::CodeStarNotifications::NotificationRule', {
      EventTypeIds: ['codepipeline-pipeline-manual-approval-needed'],
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('keeps pipeline artifacts single-account (no KMS artifact key) when every stage is in its account', () => {
    expect(Object.keys(template.findResources('AWS::KMS::Key'))).toHaveLength(1); // the topic's key only
  });

  it('sends every build log to one group with retention, not the never-expiring defaults', () => {
    const groups = template.findResources('AWS::Logs::LogGroup');
    const ids = Object.keys(groups);
    expect(ids).toHaveLength(1);
    expect(groups[ids[0] as string]?.Properties.RetentionInDays).toBe(PIPELINE_LOG_RETENTION_DAYS);
    const projects = Object.values<any>(template.findResources('AWS::CodeBuild::Project'));
    expect(projects.length).toBeGreaterThan(3);
    for (const project of projects) {
      expect(project.Properties.LogsConfig?.CloudWatchLogs).toMatchObject({
        Status: 'ENABLED',
        GroupName: { Ref: ids[0] },
      });
    }
  });

  it('passes cdk-nag with every finding acknowledged with a reason', () => {
    expect(nagFindings(stack)).toEqual([]);
  });
});

describe('pipeline stack with a stage in another account', () => {
  it("encrypts artifacts with a rotated KMS key and deploys through that account's CDK roles", () => {
    const cross = Template.fromStack(crossAccount);
    cross.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    const prodActions = (
      Object.values<any>(cross.findResources('AWS::CodePipeline::Pipeline'))[0].Properties.Stages as any[]
    )
      .find((s) => s.Name === 'StandIn-prod')
      .Actions.filter((a: any) => a.ActionTypeId.Provider === 'CloudFormation');
    expect(prodActions.length).toBeGreaterThan(0);
    for (const action of prodActions) expect(JSON.stringify(action.RoleArn)).toContain(OTHER_ACCOUNT);
  });

  it('passes cdk-nag too', () => {
    expect(nagFindings(crossAccount)).toEqual([]);
  });

  it('subscribes the configured notification e-mail', () => {
    Template.fromStack(crossAccount).hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: NOTIFY,
    });
  });
});

describe('pipeline config', () => {
  it('accepts the committed config', () => {
    expect(validatePipelineConfig(PIPELINE_CONFIG)).toBe(PIPELINE_CONFIG);
  });

  it("refuses settings on the command line: the pipeline's own synth would rebuild without them", () => {
    const build = () => buildApp({ validation: false, context: { 'pipeline:repository': 'acme/tracker' } });
    expect(build).toThrow(
      'pipeline config: repository comes from infra/src/config/pipeline.ts, not from -c pipeline:repository',
    );
  });

  it('refuses to deploy while the repository is the committed example, naming the key', () => {
    expect(() => assertPipelineDeployable(EXAMPLE_PIPELINE, EXAMPLE_STAGES)).toThrow(
      'pipeline config: repository is the committed example "example-org/tasktracker": set your own in infra/src/config/pipeline.ts before deploying',
    );
  });

  it('refuses to deploy a pipeline whose production stage still has example values', () => {
    const attempt = () =>
      assertPipelineDeployable({ ...EXAMPLE_PIPELINE, repository: 'acme/tracker' }, EXAMPLE_STAGES);
    expect(attempt).toThrow('stage "prod": domain.name is the committed example "tasks.example.com"');
  });

  it('deploys a pipeline once the repository and every stage hold their own values', () => {
    const { pipeline, stages } = OWN_CONFIGURATION;
    expect(() => assertPipelineDeployable(pipeline, stages)).not.toThrow();
  });

  it.each([
    [{ repository: 'no-owner' }, 'pipeline config: repository must look like owner/name, got "no-owner"'],
    [{ branch: 'bad branch' }, 'pipeline config: branch is not a valid git branch name: "bad branch"'],
    [
      { connectionArnParameter: 'arn:aws:x' },
      'pipeline config: connectionArnParameter must be an SSM parameter path',
    ],
    [
      { stages: [{ name: 'qa', approval: false }] },
      'pipeline config: stages names unknown stage "qa" (valid stages: dev, prod)',
    ],
    [{ stages: [] }, 'pipeline config: stages must name at least one stage'],
    [
      {
        stages: [
          { name: 'dev', approval: false },
          { name: 'prod', approval: false },
        ],
      },
      'pipeline config: stages must require a manual approval before the production stage "prod"',
    ],
    [{ notificationEmail: 'nobody' }, 'pipeline config: notificationEmail must be an e-mail address'],
    [{ account: '12345' }, 'pipeline config: account must be 12 digits'],
  ])('rejects %j with a one-line error', (override, message) => {
    const attempt = () => validatePipelineConfig({ ...PIPELINE_CONFIG, ...override });
    expect(attempt).toThrow(PipelineConfigError);
    expect(attempt).toThrow(message);
  });

  it('names a configured stage the app did not build', () => {
    const build = () =>
      new PipelineStack(new App(), 'Pipeline', {
        config: PIPELINE_CONFIG,
        stages: {},
        imageRepository: built.images.repository,
      });
    expect(build).toThrow('pipeline config: stages names "dev", a stage this app did not build');
  });

  it('finds the accounts that need cross-account keys and image pull access', () => {
    expect(crossAccountTargets('111111111111', [undefined, '111111111111'])).toEqual([]);
    expect(crossAccountTargets('111111111111', ['222222222222', undefined, '222222222222'])).toEqual([
      '222222222222',
    ]);
    // Unknown pipeline account at synth time: every pinned stage account counts.
    expect(crossAccountTargets(undefined, ['333333333333', undefined])).toEqual(['333333333333']);
  });
});
