import { type CfnOutput, Stage, type StageProps, Tags } from 'aws-cdk-lib';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { ApiStack } from './api.js';
import { AuthStack } from './auth.js';
import type { StageConfig } from './config/stages.js';
import { DataStack } from './data.js';
import type { ImageRepositoryRef } from './image-repository.js';
import { MonitoringStack } from './monitoring.js';
import { NetworkStack } from './network.js';
import { WebStack } from './web.js';
import { webOrigin } from './web-domain.js';

export interface TaskTrackerStageProps extends StageProps {
  /** The stage's configuration; its account/region (if any) become the stage's env. */
  readonly config: StageConfig;
  /** Tag of the web image in `imageRepository` (a git SHA). */
  readonly imageTag: string;
  /** The web image repository (the `TaskTracker-Images` stack's). */
  readonly imageRepository: ImageRepositoryRef;
}

/** The stage id of a stage name: stacks are `TaskTracker-<stage>-<Concern>`. */
export const stageId = (stageName: string): string => `TaskTracker-${stageName}`;

/**
 * One deployment of the whole system: network, data, auth, API, web and monitoring stacks.
 * References between them are weak (`Fn::GetStackOutput`, set app-wide in `buildApp`): no stack
 * exports anything another imports, so removing a route or replacing the table never meets
 * "Export … cannot be deleted as it is in use".
 */
export class TaskTrackerStage extends Stage {
  /** URL of the web app (output of the Web stack). */
  public readonly webUrl: CfnOutput;
  /** Invoke URL of the REST API (output of the Api stack). */
  public readonly apiUrl: CfnOutput;
  /** The topic every alarm of the stage notifies. */
  public readonly alarmTopic: sns.Topic;
  public readonly network: NetworkStack;
  public readonly data: DataStack;
  public readonly auth: AuthStack;
  public readonly api: ApiStack;
  public readonly web: WebStack;
  public readonly monitoring: MonitoringStack;

  constructor(scope: Construct, id: string, props: TaskTrackerStageProps) {
    super(scope, id, props);
    const { config } = props;
    const description = (concern: string) => `Task tracker ${config.name}: ${concern}`;

    // Each stack takes the slice of `config` its props type names; `description` is its own.
    this.network = new NetworkStack(this, 'Network', {
      config,
      description: description('VPC and endpoints'),
    });
    this.data = new DataStack(this, 'Data', { config, description: description('tasks table') });
    this.auth = new AuthStack(this, 'Auth', { config, description: description('Cognito user pool') });
    this.api = new ApiStack(this, 'Api', {
      config,
      description: description('REST API and functions'),
      table: this.data.table,
      userPool: this.auth.userPool,
      ...(config.domain ? { allowedOrigin: webOrigin(config.domain) } : {}),
    });
    this.web = new WebStack(this, 'Web', {
      config,
      description: description('ECS Fargate web service, ALB and WAF'),
      vpc: this.network.vpc,
      apiUrl: this.api.api.url,
      userPool: this.auth.userPool,
      userPoolClient: this.auth.userPoolClient,
      imageRepository: props.imageRepository,
      imageTag: props.imageTag,
    });
    this.monitoring = new MonitoringStack(this, 'Monitoring', {
      config,
      description: description('dashboard, alarms and alarm topic'),
      api: this.api.api,
      functions: this.api.functions,
      table: this.data.table,
      service: this.web.service,
      loadBalancer: this.web.loadBalancer,
    });

    this.webUrl = this.web.webUrl;
    this.apiUrl = this.api.apiUrl;
    this.alarmTopic = this.monitoring.alarmTopic;
    Tags.of(this).add('project', 'tasktracker');
    Tags.of(this).add('stage', config.name);
  }
}
