/**
 * The registry entry of ECS: a task definition whose metadata names a Dockerfile runs that
 * Dockerfile's entrypoint as a local process, with the task definition's environment pointed at
 * the local API and the app profile's overrides.
 */
import { DEFAULT_CONTAINER_METADATA_KEY } from '../../profile.js';
import type { ServiceModule } from '../../service.js';
import { apigatewayService } from '../apigateway/module.js';
import { cognitoService } from '../cognito/module.js';
import { LocalEcs } from './index.js';

export const ecsService: ServiceModule<LocalEcs> = {
  id: 'ecs',
  name: 'ECS',
  resourceTypes: ['AWS::ECS::TaskDefinition'],
  // The container's environment names the API's URL and the pool's ids.
  dependsOn: [apigatewayService, cognitoService],
  port: { name: 'web', default: 8080 },
  create: (ctx) => {
    if (ctx.settings.containers === false) return undefined;
    const gateway = ctx.get(apigatewayService);
    const ecs = new LocalEcs({
      ids: ctx.ids,
      port: ctx.port,
      metadataKey: ctx.profile.containerMetadataKey ?? DEFAULT_CONTAINER_METADATA_KEY,
      rewrite: (value) => gateway?.localUrls(value) ?? value,
      overrides: () => ctx.profileEnvironment('container'),
      log: ctx.log,
    });
    return ecs.hasContainer ? ecs : undefined;
  },
};
