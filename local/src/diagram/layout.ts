/**
 * Lays a resource graph out with elkjs (the Eclipse Layout Kernel's layered algorithm, pure JS):
 * one box per stack, the stack's resources inside, references pointing down and routed
 * orthogonally across stacks. The result is plain coordinates, rounded, so the same graph always gives the same
 * picture (the README's SVG is compared with a fresh one in a test).
 */
import ELK, { type ElkExtendedEdge, type ElkNode } from 'elkjs/lib/elk.bundled.js';
import type { DiagramEdge, DiagramNode, ResourceGraph } from './graph.js';

/** Box sizes and fonts the renderer and the layout share. */
export const DIAGRAM_METRICS = {
  fontSize: 12,
  /** A generous average glyph width for 12 px sans-serif: labels never overflow their box. */
  charWidth: 7.2,
  nodeHeight: 44,
  nodePaddingX: 12,
  stackHeaderHeight: 28,
} as const;

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface PlacedNode extends DiagramNode {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface PlacedStack {
  readonly name: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface PlacedEdge extends DiagramEdge {
  /** The route, from the referring resource to the referred one. */
  readonly points: readonly Point[];
}

export interface DiagramLayout {
  readonly graph: ResourceGraph;
  readonly width: number;
  readonly height: number;
  readonly stacks: readonly PlacedStack[];
  readonly nodes: readonly PlacedNode[];
  readonly edges: readonly PlacedEdge[];
}

/** The box width a label needs. */
export function textWidth(text: string): number {
  return Math.ceil(text.length * DIAGRAM_METRICS.charWidth);
}

/** Lays the graph out; deterministic for a given graph. */
export async function layoutDiagram(graph: ResourceGraph): Promise<DiagramLayout> {
  const elk = new ELK();
  const stackId = (name: string) => `stack:${name}`;
  const root: ElkNode = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.layered.spacing.nodeNodeBetweenLayers': '48',
      'elk.spacing.nodeNode': '20',
      'elk.spacing.edgeNode': '14',
      'elk.spacing.edgeEdge': '8',
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
      'elk.randomSeed': '1',
    },
    children: graph.stacks.map((stack) => ({
      id: stackId(stack),
      layoutOptions: {
        'elk.padding': `[top=${DIAGRAM_METRICS.stackHeaderHeight + 8},left=14,bottom=14,right=14]`,
        'elk.nodeSize.constraints': 'MINIMUM_SIZE',
        'elk.nodeSize.minimum': `(${textWidth(stack) + 40},60)`,
      },
      children: graph.nodes
        .filter((node) => node.stack === stack)
        .map((node) => ({
          id: node.id,
          width: Math.max(textWidth(node.label), textWidth(node.kind)) + 2 * DIAGRAM_METRICS.nodePaddingX,
          height: DIAGRAM_METRICS.nodeHeight,
        })),
    })),
    edges: graph.edges.map(
      (edge, i): ElkExtendedEdge => ({ id: `e${i}`, sources: [edge.from], targets: [edge.to] }),
    ),
  };
  const laid = await elk.layout(root);

  const offsets = new Map<string, Point>([['root', { x: 0, y: 0 }]]);
  const stacks: PlacedStack[] = [];
  const nodes: PlacedNode[] = [];
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  for (const stack of laid.children ?? []) {
    const sx = round(stack.x);
    const sy = round(stack.y);
    offsets.set(stack.id, { x: sx, y: sy });
    stacks.push({
      name: stack.id.slice('stack:'.length),
      x: sx,
      y: sy,
      width: round(stack.width),
      height: round(stack.height),
    });
    for (const child of stack.children ?? []) {
      const node = byId.get(child.id);
      if (!node) continue;
      nodes.push({
        ...node,
        x: sx + round(child.x),
        y: sy + round(child.y),
        width: round(child.width),
        height: round(child.height),
      });
    }
  }
  const edges = (laid.edges ?? []).flatMap((edge, i): PlacedEdge[] => {
    const source = graph.edges[i];
    const section = (edge as ElkExtendedEdge).sections?.[0];
    if (!source || !section) return [];
    // ELK gives an edge's route relative to its container (the stack when both ends are in it).
    const offset = offsets.get((edge as ElkExtendedEdge).container ?? 'root') ?? { x: 0, y: 0 };
    const points = [section.startPoint, ...(section.bendPoints ?? []), section.endPoint].map((p) => ({
      x: offset.x + round(p.x),
      y: offset.y + round(p.y),
    }));
    return [{ ...source, points }];
  });
  return { graph, width: round(laid.width), height: round(laid.height), stacks, nodes, edges };
}

function round(value: number | undefined): number {
  return Math.round((value ?? 0) * 10) / 10;
}
