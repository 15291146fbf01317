/**
 * Rows of measurements, checked against their budgets and rendered as a markdown table.
 */
import { BUDGETS, type BudgetId } from './budgets.js';

/** One measured figure. `value: null` means the measurement was not available. */
export interface Row {
  /** The measurement it belongs to, e.g. `cold start`. */
  readonly area: string;
  /** What was measured, e.g. `ListTasks load + 1 call / empty`. */
  readonly metric: string;
  readonly value: number | null;
  readonly unit: string;
  /** The budget it is checked against; none means informational. */
  readonly budget?: BudgetId;
  /** Why a value is missing, or how to read it. */
  readonly note?: string;
}

export type Status = 'pass' | 'FAIL' | 'info' | 'n/a';

export interface CheckedRow extends Row {
  readonly status: Status;
  readonly max?: number;
}

/** A measurement that could not be taken, with the reason. */
export function notAvailable(area: string, metric: string, reason: string, budget?: BudgetId): Row {
  return { area, metric, value: null, unit: '', budget, note: `not available: ${reason}` };
}

/** The order areas appear in the table: the numbering, memory last. */
export const AREA_ORDER = [
  'cold start',
  'bundle size',
  'API load',
  'DynamoDB cost',
  'sign-in timing',
  'front end',
  'developer loop',
  'memory',
] as const;

/** Rows grouped by area in AREA_ORDER (unknown areas last), keeping their order within an area. */
export function sortByArea(rows: readonly Row[]): Row[] {
  const rank = (area: string): number => {
    const at = (AREA_ORDER as readonly string[]).indexOf(area);
    return at === -1 ? AREA_ORDER.length : at;
  };
  return rows
    .map((row, index) => ({ row, index }))
    .sort((a, b) => rank(a.row.area) - rank(b.row.area) || a.index - b.index)
    .map(({ row }) => row);
}

/** Checks every row against its budget. */
export function checkRows(rows: readonly Row[]): CheckedRow[] {
  return rows.map((row) => {
    if (row.value === null) return { ...row, status: 'n/a' };
    if (row.budget === undefined) return { ...row, status: 'info' };
    const { max } = BUDGETS[row.budget];
    return { ...row, max, status: row.value <= max ? 'pass' : 'FAIL' };
  });
}

/** 1 when any budget is broken; an unavailable figure does not fail the run but is listed. */
export function exitCodeFor(rows: readonly CheckedRow[]): 0 | 1 {
  return rows.some((r) => r.status === 'FAIL') ? 1 : 0;
}

/** A number as people read it: integers plainly, small values with up to 2 decimals. */
export function formatNumber(value: number): string {
  if (Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  const fixed = value.toFixed(digits);
  return digits === 0 ? fixed : fixed.replace(/\.?0+$/, '');
}

function formatValue(row: CheckedRow): string {
  if (row.value === null) return '—';
  return joinUnit(formatNumber(row.value), row.unit);
}

function formatBudget(row: CheckedRow): string {
  if (row.budget === undefined) return '—';
  const budget = BUDGETS[row.budget];
  return `≤ ${joinUnit(formatNumber(budget.max), budget.unit)}`;
}

function joinUnit(value: string, unit: string): string {
  if (unit === '') return value;
  return unit === '×' || unit === '%' ? `${value}${unit}` : `${value} ${unit}`;
}

function escapeCell(text: string): string {
  return text.replaceAll('|', '\\|');
}

/** The markdown table (area | metric | value | budget | status), then the notes and budget reasons. */
export function formatTable(rows: readonly CheckedRow[]): string {
  const lines = ['| area | metric | value | budget | status |', '|---|---|--:|--:|---|'];
  for (const row of rows) {
    const cells = [row.area, row.metric, formatValue(row), formatBudget(row), row.status];
    lines.push(`| ${cells.map(escapeCell).join(' | ')} |`);
  }
  const notes = rows.filter((r) => r.note !== undefined);
  if (notes.length > 0) {
    lines.push('', 'Notes:');
    for (const row of notes) lines.push(`- ${row.area} · ${row.metric}: ${row.note}`);
  }
  const used = [...new Set(rows.flatMap((r) => (r.budget === undefined ? [] : [r.budget])))];
  if (used.length > 0) {
    lines.push('', 'Budgets (bench/src/budgets.ts):');
    for (const id of used) {
      const b = BUDGETS[id];
      lines.push(`- ${id} ≤ ${joinUnit(formatNumber(b.max), b.unit)}: ${b.why}`);
    }
  }
  return lines.join('\n');
}
