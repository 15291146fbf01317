/** `npm run cost-table`: rewrites the idle-cost table in docs/deploy.md from the configured stages. */
import { readFileSync, writeFileSync } from 'node:fs';
import { COST_TABLE_DOC, configuredCostTable, withCostTable } from '../src/cost/cost-table-doc.js';

const page = readFileSync(COST_TABLE_DOC, 'utf8');
const updated = withCostTable(page, configuredCostTable());
writeFileSync(COST_TABLE_DOC, updated);
console.log(
  updated === page ? 'docs/deploy.md cost table is up to date.' : 'docs/deploy.md cost table updated.',
);
