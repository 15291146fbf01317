import { TABLE_SCHEMA } from '@tasktracker/api/table-schema';
import { Duration, Stack, type StackProps, Stage } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { AlarmTopic } from './alarm-topic.js';
import type { RouteFunction } from './api-functions.js';
import {
  type AlarmDefinition,
  type Comparison,
  type MissingData,
  MONITORING,
  type WidgetDefinition,
} from './config/monitoring.js';
import type { StageConfig } from './config/stages.js';

export interface MonitoringStackProps extends StackProps {
  /** The stage being deployed. */
  readonly config: StageConfig;
  readonly api: apigateway.RestApi;
  /** The API's route functions, by route id. */
  readonly functions: Readonly<Record<string, RouteFunction>>;
  readonly table: dynamodb.ITableV2;
  readonly service: ecs.FargateService;
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
}

/** The dashboard, the alarms of ARCHITECTURE.md (thresholds from `MONITORING`) and their SNS topic. */
export class MonitoringStack extends Stack {
  /** Every alarm notifies this topic; others may add their alarms to it. */
  public readonly alarmTopic: sns.Topic;
  public readonly dashboard: cloudwatch.Dashboard;
  /** The alarms, by construct id. */
  public readonly alarms: Readonly<Record<string, cloudwatch.Alarm>>;

  constructor(scope: Construct, id: string, props: MonitoringStackProps) {
    super(scope, id, props);
    const { config, api, table, service, loadBalancer } = props;

    // Alarms are named `<stage id>-<alarm id>`: the topic lets CloudWatch publish for those only.
    const alarmTopic = new AlarmTopic(this, 'Alarms', {
      displayName: `Task tracker ${config.name} alarms`,
      alarmNamePrefix: `${Stage.of(this)?.stageName || this.stackName}-`,
      subscriptions: config.alarmSubscriptions,
    });
    this.alarmTopic = alarmTopic.topic;

    const alarms: Record<string, cloudwatch.Alarm> = {};
    const alarm = (alarmId: string, definition: AlarmDefinition, dimensionsMap: Record<string, string>) => {
      const created = metricOf(definition, dimensionsMap).createAlarm(this, alarmId, {
        ...alarmOptions(definition),
        alarmName: alarmTopic.alarmName(alarmId),
      });
      created.addAlarmAction(new actions.SnsAction(this.alarmTopic));
      alarms[alarmId] = created;
      return created;
    };

    const apiDimensions = { ApiName: api.restApiName, Stage: api.deploymentStage.stageName };
    alarm('ApiServerErrors', MONITORING.apiServerErrors, apiDimensions);
    alarm('ApiLatency', MONITORING.apiLatency, apiDimensions);
    const tableDimensions = { TableName: table.tableName };
    alarm('TableReadCapacity', MONITORING.tableReadCapacity, tableDimensions);
    alarm('TableWriteCapacity', MONITORING.tableWriteCapacity, tableDimensions);
    alarm('TableReadThrottles', MONITORING.tableReadThrottles, tableDimensions);
    alarm('TableWriteThrottles', MONITORING.tableWriteThrottles, tableDimensions);
    const indexDimensions = { ...tableDimensions, GlobalSecondaryIndexName: TABLE_SCHEMA.statusIndex.name };
    alarm('IndexReadThrottles', MONITORING.indexReadThrottles, indexDimensions);
    alarm('IndexWriteThrottles', MONITORING.indexWriteThrottles, indexDimensions);
    const serviceDimensions = { ClusterName: service.cluster.clusterName, ServiceName: service.serviceName };
    alarm('ServiceCpu', MONITORING.serviceCpu, serviceDimensions);
    alarm('ServiceMemory', MONITORING.serviceMemory, serviceDimensions);

    const durationWidgets: cloudwatch.IWidget[] = [];
    for (const [routeId, routeFunction] of Object.entries(props.functions)) {
      this.addLogErrorAlarm(
        routeId,
        routeFunction.logGroup,
        alarms,
        alarmTopic.alarmName(`${routeId}LogErrors`),
      );
      const duration = metricOf(MONITORING.functionDuration, {
        FunctionName: routeFunction.function.functionName,
      });
      durationWidgets.push(
        new cloudwatch.GraphWidget({
          title: `${routeId} ${MONITORING.functionDuration.title}`,
          left: [duration],
          width: 8,
        }),
      );
    }
    this.alarms = alarms;

    const albRequests = metricOf(MONITORING.albRequests, { LoadBalancer: loadBalancer.loadBalancerFullName });
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `TaskTracker-${config.name}`,
      defaultInterval: Duration.hours(3),
    });
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: Object.values(alarms), width: 24 }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: MONITORING.albRequests.title, left: [albRequests], width: 24 }),
    );
    this.dashboard.addWidgets(...durationWidgets);
    this.dashboard.addWidgets(
      ...Object.values(alarms).map((each) => new cloudwatch.AlarmWidget({ alarm: each, width: 8 })),
    );
  }

  /** A metric filter counting a function's error log lines, and an alarm on it. */
  private addLogErrorAlarm(
    routeId: string,
    logGroup: logs.ILogGroup,
    alarms: Record<string, cloudwatch.Alarm>,
    alarmName: string,
  ) {
    const definition = MONITORING.functionLogErrors;
    const metricName = `${routeId}${definition.metricNameSuffix}`;
    const filter = new logs.MetricFilter(this, `${routeId}ErrorFilter`, {
      logGroup,
      filterPattern: logs.FilterPattern.anyTerm(...definition.terms),
      metricNamespace: definition.namespace,
      metricName,
      metricValue: '1',
      defaultValue: 0,
    });
    const alarmId = `${routeId}LogErrors`;
    const created = filter
      .metric({ statistic: definition.statistic, period: Duration.seconds(definition.periodSeconds) })
      .createAlarm(this, alarmId, {
        ...alarmOptions(definition),
        alarmName,
        alarmDescription: `${routeId}: ${definition.description}`,
      });
    created.addAlarmAction(new actions.SnsAction(this.alarmTopic));
    alarms[alarmId] = created;
  }
}

const COMPARISON: Record<Comparison, cloudwatch.ComparisonOperator> = {
  GreaterThanOrEqualToThreshold: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
  GreaterThanThreshold: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
};

const MISSING_DATA: Record<MissingData, cloudwatch.TreatMissingData> = {
  notBreaching: cloudwatch.TreatMissingData.NOT_BREACHING,
  breaching: cloudwatch.TreatMissingData.BREACHING,
  ignore: cloudwatch.TreatMissingData.IGNORE,
  missing: cloudwatch.TreatMissingData.MISSING,
};

/** Alarm props (threshold, periods, comparison, missing data) of a definition. */
function alarmOptions(definition: Omit<AlarmDefinition, 'namespace' | 'metricName'>) {
  return {
    alarmDescription: definition.description,
    threshold: definition.threshold,
    evaluationPeriods: definition.evaluationPeriods,
    comparisonOperator: COMPARISON[definition.comparison],
    treatMissingData: MISSING_DATA[definition.treatMissingData],
  };
}

function metricOf(
  definition: AlarmDefinition | WidgetDefinition,
  dimensionsMap: Record<string, string>,
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: definition.namespace,
    metricName: definition.metricName,
    statistic: definition.statistic,
    period: Duration.seconds(definition.periodSeconds),
    dimensionsMap,
  });
}
