/** Screenshots saved as test artifacts under `e2e/test-results/<test>/<nn-step>.png`. */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';

/** `e2e/test-results/`, gitignored; CI uploads it as the run's artifacts. */
export const RESULTS_DIR = fileURLToPath(new URL('../test-results/', import.meta.url));

/** A folder name from a test name: lower case, words joined by dashes. */
export function slug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 80)
    .replace(/^-+|-+$/g, '');
}

/** Numbers a test's screenshots in the order they are taken, so the folder reads as a storyboard. */
export class StepScreenshots {
  readonly dir: string;
  readonly taken: string[] = [];

  private constructor(
    private readonly page: Page,
    dir: string,
  ) {
    this.dir = dir;
  }

  /** Starts a test's folder afresh, so screenshots of an earlier run never mix with this one's. */
  static async forTest(page: Page, testName: string, root: string = RESULTS_DIR): Promise<StepScreenshots> {
    const dir = join(root, slug(testName));
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    return new StepScreenshots(page, dir);
  }

  /**
   * Saves a screenshot as `<nn>-<step>.png` and returns its path: the whole page by default, only
   * the viewport with `fullPage: false` (for modals, whose fixed backdrop covers only the viewport).
   */
  async take(step: string, options: { readonly fullPage?: boolean } = {}): Promise<string> {
    const n = String(this.taken.length + 1).padStart(2, '0');
    const file = join(this.dir, `${n}-${slug(step)}.png`);
    await this.page.screenshot({ path: file, fullPage: options.fullPage ?? true });
    this.taken.push(file);
    return file;
  }
}
