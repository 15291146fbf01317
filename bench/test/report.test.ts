import { describe, expect, it } from 'vitest';
import { BUDGETS } from '../src/budgets.js';
import {
  checkRows,
  exitCodeFor,
  formatNumber,
  formatTable,
  notAvailable,
  type Row,
  sortByArea,
} from '../src/report.js';

const within: Row = {
  area: 'cold start',
  metric: "GetTask: added / peer's added",
  value: 0.2,
  unit: '×',
  budget: 'coldStartPeerRatio',
};
const over: Row = { area: 'bundle size', metric: 'ListTasks', value: 612.4, unit: 'KB', budget: 'bundleKb' };
const info: Row = { area: 'API load', metric: 'gateway p50', value: 12.5, unit: 'ms' };

describe('checkRows', () => {
  it('passes a figure at or under its budget and fails one over it', () => {
    const atLimit: Row = { ...within, value: BUDGETS.coldStartPeerRatio.max };
    const statuses = checkRows([within, atLimit, over]).map((r) => r.status);
    expect(statuses).toEqual(['pass', 'pass', 'FAIL']);
  });

  it('marks figures without a budget as info and missing figures as n/a', () => {
    const missing = notAvailable('front end', 'initial JS (gzip)', 'web build failed', 'initialJsGzipKb');
    expect(checkRows([info, missing]).map((r) => r.status)).toEqual(['info', 'n/a']);
  });
});

describe('exitCodeFor', () => {
  it('is 1 when any budget is broken', () => {
    expect(exitCodeFor(checkRows([within, over, info]))).toBe(1);
  });

  it('is 0 when every budget is met, even with unavailable figures', () => {
    expect(exitCodeFor(checkRows([within, info, notAvailable('a', 'b', 'no browser')]))).toBe(0);
  });
});

describe('formatTable', () => {
  it('prints one markdown row per figure with its value, budget and status', () => {
    const table = formatTable(checkRows([within, over, info]));
    const lines = table.split('\n');
    expect(lines[0]).toBe('| area | metric | value | budget | status |');
    expect(lines).toContain("| cold start | GetTask: added / peer's added | 0.2× | ≤ 0.3× | pass |");
    expect(lines).toContain('| bundle size | ListTasks | 612 KB | ≤ 500 KB | FAIL |');
    expect(lines).toContain('| API load | gateway p50 | 12.5 ms | — | info |');
  });

  it('lists the reason of an unavailable figure and why each used budget is set', () => {
    const table = formatTable(
      checkRows([within, notAvailable('front end', 'time to list', 'Chromium not found')]),
    );
    expect(table).toContain('- front end · time to list: not available: Chromium not found');
    expect(table).toContain(`- coldStartPeerRatio ≤ 0.3×: ${BUDGETS.coldStartPeerRatio.why}`);
  });

  it('escapes pipes inside cells so the table keeps its columns', () => {
    const table = formatTable(checkRows([{ ...info, metric: 'a | b' }]));
    expect(table).toContain('| a \\| b |');
  });
});

describe('formatNumber', () => {
  it('keeps integers, two decimals for small values and none for large ones', () => {
    expect(formatNumber(3)).toBe('3');
    expect(formatNumber(0.5)).toBe('0.5');
    expect(formatNumber(1.234)).toBe('1.23');
    expect(formatNumber(45.67)).toBe('45.7');
    expect(formatNumber(1234.5)).toBe('1235');
    expect(formatNumber(220.4)).toBe('220');
    expect(formatNumber(10.04)).toBe('10');
  });
});

describe('sortByArea', () => {
  it('groups rows in the issue order and keeps the measured order within an area', () => {
    const rows: Row[] = [
      { area: 'memory', metric: 'peak', value: 1, unit: 'MB' },
      { area: 'cold start', metric: 'b', value: 1, unit: 'ms' },
      { area: 'somewhere else', metric: 'x', value: 1, unit: '' },
      { area: 'cold start', metric: 'a', value: 1, unit: 'ms' },
      { area: 'bundle size', metric: 'c', value: 1, unit: 'KB' },
    ];
    expect(sortByArea(rows).map((r) => `${r.area}/${r.metric}`)).toEqual([
      'cold start/b',
      'cold start/a',
      'bundle size/c',
      'memory/peak',
      'somewhere else/x',
    ]);
  });
});
