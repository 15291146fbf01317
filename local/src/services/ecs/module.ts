/**
 * The registry entry of ECS: a task definition whose metadata names a Dockerfile runs that
 * Dockerfile's entrypoint as a local process, with the task definition's environment pointed at
 * the local API and the app profile's overrides. The cluster and the service that runs it are
 * what its CPU and memory metrics are reported under; stress faults load the task.
 */
import { referencedResource } from '../../assembly/index.js';
import { faultsService } from '../../faults.js';
import { physicalName, refIsName } from '../../intrinsics/physical-ids.js';
import { DEFAULT_CONTAINER_METADATA_KEY } from '../../profile.js';
import type { ServiceModule } from '../../service.js';
import { apigatewayService } from '../apigateway/module.js';
import { cloudwatchService } from '../cloudwatch/module.js';
import { cognitoService } from '../cognito/module.js';
import { LocalEcs } from './index.js';
import { CAN_SAMPLE_TASKS } from './task-usage.js';

export const ecsService: ServiceModule<LocalEcs> = {
  id: 'ecs',
  name: 'ECS',
  resourceTypes: ['AWS::ECS::TaskDefinition', 'AWS::ECS::Cluster', 'AWS::ECS::Service'],
  physicalIds: {
    'AWS::ECS::Cluster': refIsName('ClusterName', 'ecs', (name) => `cluster/${name}`),
    // CloudFormation's Ref of a service is its ARN (`service/<cluster>/<name>`); GetAtt Name its name.
    'AWS::ECS::Service': (resource, arn) => {
      const name = physicalName(resource, 'ServiceName');
      const cluster = referencedResource(resource, 'Cluster', 'AWS::ECS::Cluster');
      const clusterName = cluster ? physicalName(cluster, 'ClusterName') : 'default';
      const serviceArn = arn('ecs', `service/${clusterName}/${name}`);
      return { ref: serviceArn, attributes: { Name: name, ServiceArn: serviceArn } };
    },
  },
  // The container's environment names the API's URL and the pool's ids.
  dependsOn: [apigatewayService, cognitoService, cloudwatchService, faultsService],
  metrics: CAN_SAMPLE_TASKS ? { 'AWS/ECS': ['CPUUtilization', 'MemoryUtilization'] } : {},
  create: (ctx) => {
    if (ctx.settings.containers === false) return undefined;
    const metrics = ctx.get(cloudwatchService)?.metrics.sinkFor('ecs');
    if (!metrics) return undefined;
    const gateway = ctx.get(apigatewayService);
    const ecs = new LocalEcs({
      ids: ctx.ids,
      metrics,
      sampleEveryMs: 60_000 * (ctx.settings.alarmPeriodScale ?? 1),
      metadataKey: ctx.profile.containerMetadataKey ?? DEFAULT_CONTAINER_METADATA_KEY,
      rewrite: (value) => gateway?.localUrls(value) ?? value,
      overrides: () => ctx.profileEnvironment('container'),
      log: ctx.log,
      ...(ctx.settings.watch && ctx.profile.devServer ? { devServer: ctx.profile.devServer } : {}),
    });
    if (!ecs.hasContainer) return undefined;
    const faults = ctx.get(faultsService)?.registry;
    const services = () => ecs.serviceInfos().map((service) => service.serviceName);
    for (const kind of ['cpu', 'memory'] as const)
      faults?.define({
        name: `ecs-${kind}-stress`,
        description:
          kind === 'cpu'
            ? "A process in the service's task keeps `percent` of the task's CPU units busy (AWS FIS: aws:ecs:task-cpu-stress)."
            : "A process in the service's task holds memory until the task uses `percent` of its memory (AWS FIS: aws:ecs:task-memory-stress).",
        targets: services,
        parameters: {
          percent: {
            type: 'number',
            description: `the task's ${kind} utilization to reach`,
            min: 1,
            max: 100,
            default: 100,
          },
        },
        start: (fault) => ecs.startStress(fault.id, kind, Number(fault.parameters.percent)),
        stop: (fault) => ecs.stopStress(fault.id),
      });
    return ecs;
  },
};
