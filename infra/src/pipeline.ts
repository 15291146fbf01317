/**
 * The self-updating CI/CD pipeline (CDK Pipelines), in the tooling account:
 * source → test + synth → self-mutation → assets → web image (once) → dev → smoke →
 * approval → prod → smoke (stages and approvals from the pipeline config).
 */
import {
  type CfnOutput,
  RemovalPolicy,
  Stack,
  type StackProps,
  type Stage,
  Token,
  Validations,
} from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import { PipelineNotificationEvents, PipelineType } from 'aws-cdk-lib/aws-codepipeline';
import type * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { CodePipeline, CodePipelineSource, ManualApprovalStep, ShellStep } from 'aws-cdk-lib/pipelines';
import type { Construct } from 'constructs';
import {
  crossAccountTargets,
  type PipelineConfig,
  PipelineConfigError,
  validatePipelineConfig,
} from './config/pipeline.js';
import { acknowledgePipelineFindings } from './pipeline-nag.js';
import {
  commitEnv,
  nodeRuntimeBuildSpec,
  repositoryCdkCliVersion,
  SYNTH_COMMANDS,
  SYNTH_OUTPUT_DIRECTORY,
  smokeTestStep,
  webImageStep,
} from './pipeline-steps.js';

/** Retention of the pipeline's build logs (CodeBuild output of every step). */
export const PIPELINE_LOG_RETENTION_DAYS = logs.RetentionDays.THREE_MONTHS;

/** Id (and stack name) of the pipeline stack. */
export const PIPELINE_STACK_ID = 'TaskTracker-Pipeline';

/** What the pipeline needs of a stage: a CDK Stage with the two URLs the smoke test probes. */
export interface PipelineDeployableStage extends Stage {
  /** URL of the web app behind the ALB. */
  readonly webUrl: CfnOutput;
  /** Invoke URL of the REST API. */
  readonly apiUrl: CfnOutput;
}

export interface PipelineStackProps extends StackProps {
  /** Source repository, branch, stage order, approvals and notification e-mail. */
  readonly config: PipelineConfig;
  /** The app's stages by stage name; the pipeline deploys those named in `config.stages`, in that order. */
  readonly stages: Readonly<Record<string, PipelineDeployableStage>>;
  /** The private repository the image step pushes the web image to (same account and region). */
  readonly imageRepository: ecr.IRepository;
}

/** The CodePipeline that tests, builds and deploys every commit of the configured branch. */
export class PipelineStack extends Stack {
  /** The CDK Pipelines construct (its `pipeline` is the built CodePipeline). */
  public readonly pipeline: CodePipeline;
  /** Receives pipeline failures and pending approvals; the tooling account's own topic. */
  public readonly notificationTopic: sns.Topic;

