/**
 * Each screen of a walk-through, checked the same way: a screenshot, how it fits the window and
 * axe-core's findings. Every report is written to `accessibility.json` beside the screenshots.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type AxeFindings, BLOCKING_IMPACTS, describeViolations, runAxe } from './accessibility.js';
import { type HorizontalFit, horizontalFit } from './layout.js';
import type { BrowserSession } from './suite.js';
import type { Viewport } from './viewports.js';

/** What one screen looked like to the checks. */
export interface ScreenReport {
  readonly screen: string;
  readonly viewport: Viewport['name'];
  readonly screenshot: string;
  readonly fit: HorizontalFit;
  readonly axe: AxeFindings;
}

/** The serious and critical findings of a screen, one line each: what fails a test. */
export function blockingViolations(report: ScreenReport): string[] {
  return describeViolations(report.axe.violations.filter((v) => BLOCKING_IMPACTS.has(v.impact)));
}

export class ScreenAudit {
  readonly reports: ScreenReport[] = [];

  constructor(
    private readonly session: Pick<BrowserSession, 'page' | 'shots'>,
    private readonly viewport: Viewport,
  ) {}

  /** Checks the screen as it is now; the test asserts on the report. */
  async check(screen: string, options: { readonly fullPage?: boolean } = {}): Promise<ScreenReport> {
    const { page, shots } = this.session;
    const report: ScreenReport = {
      screen,
      viewport: this.viewport.name,
      screenshot: await shots.take(screen, options),
      fit: await horizontalFit(page),
      axe: await runAxe(page),
    };
    this.reports.push(report);
    await writeFile(join(shots.dir, 'accessibility.json'), `${JSON.stringify(this.reports, null, 2)}\n`);
    return report;
  }
}
