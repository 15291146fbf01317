#!/usr/bin/env node
// The browser tests drive Debian's Chromium (never a downloaded browser build). On a machine
// without it, install it when we can (root with apt-get, as on a fresh CI machine); otherwise
// stop with one line that says how, instead of a Playwright stack trace.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function fail(message) {
  console.error(`ensure-chromium: ${message}`);
  process.exit(1);
}

if (existsSync(CHROMIUM)) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
if (!isRoot || !hasApt) {
  fail(`Chromium not found at ${CHROMIUM} — install it with: sudo apt-get install -y chromium`);
}

console.log(`ensure-chromium: ${CHROMIUM} is missing; installing Debian's chromium package (apt-get) …`);
try {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env });
} catch {
  fail('installing chromium with apt-get failed — install it with: apt-get install -y chromium');
}
if (!existsSync(CHROMIUM)) fail(`apt-get finished but ${CHROMIUM} is still missing`);