  constructor(scope: Construct, id: string, props: PipelineStackProps) {
    super(scope, id, props);
    const config = validatePipelineConfig(props.config);
    const deployments = config.stages.map((entry) => {
      const stage = props.stages[entry.name];
      if (!stage) {
        throw new PipelineConfigError(
          'stages',
          `names "${entry.name}", a stage this app did not build (synthesize the pipeline with every stage)`,
        );
      }
      return { entry, stage };
    });

    // Resolved by CloudFormation at deploy time: no ARN in code, and an offline synth works.
    const connectionArn = ssm.StringParameter.valueForStringParameter(this, config.connectionArnParameter);
    const source = CodePipelineSource.connection(config.repository, config.branch, { connectionArn });

    // Every build logs here, not to the never-expiring /aws/codebuild/<project> default groups.
    const buildLogs = new logs.LogGroup(this, 'BuildLogs', {
      retention: PIPELINE_LOG_RETENTION_DAYS,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const crossAccountKeys = this.deploysToOtherAccounts(deployments.map(({ stage }) => stage));
    this.pipeline = new CodePipeline(this, 'Pipeline', {
      pipelineName: 'TaskTracker',
      pipelineType: PipelineType.V2,
      // Self-mutation deploys this stack, and TaskTracker-Images that it depends on, from the new
      // assembly. The image tag reaches stage templates only, so a new commit alone leaves this
      // template unchanged and the run goes on; a changed function asset (its hash is in the
      // publish commands here) restarts the run once, and the rerun finds nothing new: no loop.
      selfMutation: true,
      // Customer-managed keys (with rotation) only when a stage lives in another account: they let
      // that account's deploy role read the artifacts, and cost a monthly fee otherwise wasted.
      crossAccountKeys,
      enableKeyRotation: crossAccountKeys,
      cliVersion: repositoryCdkCliVersion(),
      codeBuildDefaults: { logging: { cloudWatch: { logGroup: buildLogs } } },
      synth: new ShellStep('Synth', {
        input: source,
        env: commitEnv(source),
        commands: [...SYNTH_COMMANDS],
        primaryOutputDirectory: SYNTH_OUTPUT_DIRECTORY,
      }),
      synthCodeBuildDefaults: {
        // Lint, typecheck, unit tests and bundling of every function: give them 4 vCPUs.
        buildEnvironment: { computeType: codebuild.ComputeType.MEDIUM },
        partialBuildSpec: nodeRuntimeBuildSpec(),
      },
      selfMutationCodeBuildDefaults: { partialBuildSpec: nodeRuntimeBuildSpec() },
      assetPublishingCodeBuildDefaults: { partialBuildSpec: nodeRuntimeBuildSpec() },
    });

    // One image build per commit, before any stage: stages deploy the tag, never rebuild it.
    const imageStep = webImageStep(source, props.imageRepository);
    this.pipeline.addWave('Image', { pre: [imageStep] });

    for (const { entry, stage } of deployments) {
      const pre = entry.approval
        ? [new ManualApprovalStep(`Approve-${entry.name}`, { comment: `Deploy to ${entry.name}?` })]
        : [];
      this.pipeline.addStage(stage, { pre, post: [smokeTestStep(source, stage.webUrl, stage.apiUrl)] });
    }
    this.pipeline.buildPipeline();

    this.notificationTopic = this.createNotificationTopic(config.notificationEmail);
    this.pipeline.pipeline.notifyOn('ExecutionFailed', this.notificationTopic, {
      events: [PipelineNotificationEvents.PIPELINE_EXECUTION_FAILED],
    });
    this.pipeline.pipeline.notifyOn('ApprovalNeeded', this.notificationTopic, {
      events: [PipelineNotificationEvents.MANUAL_APPROVAL_NEEDED],
    });

    this.grantConnectionUse(connectionArn);
    acknowledgePipelineFindings(this.pipeline);
    Validations.of(imageStep.project).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'ecr:GetAuthorizationToken supports no resource-level permission; every push action is scoped to the web image repository.',
    });
  }

  /**
   * CDK grants the source action `codestar-connections:UseConnection`, which IAM checks for
   * connections with `arn:aws:codestar-connections:` ARNs only; connections created today have
   * `arn:aws:codeconnections:` ARNs and need the new service prefix. Both are granted.
   */
  private grantConnectionUse(connectionArn: string): void {
    const sourceStage = this.pipeline.pipeline.node.findChild('Source');
    const roles = sourceStage.node.findAll().filter((construct) => construct instanceof iam.Role);
    if (roles.length !== 1) throw new Error(`expected one source action role, found ${roles.length}`);
    (roles[0] as iam.Role).addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['codeconnections:UseConnection'], resources: [connectionArn] }),
    );
  }

  /** True when a stage pins an account other than this stack's (or this stack's is unknown). */
  private deploysToOtherAccounts(stages: readonly Stage[]): boolean {
    const known = (account: string | undefined) =>
      account && !Token.isUnresolved(account) ? account : undefined;
    return (
      crossAccountTargets(
        known(this.account),
        stages.map((stage) => known(stage.account)),
      ).length > 0
    );
  }

  /**
   * The pipeline runs in the tooling account, apart from the stages' alarm topics, so it has its
   * own topic: KMS-encrypted, TLS-only, publishable by CodeStar Notifications.
   */
  private createNotificationTopic(email: string | undefined): sns.Topic {
    const key = new kms.Key(this, 'NotificationKey', {
      description: 'Encrypts the task tracker pipeline notification topic',
      enableKeyRotation: true,
    });
    // CodeStar Notifications must encrypt what it publishes to the topic; scoped to this account.
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('codestar-notifications.amazonaws.com')],
        actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        resources: ['*'],
        conditions: { StringEquals: { 'kms:ViaService': `sns.${this.region}.amazonaws.com` } },
      }),
    );
    const topic = new sns.Topic(this, 'Notifications', {
      displayName: 'Task tracker pipeline',
      masterKey: key,
      enforceSSL: true,
    });
    if (email) {
      topic.addSubscription(new subscriptions.EmailSubscription(email));
      Validations.of(topic).acknowledge({
        id: 'Serverless-SNSRedrivePolicy',
        reason:
          'The only subscriber is a person by e-mail; SNS retries delivery, and every failure stays visible in the pipeline execution history, so a dead-letter queue nobody reads adds nothing.',
      });
    }
    return topic;
  }
}
