/**
 * Measurements of how a screen fits its window, taken in the page. This workspace compiles
 * without the DOM library, so page-wide scripts are strings and element scripts type what they use.
 */
import type { Locator, Page } from 'playwright-core';

/** The page's width against the window's, and what sticks out past the right edge. */
export interface HorizontalFit {
  /** `scrollWidth` of the document: wider than the window means a horizontal scroll bar. */
  readonly pageWidth: number;
  readonly windowWidth: number;
  /** Elements whose right edge is past the window's, as `tag.class` (first 10). */
  readonly overflowing: readonly string[];
}

export async function horizontalFit(page: Page): Promise<HorizontalFit> {
  return page.evaluate(`(() => {
    const overflowing = [];
    for (const el of document.body.querySelectorAll('*')) {
      if (el.getBoundingClientRect().right > window.innerWidth + 0.5 && overflowing.length < 10)
        overflowing.push(el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ').join('.') : ''));
    }
    return { pageWidth: document.documentElement.scrollWidth, windowWidth: window.innerWidth, overflowing };
  })()`);
}

/** The parts of the DOM `textLines` uses, typed here because this workspace has no DOM library. */
interface InPageElement {
  readonly ownerDocument: {
    createRange(): {
      selectNodeContents(node: InPageElement): void;
      getClientRects(): Iterable<{ readonly top: number; readonly width: number }>;
    };
  };
}

/** How many lines an element's text takes on screen (1 = it does not wrap). */
export async function textLines(locator: Locator): Promise<number> {
  return locator.evaluate((element: InPageElement) => {
    const range = element.ownerDocument.createRange();
    range.selectNodeContents(element);
    const tops = [...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top));
    return new Set(tops).size;
  });
}

/** Whether the element's box lies entirely inside the window, horizontally. */
export async function withinWindowWidth(locator: Locator): Promise<boolean> {
  const box = await locator.boundingBox();
  const width = locator.page().viewportSize()?.width;
  if (!box || width === undefined) return false;
  return box.x >= 0 && box.x + box.width <= width;
}
