/** The start-up summary: what runs where, what is not emulated, and how long start-up took. */
import type { LocalCloud } from './index.js';

export function formatSummary(cloud: LocalCloud): string {
  const rows = cloud
    .describe()
    .flatMap((service) =>
      service.resources.map((r) => [service.name, r.logicalId, r.type, r.url ?? '', r.detail ?? '']),
    );
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((row) => (row[i] ?? '').length), 8));
  const table = rows.map((row) =>
    row
      .map((cell, i) => (i < 4 ? cell.padEnd(widths[i] ?? 0) : cell))
      .join('  ')
      .trimEnd(),
  );
  const byType = new Map<string, string[]>();
  for (const { type, logicalId } of cloud.notEmulated())
    byType.set(type, [...(byType.get(type) ?? []), logicalId]);
  const notEmulated = [...byType.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([type, ids]) =>
        `  ${type} (${ids.length}): ${ids.slice(0, 4).join(', ')}${ids.length > 4 ? ', …' : ''}`,
    );
  return [
    'Emulated resources:',
    ...table.map((line) => `  ${line}`),
    '',
    `Not emulated (${cloud.notEmulated().length} resources, listed so nothing is silently dropped):`,
    ...notEmulated,
    '',
    `API:            ${cloud.urls.api}`,
    `Cognito:        ${cloud.urls.cognito} (confirmation codes: ${cloud.urls.cognito}/_local/)`,
    `DynamoDB:       ${cloud.urls.dynamodb}`,
    `Alarms:         ${new URL('/_local/alarms', cloud.urls.api).href}`,
    ...(cloud.urls.web ? [`Open the app:   ${cloud.urls.web}`] : []),
    `Local cloud ready in ${(cloud.startupMs / 1000).toFixed(1)} s. Ctrl-C stops everything.`,
  ].join('\n');
}
