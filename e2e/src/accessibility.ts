/**
 * axe-core, injected into the page under test. Only serious and critical findings fail a test;
 * every finding is kept in the report so minor ones are visible too.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

/** One axe rule that failed on a screen, with the elements it failed on. */
export interface AxeViolation {
  readonly id: string;
  readonly impact: 'minor' | 'moderate' | 'serious' | 'critical' | null;
  readonly help: string;
  readonly targets: readonly string[];
}

/** Impacts that fail a test. */
export const BLOCKING_IMPACTS: ReadonlySet<AxeViolation['impact']> = new Set(['serious', 'critical']);

let axeSource: Promise<string> | undefined;

function loadAxeSource(): Promise<string> {
  axeSource ??= readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  return axeSource;
}

/** axe's verdict on a page: what failed, what it could not decide, and how many rules passed. */
export interface AxeFindings {
  readonly violations: readonly AxeViolation[];
  /** Rules axe could not decide automatically (e.g. contrast over an image): for a person to check. */
  readonly incomplete: readonly AxeViolation[];
  readonly passedRules: number;
}

/**
 * Runs axe-core's rules (WCAG 2.x A/AA and best practices) on the page as it is now. The script
 * goes in through the DevTools protocol, which the page's CSP does not govern, so the app's
 * strict `script-src 'self'` stays on.
 */
export async function runAxe(page: Page): Promise<AxeFindings> {
  await page.evaluate(await loadAxeSource());
  return page.evaluate(`axe.run(document).then((results) => {
    const summary = (found) => found.map((v) => ({
      id: v.id,
      impact: v.impact ?? null,
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(' ')),
    }));
    return {
      violations: summary(results.violations),
      incomplete: summary(results.incomplete),
      passedRules: results.passes.length,
    };
  })`);
}

/** "color-contrast (serious): Elements must meet … — .hint, .meta" per violation, for a test failure. */
export function describeViolations(violations: readonly AxeViolation[]): string[] {
  return violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.targets.join(', ')}`);
}
