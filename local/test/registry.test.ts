/**
 * The registry of local services: start order from declared dependencies, one owner per resource
 * type, ports with unique flags, and a resource no service owns failing loudly where it is used.
 */
import { describe, expect, it } from 'vitest';
import type { TemplateResource } from '../src/assembly/index.js';
import { EMPTY_PROFILE } from '../src/index.js';
import { UnresolvableError } from '../src/intrinsics/index.js';
import { physicalIdsOf, portSpecs, SERVICE_MODULES, startOrder } from '../src/registry.js';
import type { LocalService, ServiceModule } from '../src/service.js';
import { firstStack, PK_TABLE, stackAssembly } from './support/assembly.js';
import { startTestCloud } from './support/cloud.js';

const module = (id: string, dependsOn: ServiceModule<LocalService>[] = []): ServiceModule<LocalService> => ({
  id,
  name: id,
  resourceTypes: [],
  dependsOn,
  create: () => undefined,
});

const assemblyOf = (resources: Record<string, TemplateResource>) => stackAssembly('App', resources);

describe('the service registry', () => {
  it('starts each service after the services it depends on, otherwise in list order', () => {
    // Arrange
    const a = module('a');
    const b = module('b', [a]);
    const c = module('c');
    // Act
    const order = startOrder([b, c, a]).map((m) => m.id);
    // Assert
    expect(order).toEqual(['a', 'b', 'c']);
  });

  it('refuses a dependency cycle, naming it', () => {
    const a = module('a');
    const b = module('b', [a]);
    (a.dependsOn as ServiceModule<LocalService>[]).push(b);
    expect(() => startOrder([a, b])).toThrow('Local services depend on each other in a cycle: a → b → a.');
  });

  it('gives each resource type one owner, each port one flag, each endpoint one variable', () => {
    const types = SERVICE_MODULES.flatMap((m) => m.resourceTypes);
    const ports = portSpecs().map((p) => p.name);
    const endpoints = SERVICE_MODULES.flatMap((m) => (m.endpointEnv ? [m.endpointEnv] : []));
    expect(new Set(types).size).toBe(types.length);
    expect(new Set(ports).size).toBe(ports.length);
    expect(new Set(endpoints).size).toBe(endpoints.length);
  });

  it.each([
    ['AWS::DynamoDB::Table', { TableName: 'tasks' }, 'tasks', 'dynamodb:eu-west-1:000000000000:table/tasks'],
    ['AWS::Lambda::Function', { FunctionName: 'fn' }, 'fn', 'lambda:eu-west-1:000000000000:function:fn'],
    ['AWS::Logs::LogGroup', { LogGroupName: '/fn' }, '/fn', 'logs:eu-west-1:000000000000:log-group:/fn:*'],
    ['AWS::ECS::Cluster', { ClusterName: 'web' }, 'web', 'ecs:eu-west-1:000000000000:cluster/web'],
  ])("reads Ref and GetAtt Arn of an %s by its module's rule", (type, properties, ref, arn) => {
    // Arrange
    const ids = physicalIdsOf(assemblyOf({ Named: { Type: type, Properties: properties } }));
    // Act
    const ctx = ids.context(firstStack(ids.source));
    // Assert
    expect([ctx.ref('Named'), ctx.getAtt('Named', 'Arn')]).toEqual([ref, `arn:aws:${arn}`]);
  });

  it.each([
    ['the cluster its Cluster Ref names', 'Cluster', 'service/tasks/web'],
    ['the default cluster when its Cluster Ref names no cluster', 'Queue', 'service/default/web'],
  ])('reads the Ref of an ECS service as an ARN under %s', (_, clusterRef, resourcePart) => {
    // Arrange
    const ids = physicalIdsOf(
      assemblyOf({
        Cluster: { Type: 'AWS::ECS::Cluster', Properties: { ClusterName: 'tasks' } },
        Queue: { Type: 'AWS::SQS::Queue' },
        Service: {
          Type: 'AWS::ECS::Service',
          Properties: { ServiceName: 'web', Cluster: { Ref: clusterRef } },
        },
      }),
    );
    // Act
    const ref = ids.context(firstStack(ids.source)).ref('Service');
    // Assert
    expect(ref).toBe(`arn:aws:ecs:eu-west-1:000000000000:${resourcePart}`);
  });

  it('fails at start, naming the resource and attribute, when an emulated resource uses one nobody emulates', async () => {
    // Arrange: a function whose environment names a queue the local cloud cannot stand up.
    const assembly = assemblyOf({
      Queue: { Type: 'AWS::SQS::Queue' },
      Fn: {
        Type: 'AWS::Lambda::Function',
        Properties: {
          Handler: 'index.handler',
          Code: { ZipFile: 'exports.handler = async () => ({})' },
          Environment: { Variables: { QUEUE_URL: { 'Fn::GetAtt': ['Queue', 'QueueUrl'] } } },
        },
      },
    });
    // Act
    const started = startTestCloud({ assembly, profile: EMPTY_PROFILE });
    // Assert
    await expect(started).rejects.toBeInstanceOf(UnresolvableError);
    await expect(started).rejects.toThrow(
      'T-dev-App/Fn.Environment.Variables.QUEUE_URL: cannot resolve Fn::GetAtt Queue.QueueUrl in stack T-dev-App (Queue is an AWS::SQS::Queue, which the local cloud does not emulate).',
    );
  });

  it('lists what it does not emulate and gives functions the endpoint of each service that has one', async () => {
    // Arrange
    const assembly = assemblyOf({ Queue: { Type: 'AWS::SQS::Queue' }, Table: PK_TABLE });
    // Act
    const cloud = await startTestCloud({ assembly, profile: EMPTY_PROFILE });
    // Assert
    try {
      expect(cloud.notEmulated()).toEqual([{ logicalId: 'Queue', type: 'AWS::SQS::Queue' }]);
      expect(cloud.endpoints().map((e) => e.id)).toEqual(['dynamodb', 'console']);
      expect(() => cloud.url('cognito')).toThrow('The local cloud runs no cognito service');
    } finally {
      await cloud.stop();
    }
  });
});
