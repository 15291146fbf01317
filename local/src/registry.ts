/**
 * The registry of local services: the one list the local cloud derives its flags, usage text,
 * ports, start order, physical ids, function endpoints, observed metrics and banner from.
 * Adding a service is one module file and one line here.
 */
import type { LocalAssembly } from './assembly/index.js';
import { faultsService } from './faults.js';
import { iamService } from './iam/module.js';
import { PhysicalIds } from './intrinsics/physical-ids.js';
import type { LocalService, PhysicalIdRule, PortSpec, ServiceModule } from './service.js';
import { albService } from './services/alb/module.js';
import { apigatewayService } from './services/apigateway/module.js';
import { cloudwatchService } from './services/cloudwatch/module.js';
import { cognitoService } from './services/cognito/module.js';
import { consoleService } from './services/console/index.js';
import { dynamodbService } from './services/dynamodb/module.js';
import { ecsService } from './services/ecs/module.js';
import { lambdaService } from './services/lambda/module.js';
import { snsService } from './services/sns/module.js';
import { ssmService } from './services/ssm/index.js';

export const SERVICE_MODULES: readonly ServiceModule<LocalService>[] = [
  iamService,
  faultsService,
  snsService,
  cloudwatchService,
  dynamodbService,
  cognitoService,
  ssmService,
  lambdaService,
  apigatewayService,
  ecsService,
  albService,
  consoleService,
];

/** Types the local cloud deals with itself rather than through a service. */
const CORE_TYPES = new Set(['AWS::CDK::Metadata']);

/**
 * The modules in start order: each after the modules it depends on, otherwise in list order.
 * A cycle or a dependency missing from the list is a programming error and throws.
 */
export function startOrder(modules: readonly ServiceModule<LocalService>[] = SERVICE_MODULES) {
  const ordered: ServiceModule<LocalService>[] = [];
  const visiting = new Set<ServiceModule<LocalService>>();
  const visit = (module: ServiceModule<LocalService>, path: readonly string[]) => {
    if (ordered.includes(module)) return;
    if (visiting.has(module))
      throw new Error(`Local services depend on each other in a cycle: ${[...path, module.id].join(' → ')}.`);
    if (!modules.includes(module))
      throw new Error(`${path.at(-1)} depends on ${module.id}, which is not in the registry.`);
    visiting.add(module);
    for (const dependency of module.dependsOn ?? []) visit(dependency, [...path, module.id]);
    visiting.delete(module);
    ordered.push(module);
  };
  for (const module of modules) visit(module, []);
  return ordered;
}

/** Every port a module declares, in registry order. */
export function portSpecs(
  modules: readonly ServiceModule<LocalService>[] = SERVICE_MODULES,
): Array<PortSpec & { readonly service: string }> {
  return modules.flatMap((m) => (m.port ? [{ ...m.port, service: m.name }] : []));
}

/** The physical-id table of an assembly, with every module's `Ref`/`GetAtt` rules. */
export function physicalIdsOf(
  assembly: LocalAssembly,
  modules: readonly ServiceModule<LocalService>[] = SERVICE_MODULES,
): PhysicalIds {
  const rules = new Map<string, PhysicalIdRule>();
  const owned = new Set<string>(CORE_TYPES);
  for (const module of modules) {
    for (const type of module.resourceTypes) owned.add(type);
    for (const [type, rule] of Object.entries(module.physicalIds ?? {})) rules.set(type, rule);
  }
  return new PhysicalIds(assembly, rules, owned);
}

/** Metric names by namespace that the registry's services record (what alarms can watch). */
export function observedMetrics(
  modules: readonly ServiceModule<LocalService>[] = SERVICE_MODULES,
): ReadonlyMap<string, ReadonlySet<string>> {
  const observed = new Map<string, Set<string>>();
  for (const module of modules)
    for (const [namespace, names] of Object.entries(module.metrics ?? {}))
      observed.set(namespace, new Set([...(observed.get(namespace) ?? []), ...names]));
  return observed;
}

/** Whether a type is handled without any service (it needs nothing locally). */
export function isCoreType(type: string): boolean {
  return CORE_TYPES.has(type);
}
