/**
 * The console's pages, rendered on the server: one shell (navigation, skip link, the bundled
 * script and styles, no inline script or style), the overview with the architecture diagram and
 * every resource, and the sections the browser code fills from the JSON views.
 */
import { escapeHtml } from '../../html.js';
import type { ServiceDescription } from '../../service.js';

/** A page of the console: its path, its navigation label, and the views its browser code reads. */
export interface ConsolePage {
  readonly path: string;
  readonly title: string;
  /** What the page shows, one sentence under its heading. */
  readonly lead: string;
  /** Sections the browser code fills: `[id, heading]`. */
  readonly sections: ReadonlyArray<readonly [string, string]>;
}

export const CONSOLE_PAGES: readonly ConsolePage[] = [
  {
    path: '/',
    title: 'Overview',
    lead: 'What the local cloud runs from the synthesized app, and what it does not.',
    sections: [],
  },
  {
    path: '/dashboard',
    title: 'Dashboard',
    lead: "The template's CloudWatch dashboard, drawn from its own DashboardBody with the metrics the local cloud records.",
    sections: [['dashboard', 'Widgets']],
  },
  {
    path: '/alarms',
    title: 'Alarms',
    lead: "The template's alarms as the local CloudWatch evaluates them, their history, and what SNS delivered.",
    sections: [
      ['faults', 'Faults'],
      ['alarms', 'Alarm states'],
      ['mailbox', 'SNS mailbox'],
    ],
  },
  {
    path: '/logs',
    title: 'Logs',
    lead: "Each function's log events, as its log group received them, and the API's recent requests.",
    sections: [
      ['logs', 'Function logs'],
      ['requests', 'Recent API requests'],
    ],
  },
  {
    path: '/codes',
    title: 'Cognito codes',
    lead: 'The confirmation and reset codes the local Cognito would have e-mailed.',
    sections: [['codes', 'Codes']],
  },
];

/** What the shell needs besides the page. */
export interface ShellOptions {
  /** The stage's name, e.g. `TaskTracker-dev`. */
  readonly stage: string;
  /** Server-rendered body of the page, after its lead paragraph. */
  readonly body?: string;
  /** What the page's fault buttons send: the header and the console's token. */
  readonly faultToken?: { readonly header: string; readonly token: string };
}

/** A whole console page. */
export function renderPage(page: ConsolePage, options: ShellOptions): string {
  const nav = CONSOLE_PAGES.map(
    (p) =>
      `<li><a href="${p.path}"${p === page ? ' aria-current="page"' : ''}>${escapeHtml(p.title)}</a></li>`,
  ).join('');
  const sections = page.sections
    .map(
      ([id, heading]) =>
        `<section class="panel" aria-labelledby="${id}-heading"><h2 id="${id}-heading">${escapeHtml(heading)}</h2><div id="${id}" class="view" data-view="${id}"><p class="muted">Loading…</p></div></section>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)} · Local cloud · ${escapeHtml(options.stage)}</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
${options.faultToken ? `<meta name="fault-token" content="${escapeHtml(options.faultToken.token)}" data-header="${escapeHtml(options.faultToken.header)}">\n` : ''}<link rel="stylesheet" href="/assets/console.css">
<script type="module" src="/assets/console.js"></script>
</head><body data-page="${escapeHtml(page.path)}">
<a class="skip-link" href="#main">Skip to content</a>
<header class="top"><p class="brand">Local cloud <span class="stage">${escapeHtml(options.stage)}</span></p>
<nav aria-label="Console"><ul>${nav}</ul></nav></header>
<main id="main" tabindex="-1"><h1>${escapeHtml(page.title)}</h1><p class="lead">${escapeHtml(page.lead)}</p>
${options.body ?? ''}
${sections}
</main></body></html>
`;
}

/** What the overview shows: the diagram and every resource. */
export interface OverviewContent {
  readonly services: readonly ServiceDescription[];
  readonly notEmulated: ReadonlyArray<{ readonly logicalId: string; readonly type: string }>;
  readonly views: readonly string[];
  /** The architecture diagram, an SVG element (attributes only). */
  readonly diagram: string;
}

/** The overview's body: links, the diagram, the emulated and the not-emulated resources. */
export function overviewBody({ services, notEmulated, views, diagram }: OverviewContent): string {
  const rows = services.flatMap((service) =>
    service.resources.map(
      (r) =>
        `<tr><td>${escapeHtml(service.name)}</td><td>${escapeHtml(r.logicalId)}</td><td>${escapeHtml(r.type)}</td><td>${r.url ? `<a href="${escapeHtml(r.url)}">${escapeHtml(r.url)}</a>` : ''}</td><td>${escapeHtml(r.detail ?? '')}${r.warning ? ` <strong class="warning">${escapeHtml(r.warning)}</strong>` : ''}</td></tr>`,
    ),
  );
  const links = services.flatMap((service) =>
    (service.links ?? []).map(
      (link) =>
        `<li>${escapeHtml(service.name)}: <a href="${escapeHtml(link.url)}">${escapeHtml(link.label)}</a></li>`,
    ),
  );
  const viewLinks = views.map(
    (name) => `<li><a href="/_local/${escapeHtml(name)}">/_local/${escapeHtml(name)}</a> (JSON)</li>`,
  );
  const missing = notEmulated.map(
    (r) => `<tr><td>${escapeHtml(r.type)}</td><td>${escapeHtml(r.logicalId)}</td></tr>`,
  );
  return `<section class="panel" aria-labelledby="diagram-heading"><h2 id="diagram-heading">Architecture</h2>
<p>Generated from the synthesized assembly. <span class="legend"><span class="swatch emulated"></span>solid border: runs locally</span> <span class="legend"><span class="swatch not-emulated"></span>dashed border, faded: AWS only</span> <span class="legend"><span class="swatch partly-emulated"></span>dotted border: partly local</span> · <a href="/architecture.svg">Open the diagram as SVG</a></p>
<p class="diagram-controls"><button type="button" id="diagram-zoom" aria-controls="diagram" aria-pressed="false">Show at full size</button></p>
<div class="diagram fit" id="diagram" role="region" aria-label="Architecture diagram" tabindex="0">${diagram}</div></section>
<section class="panel" aria-labelledby="links-heading"><h2 id="links-heading">Links</h2><ul>${links.join('')}${viewLinks.join('')}</ul></section>
<section class="panel" aria-labelledby="emulated-heading"><h2 id="emulated-heading">Emulated resources</h2>
<div class="table-scroll" role="region" aria-label="Emulated resources table" tabindex="0"><table><thead><tr><th scope="col">Service</th><th scope="col">Logical id</th><th scope="col">Type</th><th scope="col">Local address</th><th scope="col">Detail</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table></div></section>
<section class="panel" aria-labelledby="missing-heading"><h2 id="missing-heading">Not emulated (${notEmulated.length})</h2>
<div class="table-scroll" role="region" aria-label="Not-emulated resources table" tabindex="0"><table><thead><tr><th scope="col">Type</th><th scope="col">Logical id</th></tr></thead><tbody>${missing.join('\n')}</tbody></table></div></section>`;
}
