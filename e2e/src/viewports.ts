/** The widths every browser test of a layout or accessibility fix runs at. */

/** A browser window size, and whether it is a phone (touch, mobile viewport rules). */
export interface Viewport {
  readonly name: 'desktop' | 'phone';
  readonly width: number;
  readonly height: number;
  readonly mobile: boolean;
}

export const DESKTOP: Viewport = { name: 'desktop', width: 1280, height: 800, mobile: false };

/** A 390 px wide phone (iPhone 12–15 class), the width the UI faults were reported at. */
export const PHONE: Viewport = { name: 'phone', width: 390, height: 844, mobile: true };

export const VIEWPORTS: readonly Viewport[] = [DESKTOP, PHONE];
