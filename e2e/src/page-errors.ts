/**
 * Everything a page reports as broken: console errors, uncaught exceptions, CSP violations
 * and 5xx answers. A journey that works for the user but throws in the console still fails.
 */
import type { BrowserContext, Page } from 'playwright-core';

/**
 * Logs each CSP violation to the console with a recognisable prefix. Chromium logs violations
 * itself too; the event listener also catches those reported only to the page (e.g. report-only).
 * A string, because this workspace compiles without the DOM library.
 */
const CSP_LISTENER = `document.addEventListener('securitypolicyviolation', (e) => {
  const where = e.sourceFile ? ' at ' + e.sourceFile + ':' + e.lineNumber + ':' + e.columnNumber : '';
  console.error('CSP violation: ' + e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + where);
});`;

/** Installs the CSP listener in every page the context opens; call before opening pages. */
export async function reportCspViolations(context: BrowserContext): Promise<void> {
  await context.addInitScript({ content: CSP_LISTENER });
}

/** Problems a page reported, in the order they happened. */
export class PageErrors {
  readonly messages: string[] = [];

  constructor(page: Page) {
    page.on('console', (message) => {
      if (message.type() === 'error') this.messages.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => this.messages.push(`uncaught: ${error.message}`));
    page.on('response', (response) => {
      if (response.status() >= 500) {
        this.messages.push(`HTTP ${response.status()} ${response.request().method()} ${response.url()}`);
      }
    });
  }

  /**
   * The problems not explained by `expected`: patterns for errors the test provokes on purpose,
   * such as Chromium's "Failed to load resource … status of 409" for a deliberate stale edit.
   */
  unexpected(expected: readonly RegExp[] = []): string[] {
    return this.messages.filter((m) => !expected.some((pattern) => pattern.test(m)));
  }
}
