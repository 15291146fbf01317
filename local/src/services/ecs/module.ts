/**
 * The registry entry of ECS: a task definition whose metadata names a Dockerfile runs that
 * Dockerfile's entrypoint as a local process, with the task definition's environment pointed at
 * the local API and the app profile's overrides. The cluster and the service that runs it are
 * what its CPU and memory metrics are reported under; stress faults load the task.
 */
import { faultsService } from '../../faults.js';
import { generatedName, literalProperty } from '../../intrinsics/physical-ids.js';
import { DEFAULT_CONTAINER_METADATA_KEY } from '../../profile.js';
import type { ServiceModule } from '../../service.js';
import { apigatewayService } from '../apigateway/module.js';
import { cloudwatchService } from '../cloudwatch/module.js';
import { cognitoService } from '../cognito/module.js';
import { LocalEcs } from './index.js';
import { CAN_SAMPLE_TASKS } from './task-usage.js';

/** A cluster's name: its literal `ClusterName`, else CloudFormation's generated one. */
function clusterNameOf(stack: Parameters<typeof generatedName>[0]['stack'], logicalId: string): string {
  const cluster = stack.template.Resources?.[logicalId];
  const properties = cluster?.Properties ?? {};
  return (
    literalProperty(
      { stack, logicalId, type: 'AWS::ECS::Cluster', properties, metadata: {} },
      'ClusterName',
    ) ?? generatedName({ stack, logicalId, type: 'AWS::ECS::Cluster', properties, metadata: {} })
  );
}

export const ecsService: ServiceModule<LocalEcs> = {
  id: 'ecs',
  name: 'ECS',
  resourceTypes: ['AWS::ECS::TaskDefinition', 'AWS::ECS::Cluster', 'AWS::ECS::Service'],
  physicalIds: {
    'AWS::ECS::Cluster': (resource, arn) => {
      const name = clusterNameOf(resource.stack, resource.logicalId);
      return { ref: name, attributes: { Arn: arn('ecs', `cluster/${name}`) } };
    },
    // CloudFormation's Ref of a service is its ARN (`service/<cluster>/<name>`); GetAtt Name its name.
    'AWS::ECS::Service': (resource, arn) => {
      const name = literalProperty(resource, 'ServiceName') ?? generatedName(resource);
      const clusterRef = (resource.properties.Cluster as { Ref?: unknown } | undefined)?.Ref;
      const cluster =
        typeof clusterRef === 'string' && Object.hasOwn(resource.stack.template.Resources ?? {}, clusterRef)
          ? clusterNameOf(resource.stack, clusterRef)
          : 'default';
      const serviceArn = arn('ecs', `service/${cluster}/${name}`);
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
