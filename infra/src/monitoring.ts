import { TABLE_SCHEMA } from '@tasktracker/api/table-schema';
import { CfnOutput, Duration, Stack, type StackProps, Stage } from 'aws-cdk-lib';
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
  customMetricsNamespace,
  type MissingData,
  MONITORING,
  type RateAlarmDefinition,
  type WidgetDefinition,
} from './config/monitoring.js';
import type { StageConfig } from './config/stages.js';
import { STAGE_OUTPUT_KEYS } from './smoke.js';

/** The slice of stage config the monitoring stack uses. */
export type MonitoringSettings = Pick<StageConfig, 'name' | 'alarmSubscriptions'>;

export interface MonitoringStackProps extends StackProps {
  /** The stage's name (metric namespace, dashboard name) and who its alarms notify. */
  readonly config: MonitoringSettings;
  readonly api: apigateway.RestApi;
  /** The API's route functions, by route id. */
  readonly functions: Readonly<Record<string, RouteFunction>>;
  readonly table: dynamodb.ITableV2;
  readonly service: ecs.FargateService;
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
}

/** The dashboard, the alarms of docs/monitoring.md (thresholds from `MONITORING`) and their SNS topic. */
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
    // The smoke test lists the topic's subscriptions from here, to report unconfirmed ones.
    new CfnOutput(this, STAGE_OUTPUT_KEYS.alarmTopicArn, {
      value: this.alarmTopic.topicArn,
      description: 'The topic every alarm of the stage notifies',
    });

    const alarms: Record<string, cloudwatch.Alarm> = {};
    const alarm = (
      alarmId: string,
      metric: cloudwatch.IMetric,
      definition: AlarmOptionsOf,
      description = definition.description,
    ) => {
      const created = new cloudwatch.Alarm(this, alarmId, {
        metric,
        alarmName: alarmTopic.alarmName(alarmId),
        ...alarmOptions(definition),
        alarmDescription: description,
      });
      created.addAlarmAction(new actions.SnsAction(this.alarmTopic));
      alarms[alarmId] = created;
    };

    const apiDimensions = { ApiName: api.restApiName, Stage: api.deploymentStage.stageName };
    const simple = (alarmId: string, definition: AlarmDefinition, dimensions: Record<string, string>) =>
      alarm(alarmId, metricOf(definition, dimensions), definition);
    simple('ApiServerErrors', MONITORING.apiServerErrors, apiDimensions);
    simple('ApiLatency', MONITORING.apiLatency, apiDimensions);
    const tableDimensions = { TableName: table.tableName };
    const indexDimensions = { ...tableDimensions, GlobalSecondaryIndexName: TABLE_SCHEMA.statusIndex.name };
    // The index consumes its own units (its writes are not in the table's figure): alarm on both.
    const perSecond = (definition: RateAlarmDefinition) =>
      perSecondSum(definition, { table: tableDimensions, index: indexDimensions });
    alarm('TableReadCapacity', perSecond(MONITORING.tableReadCapacity), MONITORING.tableReadCapacity);
    alarm('TableWriteCapacity', perSecond(MONITORING.tableWriteCapacity), MONITORING.tableWriteCapacity);
    simple('TableReadThrottles', MONITORING.tableReadThrottles, tableDimensions);
    simple('TableWriteThrottles', MONITORING.tableWriteThrottles, tableDimensions);
    simple('IndexReadThrottles', MONITORING.indexReadThrottles, indexDimensions);
    simple('IndexWriteThrottles', MONITORING.indexWriteThrottles, indexDimensions);
    const serviceDimensions = { ClusterName: service.cluster.clusterName, ServiceName: service.serviceName };
    simple('ServiceCpu', MONITORING.serviceCpu, serviceDimensions);
    simple('ServiceMemory', MONITORING.serviceMemory, serviceDimensions);

    const namespace = customMetricsNamespace(config.name);
    const durationWidgets: cloudwatch.IWidget[] = [];
    for (const [routeId, routeFunction] of Object.entries(props.functions)) {
      const errors = MONITORING.functionLogErrors;
      alarm(
        `${routeId}LogErrors`,
        this.errorLogMetric(routeId, routeFunction.logGroup, namespace),
        errors,
        `${routeId}: ${errors.description}`,
      );
      const functionDimensions = { FunctionName: routeFunction.function.functionName };
      for (const [suffix, definition] of [
        ['InvocationErrors', MONITORING.functionErrors],
        ['Throttles', MONITORING.functionThrottles],
      ] as const) {
        const metric = metricOf(definition, functionDimensions);
        alarm(`${routeId}${suffix}`, metric, definition, `${routeId}: ${definition.description}`);
      }
      const duration = metricOf(MONITORING.functionDuration, functionDimensions);
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

  /**
   * A metric filter counting a function's error log events, by field: an error level, or a
   * runtime report of a failed init or invocation. Message text never matches, so a caller who
   * gets "error" or "Task timed out" logged cannot move the metric.
   */
  private errorLogMetric(routeId: string, logGroup: logs.ILogGroup, namespace: string): cloudwatch.IMetric {
    const definition = MONITORING.functionLogErrors;
    const { stringValue, any, all } = logs.FilterPattern;
    const filter = new logs.MetricFilter(this, `${routeId}ErrorFilter`, {
      logGroup,
      filterPattern: any(
        ...definition.errorLevels.map((level) => stringValue('$.level', '=', level)),
        all(
          any(...definition.runReports.map((type) => stringValue('$.type', '=', type))),
          stringValue('$.record.status', '!=', 'success'),
        ),
      ),
      metricNamespace: namespace,
      metricName: `${routeId}${definition.metricNameSuffix}`,
      metricValue: '1',
      defaultValue: 0,
    });
    return filter.metric({
      statistic: definition.statistic,
      period: Duration.seconds(definition.periodSeconds),
    });
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

/** What an alarm takes from a definition, whatever metric it watches. */
type AlarmOptionsOf = Omit<AlarmDefinition, 'namespace' | 'metricName'>;

/** Alarm props (threshold, periods, comparison, missing data) of a definition. */
function alarmOptions(definition: AlarmOptionsOf) {
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

/**
 * The per-second rate of a Sum metric over several dimension sets together: metric math
 * `(FILL(a, 0) + FILL(b, 0)) / PERIOD(a)`. FILL keeps one idle dimension set (no datapoint) from
 * blanking the sum.
 */
function perSecondSum(
  definition: RateAlarmDefinition,
  dimensionSets: Readonly<Record<string, Record<string, string>>>,
): cloudwatch.MathExpression {
  const ids = Object.keys(dimensionSets);
  const usingMetrics = Object.fromEntries(
    Object.entries(dimensionSets).map(([id, dimensions]) => [id, metricOf(definition, dimensions)]),
  );
  return new cloudwatch.MathExpression({
    expression: `(${ids.map((id) => `FILL(${id}, 0)`).join(' + ')}) / PERIOD(${ids[0]})`,
    usingMetrics,
    period: Duration.seconds(definition.periodSeconds),
    label: `${definition.metricName} per second (${ids.join(' + ')})`,
  });
}
