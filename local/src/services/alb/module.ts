/**
 * The registry entry of the Application Load Balancer: the template's load balancer, listeners and
 * target groups, on the web port users open, in front of the targets ECS registers. Its `Ref` and
 * `GetAtt` read like CloudFormation's: ARNs, `LoadBalancerFullName` (`app/<name>/<id>`, the
 * dimension of its metrics) and `TargetGroupFullName`.
 */
import { createHash } from 'node:crypto';
import { type AssemblyResource, referencedResource } from '../../assembly/index.js';
import { physicalName } from '../../intrinsics/physical-ids.js';
import type { ServiceModule } from '../../service.js';
import { cloudwatchService } from '../cloudwatch/module.js';
import { ecsService } from '../ecs/module.js';
import { LocalLoadBalancer } from './index.js';

const LOAD_BALANCER = 'AWS::ElasticLoadBalancingV2::LoadBalancer';

/** The 16 hex digits ELB puts after a name in its ARNs, stable for a resource. */
function elbId(resource: Pick<AssemblyResource, 'stack' | 'logicalId'>): string {
  return createHash('sha256')
    .update(`${resource.stack.stackName}/${resource.logicalId}`)
    .digest('hex')
    .slice(0, 16);
}

/** `Name`, else CloudFormation's generated name; ELB names are at most 32 characters. */
function elbName(resource: AssemblyResource): string {
  return physicalName(resource, 'Name', 32);
}

export const albService: ServiceModule<LocalLoadBalancer> = {
  id: 'alb',
  name: 'ALB',
  resourceTypes: [
    LOAD_BALANCER,
    'AWS::ElasticLoadBalancingV2::Listener',
    'AWS::ElasticLoadBalancingV2::TargetGroup',
  ],
  physicalIds: {
    [LOAD_BALANCER]: (resource, arn) => {
      const name = elbName(resource);
      const fullName = `app/${name}/${elbId(resource)}`;
      const loadBalancerArn = arn('elasticloadbalancing', `loadbalancer/${fullName}`);
      return {
        ref: loadBalancerArn,
        attributes: {
          LoadBalancerArn: loadBalancerArn,
          LoadBalancerFullName: fullName,
          LoadBalancerName: name,
          DNSName: `${name}-${parseInt(elbId(resource).slice(0, 8), 16)}.${resource.stack.region}.elb.amazonaws.com`,
        },
      };
    },
    'AWS::ElasticLoadBalancingV2::Listener': (resource, arn) => {
      const balancer = referencedResource(resource, 'LoadBalancerArn', LOAD_BALANCER);
      const parent = balancer
        ? `app/${elbName(balancer)}/${elbId(balancer)}`
        : `app/unknown/${elbId(resource)}`;
      const listenerArn = arn('elasticloadbalancing', `listener/${parent}/${elbId(resource)}`);
      return { ref: listenerArn, attributes: { ListenerArn: listenerArn } };
    },
    'AWS::ElasticLoadBalancingV2::TargetGroup': (resource, arn) => {
      const name = elbName(resource);
      const fullName = `targetgroup/${name}/${elbId(resource)}`;
      const targetGroupArn = arn('elasticloadbalancing', fullName);
      return {
        ref: targetGroupArn,
        attributes: { TargetGroupArn: targetGroupArn, TargetGroupFullName: fullName, TargetGroupName: name },
      };
    },
  },
  dependsOn: [ecsService, cloudwatchService],
  port: { name: 'web', default: 8080 },
  metrics: {
    'AWS/ApplicationELB': [
      'RequestCount',
      'HTTPCode_Target_2XX_Count',
      'HTTPCode_Target_3XX_Count',
      'HTTPCode_Target_4XX_Count',
      'HTTPCode_Target_5XX_Count',
      'HTTPCode_ELB_5XX_Count',
      'TargetResponseTime',
      'HealthyHostCount',
      'UnHealthyHostCount',
    ],
  },
  create: (ctx) => {
    const ecs = ctx.get(ecsService);
    const metrics = ctx.get(cloudwatchService)?.metrics.sinkFor('alb');
    // Without a running container there is nothing to balance to.
    if (!ecs || !metrics) return undefined;
    const balancer = new LocalLoadBalancer({
      ids: ctx.ids,
      port: ctx.port,
      targets: (targetGroupArn) => ecs.targetsOf(targetGroupArn),
      metrics,
      log: ctx.log,
    });
    return balancer.hasListener ? balancer : undefined;
  },
};
