/**
 * The template's CloudWatch dashboards, as the console draws them: each `DashboardBody` resolved
 * with the local cloud's own intrinsic resolver, then parsed as CloudWatch parses it. A dashboard
 * refers to resources the local cloud does not run (a load balancer's name in a widget's
 * dimensions); those values read as a marker naming the resource, and the widgets that hold one
 * say so instead of drawing a line that can never have data.
 */
import { type AssemblyResource, resourcesOf, type StackTemplate } from '../../assembly/index.js';
import { type ResolveContext, resolveIntrinsic, resolveString } from '../../intrinsics/index.js';
import { generatedName, LOCAL_ACCOUNT_ID, type PhysicalIds } from '../../intrinsics/physical-ids.js';
import type { DashboardWidget, LocalDashboard } from '../../views.js';

export type { DashboardWidget, LocalDashboard };

const MARKER = /⟨not emulated: ([^⟩]+)⟩/g;

/** Every `AWS::CloudWatch::Dashboard` of the assembly, resolved. */
export function localDashboards(ids: PhysicalIds): LocalDashboard[] {
  const exports = exportsOf(ids);
  return resourcesOf(ids.source, 'AWS::CloudWatch::Dashboard').map((resource) => {
    const context = tolerantContext(ids, resource.stack, exports);
    const where = `${resource.stack.stackName}/${resource.logicalId}`;
    const name = String(
      resolveIntrinsic(resource.properties.DashboardName, context, `${where}.DashboardName`) ??
        generatedName(resource),
    );
    try {
      const body = JSON.parse(
        resolveString(resource.properties.DashboardBody, context, `${where}.DashboardBody`),
      ) as { start?: unknown; periodOverride?: unknown; widgets?: unknown };
      const widgets = Array.isArray(body.widgets) ? (body.widgets as Array<Record<string, unknown>>) : [];
      return {
        logicalId: resource.logicalId,
        name,
        ...(typeof body.start === 'string' ? { start: body.start } : {}),
        ...(typeof body.periodOverride === 'string' ? { periodOverride: body.periodOverride } : {}),
        widgets: widgets.map((widget) => ({
          ...(widget as Omit<DashboardWidget, 'notEmulated'>),
          notEmulated: [...new Set([...JSON.stringify(widget).matchAll(MARKER)].map((m) => m[1] ?? ''))],
        })),
      };
    } catch (err) {
      return { logicalId: resource.logicalId, name, widgets: [], error: (err as Error).message };
    }
  });
}

type Exports = ReadonlyMap<string, { readonly stack: StackTemplate; readonly value: unknown }>;

/**
 * The cloud's resolve context for one stack, except that a resource the local cloud does not run
 * reads as a marker instead of failing, across stacks too (exports are resolved with this context).
 */
function tolerantContext(ids: PhysicalIds, stack: StackTemplate, exports: Exports): ResolveContext {
  const base = ids.context(stack);
  const resourceOf = (logicalId: string): AssemblyResource | undefined => {
    const resources = stack.template.Resources ?? {};
    if (!Object.hasOwn(resources, logicalId)) return undefined;
    const resource = resources[logicalId];
    return resource
      ? {
          stack,
          logicalId,
          type: resource.Type,
          properties: resource.Properties ?? {},
          metadata: resource.Metadata ?? {},
        }
      : undefined;
  };
  const marker = (logicalId: string, attribute?: string) => {
    const type = resourceOf(logicalId)?.type ?? 'unknown resource';
    return `⟨not emulated: ${logicalId}${attribute ? `.${attribute}` : ''} (${type})⟩`;
  };
  return {
    ...base,
    ref: (logicalId) => base.ref(logicalId) ?? marker(logicalId),
    getAtt: (logicalId, attribute) =>
      base.getAtt(logicalId, attribute) ??
      alarmArn(ids, resourceOf(logicalId), attribute) ??
      marker(logicalId, attribute),
    importValue: (name) => {
      const found = exports.get(name);
      if (!found) return undefined;
      return resolveString(found.value, tolerantContext(ids, found.stack, exports), `export ${name}`);
    },
    stackOutput: (stackName, outputName) => {
      const producer = ids.source.stacks.find((candidate) => candidate.stackName === stackName);
      const outputs = producer?.template.Outputs ?? {};
      if (!producer || !Object.hasOwn(outputs, outputName)) return undefined;
      return resolveString(
        outputs[outputName]?.Value,
        tolerantContext(ids, producer, exports),
        `${stackName} output ${outputName}`,
      );
    },
  };
}

/** An alarm's ARN as CloudWatch forms it, from its name: what alarm widgets list. */
function alarmArn(
  ids: PhysicalIds,
  resource: AssemblyResource | undefined,
  attribute: string,
): string | undefined {
  if (resource?.type !== 'AWS::CloudWatch::Alarm' || attribute !== 'Arn') return undefined;
  const name = String(ids.resolve(resource, 'AlarmName') ?? generatedName(resource));
  return `arn:aws:cloudwatch:${resource.stack.region}:${LOCAL_ACCOUNT_ID}:alarm:${name}`;
}

/** Every export of the assembly by name (CDK writes export names as literal strings). */
function exportsOf(ids: PhysicalIds): Exports {
  const exports = new Map<string, { stack: StackTemplate; value: unknown }>();
  for (const stack of ids.source.stacks)
    for (const output of Object.values(stack.template.Outputs ?? {}))
      if (typeof output.Export?.Name === 'string')
        exports.set(output.Export.Name, { stack, value: output.Value });
  return exports;
}
