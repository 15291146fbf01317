/**
 * Per-file lifecycle of a browser test: one browser per file, started in `beforeAll` and stopped
 * in `afterAll` (a file's local cloud: local-cloud.ts); a fresh browser context per test, closed
 * when the test finishes, after a last screenshot if it failed.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, type TestContext } from 'vitest';
import { StepScreenshots } from './artifacts.js';
import { launchChromium } from './browser.js';
import type { CloudUnderTest } from './cloud.js';
import { PageErrors, reportCspViolations } from './page-errors.js';
import { TaskTrackerApp } from './task-tracker-app.js';
import type { TestUser } from './users.js';
import { DESKTOP, type Viewport } from './viewports.js';

/** What a test drives: its page, its screenshots and what the page reported as broken. */
export interface BrowserSession {
  readonly context: BrowserContext;
  readonly page: Page;
  readonly shots: StepScreenshots;
  readonly errors: PageErrors;
}

/** Options of a test's browser context. */
export interface SessionOptions {
  /** Base of relative `page.goto` paths, e.g. the local cloud's web URL. */
  readonly baseURL?: string;
  /** The window: a desktop browser or a phone. @default DESKTOP */
  readonly viewport?: Viewport;
}

/** How long a single Playwright action or wait may take before the step fails with its own message. */
const ACTION_TIMEOUT_MS = 15_000;

/** A file's browser. Call at the top of a test file. */
export function useBrowser() {
  let browser: Browser | undefined;

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  return {
    /** Opens a fresh context and page for the calling test; the test's end closes them. */
    async open(ctx: TestContext, options: SessionOptions = {}): Promise<BrowserSession> {
      if (!browser) throw new Error('the browser did not start (see the beforeAll error above)');
      const { width, height, mobile } = options.viewport ?? DESKTOP;
      const context = await browser.newContext({
        baseURL: options.baseURL,
        viewport: { width, height },
        // A phone honours the page's viewport meta tag and has touch, as a real one does.
        isMobile: mobile,
        hasTouch: mobile,
      });
      context.setDefaultTimeout(ACTION_TIMEOUT_MS);
      await reportCspViolations(context);
      const page = await context.newPage();
      const errors = new PageErrors(page);
      const shots = await StepScreenshots.forTest(page, ctx.task.name);
      ctx.onTestFinished(async () => {
        // onTestFinished runs before onTestFailed, so the failure screenshot is taken here.
        if (ctx.task.result?.state === 'fail') {
          await shots.take('failure').catch(() => undefined);
          await writeFile(join(shots.dir, 'page-errors.txt'), `${errors.messages.join('\n')}\n`);
        }
        await context.close();
      });
      return { context, page, shots, errors };
    },
  };
}

/**
 * The app open at the cloud's web URL for `user` (already signed up), signed in: where a test
 * starts when sign-in is not what it checks.
 */
export async function openSignedIn(
  browser: ReturnType<typeof useBrowser>,
  cloud: CloudUnderTest,
  ctx: TestContext,
  user: TestUser,
  options: Omit<SessionOptions, 'baseURL'> = {},
): Promise<BrowserSession & { readonly app: TaskTrackerApp }> {
  const session = await browser.open(ctx, { ...options, baseURL: cloud.urls.web });
  const app = new TaskTrackerApp(session.page);
  await app.open();
  await app.signIn(user);
  return { ...session, app };
}
