/**
 * Debian's Chromium, driven by playwright-core. The tests never download a browser build:
 * the machine's own package is what CI installs too.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Where the browser lives; `CHROMIUM_PATH` overrides it (the root `ensure-chromium` script reads the same). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Flags for a root user in a container on a closed network: no sandbox (root), no GPU, and none
 * of Chromium's own background traffic (updates, sync, QUIC probes), which the network refuses.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
] as const;

/** The one-line message a machine without Chromium gets, instead of a Playwright stack trace. */
export function missingChromiumMessage(path: string): string {
  return `Chromium not found at ${path} — install it with: apt-get install -y chromium`;
}

/** Launches headless Chromium; fails fast with one line when the browser is not installed. */
export async function launchChromium(path: string = CHROMIUM_PATH): Promise<Browser> {
  if (!existsSync(path)) throw new Error(missingChromiumMessage(path));
  return chromium.launch({ executablePath: path, args: [...CHROMIUM_ARGS] });
}
