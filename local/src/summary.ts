/**
 * The start-up banner: one line per running service (its address and what it runs), the links
 * worth knowing, what live reload watches, and what is not emulated in one line — the console
 * lists every resource. It stays short enough to read at a glance (a test holds it to 25 lines).
 */
import type { LocalCloud } from './index.js';
import type { ServiceDescription } from './service.js';

/** @param extra lines the CLI adds (the demo user's sign-in). */
export function formatSummary(cloud: LocalCloud, extra: readonly string[] = []): string {
  const endpoints = new Map(cloud.endpoints().map((e) => [e.name, e.url]));
  const services = cloud.describe();
  const width = Math.max(...services.map((s) => s.name.length), 8);
  // A service with neither an address nor resources (fault injection) has nothing to show here.
  const shown = services.filter((s) => endpoints.has(s.name) || s.resources.length > 0);
  const lines = shown.map((service) => {
    const endpoint = endpoints.get(service.name) ?? '';
    return `  ${service.name.padEnd(width)}  ${endpoint.padEnd(28)}  ${counts(service)}`.trimEnd();
  });
  const links = services.flatMap((s) => (s.links ?? []).map((l) => `  ${l.label}: ${l.url}`));
  const statuses = services.flatMap((s) => (s.status === undefined ? [] : [`${s.name}: ${s.status}`]));
  const missing = cloud.notEmulated();
  const types = [...new Set(missing.map((r) => r.type))].sort();
  const consoleUrl = endpoints.get('Console');
  const total = services.reduce((n, s) => n + s.resources.length, 0);
  return [
    `Local cloud for ${cloud.assembly.stageName} ready in ${(cloud.startupMs / 1000).toFixed(1)} s: ${total} resources emulated.`,
    ...lines,
    ...links,
    ...statuses,
    ...extra,
    cloud.watching === undefined
      ? 'Live reload: off (--no-watch).'
      : `Live reload: on save of ${cloud.watching}; the web app through its dev server when the app has one.`,
    missing.length === 0
      ? 'Every resource of the assembly is emulated.'
      : `Not emulated: ${missing.length} resources of ${types.length} types (${shortList(types)})${consoleUrl ? `, each listed at ${consoleUrl}` : ''}.`,
    'Ctrl-C stops everything.',
  ].join('\n');
}

/** `1 RestApi, 14 Methods (3 with warnings)`. */
function counts(service: ServiceDescription): string {
  const byType = new Map<string, number>();
  for (const r of service.resources) {
    const name = r.type.split('::').pop() ?? r.type;
    byType.set(name, (byType.get(name) ?? 0) + 1);
  }
  const warned = service.resources.filter((r) => r.warning !== undefined).length;
  const text = [...byType].map(([name, n]) => `${n} ${n === 1 ? name : plural(name)}`).join(', ');
  return warned === 0 ? text : `${text} (${warned} with warnings: see the console)`;
}

function shortList(types: readonly string[]): string {
  const names = types.map((t) => t.replace(/^AWS::/, ''));
  return names.length <= 4 ? names.join(', ') : `${names.slice(0, 4).join(', ')}, …`;
}

/** `Alarm` → `Alarms`, `Policy` → `Policies`. */
function plural(name: string): string {
  return /[^aeiou]y$/.test(name) ? `${name.slice(0, -1)}ies` : `${name}s`;
}
