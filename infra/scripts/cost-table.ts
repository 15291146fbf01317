/** `npm run cost-table`: rewrites the README's idle-cost table from the configured stages. */
import { readFileSync, writeFileSync } from 'node:fs';
import { configuredCostTable, withCostTable } from '../src/cost/readme-table.js';

const readmePath = new URL('../../README.md', import.meta.url);
const readme = readFileSync(readmePath, 'utf8');
const updated = withCostTable(readme, configuredCostTable());
writeFileSync(readmePath, updated);
console.log(updated === readme ? 'README.md cost table is up to date.' : 'README.md cost table updated.');
