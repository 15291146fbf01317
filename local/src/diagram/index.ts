/**
 * The architecture diagram of a stage, generated from its cloud assembly: `npm run diagram`
 * writes it to `docs/architecture.svg`, and the local console shows it with what runs locally.
 */
import { join } from 'node:path';
import { type LocalAssembly, REPO_ROOT, readAssemblyDirectory } from '../assembly/index.js';
import { resourceGraph } from './graph.js';
import { layoutDiagram } from './layout.js';
import { renderSvg, type SvgOptions } from './svg.js';

export type { DiagramEdge, DiagramNode, ResourceGraph } from './graph.js';
export { resourceGraph } from './graph.js';
export type { DiagramLayout, PlacedNode } from './layout.js';
export { layoutDiagram } from './layout.js';
export { renderSvg, type SvgOptions } from './svg.js';

/** The README's diagram: where `npm run diagram` writes it, and the stage it draws. */
export const ARCHITECTURE_SVG = join(REPO_ROOT, 'docs', 'architecture.svg');
export const ARCHITECTURE_STAGE = 'dev';

/** The stage's resource diagram as an SVG document. */
export async function architectureSvg(assembly: LocalAssembly, options: SvgOptions = {}): Promise<string> {
  return renderSvg(await layoutDiagram(resourceGraph(assembly)), options);
}

/** The diagram of a stage of an already synthesized cloud assembly folder (`cdk.out`). */
export async function architectureSvgOfDirectory(directory: string, stage: string): Promise<string> {
  return architectureSvg(readAssemblyDirectory(directory, stage));
}
