/**
 * Draws a laid-out resource graph as a standalone SVG: presentation attributes only (no `<style>`,
 * no scripts), so the same markup works as a README image and inline in the console under a strict
 * Content-Security-Policy. Nodes carry `data-logical-ids` and classes the console styles.
 */
import { escapeHtml } from '../html.js';
import { shortType } from './graph.js';
import { DIAGRAM_METRICS, type DiagramLayout, type PlacedNode } from './layout.js';

export interface SvgOptions {
  /** Extra classes of a node (the console marks which resources run locally). */
  readonly classesOf?: (node: PlacedNode) => readonly string[];
  /** The `id` of the `<svg>` element and the prefix of its inner ids. @default 'architecture' */
  readonly id?: string;
}

const MARGIN = 16;
const NOTE_LINE = 18;

/** Fill colours by the service a type belongs to: a reader finds "the Lambda ones" at a glance. */
const SERVICE_FILLS: ReadonlyArray<readonly [RegExp, string]> = [
  [/^AWS::Lambda::/, '#fde7c8'],
  [/^AWS::ApiGateway::/, '#f3dcf5'],
  [/^AWS::DynamoDB::/, '#d9e7fb'],
  [/^AWS::Cognito::/, '#fbd9dc'],
  [/^AWS::(CloudWatch|Logs)::/, '#dcf2e4'],
  [/^AWS::(SNS|SQS)::/, '#fbe3ef'],
  [/^AWS::(ECS|ECR|ApplicationAutoScaling)::/, '#fff3c4'],
  [/^AWS::(EC2|ElasticLoadBalancingV2)::/, '#e4e4f7'],
  [/^AWS::(WAFv2|KMS)::/, '#eeeeee'],
];
const DEFAULT_FILL = '#f4f4f4';

/** The diagram as an SVG document (a string ending in a newline). */
export function renderSvg(layout: DiagramLayout, options: SvgOptions = {}): string {
  const id = options.id ?? 'architecture';
  const { graph } = layout;
  const noteLines = omittedNote(layout);
  const width = Math.ceil(Math.max(layout.width, ...noteLines.map(noteWidth)) + 2 * MARGIN);
  const height = Math.ceil(layout.height + 2 * MARGIN + noteLines.length * NOTE_LINE + 8);
  const description = `${graph.nodes.length} boxes in ${graph.stacks.length} stacks, ${graph.edges.length} references.`;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" id="${id}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="${id}-title ${id}-desc" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif" font-size="${DIAGRAM_METRICS.fontSize}">`,
    `<title id="${id}-title">${escapeHtml(`${graph.title}: resources by stack and the references between them`)}</title>`,
    `<desc id="${id}-desc">${escapeHtml(description)}</desc>`,
    `<defs><marker id="${id}-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#5a6270"/></marker></defs>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<g transform="translate(${MARGIN},${MARGIN})">`,
  ];
  for (const stack of layout.stacks) {
    parts.push(
      `<g class="stack" data-stack="${escapeHtml(stack.name)}"><rect x="${stack.x}" y="${stack.y}" width="${stack.width}" height="${stack.height}" rx="8" fill="#fafbfc" stroke="#9aa3b0" stroke-width="1.2"/>`,
      `<text x="${stack.x + 12}" y="${stack.y + 19}" font-weight="600" font-size="13" fill="#1f2430">${escapeHtml(stack.name)}</text></g>`,
    );
  }
  for (const edge of layout.edges) {
    const d = edge.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x},${p.y}`).join(' ');
    parts.push(
      `<path class="edge" data-from="${escapeHtml(edge.from)}" data-to="${escapeHtml(edge.to)}" d="${d}" fill="none" stroke="#5a6270" stroke-width="1" marker-end="url(#${id}-arrow)"/>`,
    );
  }
  for (const node of layout.nodes) {
    const classes = ['node', ...(options.classesOf?.(node) ?? [])].join(' ');
    const fill =
      SERVICE_FILLS.find(([pattern]) => node.types.some((t) => pattern.test(t)))?.[1] ?? DEFAULT_FILL;
    const cx = node.x + node.width / 2;
    parts.push(
      `<g class="${escapeHtml(classes)}" data-node="${escapeHtml(node.id)}" data-logical-ids="${escapeHtml(node.logicalIds.join(' '))}">`,
      `<rect x="${node.x}" y="${node.y}" width="${node.width}" height="${node.height}" rx="4" fill="${fill}" stroke="#4b5563" stroke-width="1"/>`,
      `<text x="${cx}" y="${node.y + 18}" text-anchor="middle" fill="#111827">${escapeHtml(node.label)}</text>`,
      `<text x="${cx}" y="${node.y + 34}" text-anchor="middle" font-size="10.5" fill="#4b5563">${escapeHtml(node.kind)}</text></g>`,
    );
  }
  parts.push('</g>');
  noteLines.forEach((line, i) => {
    parts.push(
      `<text x="${MARGIN}" y="${Math.ceil(layout.height + 2 * MARGIN + (i + 1) * NOTE_LINE)}" font-size="11.5" fill="#374151">${escapeHtml(line)}</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

/** The width a note line needs at its smaller font size. */
function noteWidth(line: string): number {
  return Math.ceil(line.length * DIAGRAM_METRICS.charWidth * (11.5 / DIAGRAM_METRICS.fontSize));
}

/** What the picture leaves out and how to read it, as lines under it. */
function omittedNote(layout: DiagramLayout): string[] {
  const omitted = layout.graph.omitted.map((o) => `${o.count} ${o.category}`).join(', ');
  return [
    'Arrows point from a resource to what it refers to (Ref, GetAtt, Sub, ImportValue, GetStackOutput). Boxes with a count group resources of one kind.',
    ...(omitted ? [`Not drawn: ${omitted}.`] : []),
    ...layout.graph.unlinked.map(
      (type) => `The references of ${shortType(type)} resources (to what they show) are not drawn.`,
    ),
  ];
}
