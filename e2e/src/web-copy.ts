/**
 * A copy of the web app (`web/`) for a test that edits its source while the app's dev server
 * serves it, as a developer would: the real tree is never written. The copy sits inside the
 * repository (under the git-ignored `.local-cloud/`), so its imports resolve from the
 * repository's node_modules as the original's do.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WEB_DIR = join(REPO_ROOT, 'web');
/** Built output and the web app's own tests: a dev server needs neither. */
const LEFT_OUT = new Set(['dist', 'node_modules', 'test']);

export class WebCopy {
  /** The copy's folder. */
  readonly dir: string;

  constructor() {
    const root = join(REPO_ROOT, '.local-cloud');
    mkdirSync(root, { recursive: true });
    this.dir = mkdtempSync(join(root, 'test-web-'));
    cpSync(WEB_DIR, this.dir, {
      recursive: true,
      filter: (source) => source === WEB_DIR || !LEFT_OUT.has(basename(source)),
    });
    this.keepTsconfigBase();
  }

  /** The copy's folder relative to the repository root, as a profile's `devServer.directory` takes it. */
  get directory(): string {
    return relative(REPO_ROOT, this.dir);
  }

  /** Replaces one exact piece of a file of the copy (`src/…`) and saves it, as an editor would. */
  edit(file: string, from: string, to: string): void {
    const path = join(this.dir, file);
    const text = readFileSync(path, 'utf8');
    if (!text.includes(from)) throw new Error(`${file} does not contain ${JSON.stringify(from)}`);
    writeFileSync(path, text.replace(from, to));
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** The copy lives at another depth: its tsconfig extends the same base file as the original's. */
  private keepTsconfigBase(): void {
    const file = join(this.dir, 'tsconfig.json');
    const config = JSON.parse(readFileSync(file, 'utf8')) as { extends?: string };
    if (config.extends === undefined || !config.extends.startsWith('.')) return;
    config.extends = relative(this.dir, resolve(WEB_DIR, config.extends));
    writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`);
  }
}
