/**
 * Watches a set of files through their folders (an editor that saves by writing a new file and
 * renaming it over the old one replaces the file a per-file watch would hold) and reports the
 * ones that changed, a short burst of saves as one batch.
 */
import { type FSWatcher, watch } from 'node:fs';
import { dirname, join } from 'node:path';

export class FileWatcher {
  private files = new Set<string>();
  private readonly folders = new Map<string, FSWatcher>();
  private readonly pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  /**
   * @param onChange called with the files that changed since the last call.
   * @param settleMs how long a burst of saves (a formatter rewriting several files) may last.
   */
  constructor(
    private readonly onChange: (files: ReadonlySet<string>) => void,
    private readonly settleMs = 25,
  ) {}

  /** Watches exactly these files from now on. */
  watch(files: Iterable<string>): void {
    this.files = new Set(files);
    const wanted = new Set([...this.files].map((file) => dirname(file)));
    for (const [folder, watcher] of this.folders)
      if (!wanted.has(folder)) {
        watcher.close();
        this.folders.delete(folder);
      }
    for (const folder of wanted) {
      if (this.folders.has(folder)) continue;
      try {
        // Not persistent: watching never keeps the process alive on its own.
        const watcher = watch(folder, { persistent: false }, (_event, name) => {
          if (name) this.changed(join(folder, name.toString()));
        });
        watcher.on('error', () => this.folders.delete(folder));
        this.folders.set(folder, watcher);
      } catch {
        // A folder that is gone has nothing left to watch; the next graph will not name it.
      }
    }
  }

  close(): void {
    clearTimeout(this.timer);
    for (const watcher of this.folders.values()) watcher.close();
    this.folders.clear();
  }

  private changed(file: string): void {
    if (!this.files.has(file)) return;
    this.pending.add(file);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      const batch = new Set(this.pending);
      this.pending.clear();
      this.onChange(batch);
    }, this.settleMs);
  }
}
