/**
 * Live reload while the local cloud runs: a save to a function's code rebuilds that function's
 * bundle and swaps its environments; a save to the infrastructure (anything the app profile's
 * synth imports) re-synthesizes in a fresh process and applies the difference in place. A build
 * or synth that fails is printed and the last good version keeps serving. Reloads run one at a
 * time, in the order their saves came.
 */
import { basename } from 'node:path';
import { type LocalAssembly, readAssemblyDirectory } from '../assembly/index.js';
import type { ReloadOutcome } from '../service.js';
import { FileWatcher } from './files.js';
import { BundleError, type HandlerBundles } from './handlers.js';
import { importGraph } from './import-graph.js';
import { ChildSynthesizer, SynthError } from './synthesizer.js';

export interface LiveReloadOptions {
  readonly bundles: HandlerBundles;
  /** The assembly the cloud runs now. */
  readonly assembly: () => LocalAssembly;
  /** Runs an assembly in place of the current one (the same one: picks up rebuilt code). */
  readonly reload: (assembly: LocalAssembly) => Promise<ReloadOutcome>;
  readonly log: (line: string) => void;
  /** How to re-synthesize the infrastructure; without it (an `--assembly` run) only code is watched. */
  readonly synth?: {
    readonly profileFile: string;
    readonly stage: string;
    /** Two folders the synths alternate between: the running assembly's assets stay in place. */
    readonly outdirs: readonly [string, string];
  };
}

export class LiveReload {
  private readonly watcher: FileWatcher;
  private readonly synthesizer: ChildSynthesizer | undefined;
  private infraFiles = new Set<string>();
  private packages: readonly string[] = [];
  private queue: Promise<void> = Promise.resolve();
  private synthesizing = false;
  /** Infrastructure files saved while a synth ran: another synth follows. */
  private readonly savedDuringSynth = new Set<string>();
  private runningOutdir = 0;
  private stopped = false;

  private constructor(private readonly options: LiveReloadOptions) {
    this.watcher = new FileWatcher((files) => this.changed(files));
    const { synth } = options;
    this.synthesizer = synth
      ? new ChildSynthesizer({
          profileFile: synth.profileFile,
          stage: synth.stage,
          packages: () => this.packages,
          log: options.log,
        })
      : undefined;
  }

  /** Starts watching the functions' code and, with `synth`, the infrastructure. */
  static async start(options: LiveReloadOptions): Promise<LiveReload> {
    const live = new LiveReload(options);
    await live.readInfraGraph();
    live.synthesizer?.warm();
    live.watchFiles();
    return live;
  }

  /** What is watched, for the banner. */
  describe(): string {
    const code = `${this.options.bundles.inputs().size} files of function code`;
    return this.synthesizer ? `${code}, ${this.infraFiles.size} files of infrastructure` : code;
  }

  /** Stops watching; a reload under way finishes first. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.watcher.close();
    this.synthesizer?.stop();
    await this.queue;
  }

  private changed(files: ReadonlySet<string>): void {
    if (this.stopped) return;
    const code = this.options.bundles.inputs();
    const forCode = new Set([...files].filter((file) => code.has(file)));
    if (forCode.size > 0) void this.enqueue(() => this.reloadCode(forCode));
    const forInfra = new Set([...files].filter((file) => this.infraFiles.has(file)));
    if (forInfra.size > 0) void this.resynthesize(forInfra);
  }

  private async reloadCode(files: ReadonlySet<string>): Promise<void> {
    const started = Date.now();
    const { bundles } = this.options;
    let rebuilt: string[] = [];
    try {
      rebuilt = await bundles.rebuild(files);
    } catch (err) {
      if (!(err instanceof BundleError)) throw err;
      this.options.log(
        `[watch] ${names(files)}: the build failed; the last good code keeps serving.\n${err.message}`,
      );
    }
    const outcome = await this.options.reload(this.options.assembly());
    this.report(outcome, started, rebuilt.length > 0 ? `${names(files)} saved` : undefined);
    this.watchFiles();
  }

  /** Re-synthesizes (again if more saves came meanwhile), then applies the new assembly in turn. */
  private async resynthesize(files: ReadonlySet<string>): Promise<void> {
    const { synth } = this.options;
    if (!synth || !this.synthesizer) return;
    if (this.synthesizing) {
      for (const file of files) this.savedDuringSynth.add(file);
      return;
    }
    this.synthesizing = true;
    let saved = new Set(files);
    try {
      while (saved.size > 0 && !this.stopped) {
        const started = Date.now();
        this.options.log(`[watch] ${names(saved)} saved: synthesizing the infrastructure…`);
        const outdir = synth.outdirs[1 - this.runningOutdir] ?? synth.outdirs[0];
        const assembly = await this.synthesizer.synthesize(outdir).then(
          () => readAssemblyDirectory(outdir, synth.stage),
          (err: unknown) => {
            if (!(err instanceof SynthError)) throw err;
            if (!this.stopped)
              this.options.log(
                `[watch] the synth failed; the last good version keeps serving.\n${err.message}`,
              );
            return undefined;
          },
        );
        if (this.stopped) return;
        if (assembly) await this.enqueue(() => this.apply(assembly, started, 1 - this.runningOutdir));
        await this.readInfraGraph();
        this.watchFiles();
        saved = new Set(this.savedDuringSynth);
        this.savedDuringSynth.clear();
      }
    } finally {
      this.synthesizing = false;
    }
  }

  private async apply(assembly: LocalAssembly, started: number, outdir: number): Promise<void> {
    try {
      await this.options.bundles.sync(assembly);
    } catch (err) {
      if (!(err instanceof BundleError)) throw err;
      this.options.log(
        `[watch] a new function's build failed; the last good version keeps serving.\n${err.message}`,
      );
      return;
    }
    const outcome = await this.options.reload(assembly);
    if (outcome.applied) this.runningOutdir = outdir;
    this.report(outcome, started, 'infrastructure');
  }

  private report(outcome: ReloadOutcome, started: number, what: string | undefined): void {
    const ms = Date.now() - started;
    if (!outcome.applied) {
      this.options.log(`[watch] not applied: ${outcome.reason} The cloud keeps running as it was.`);
      return;
    }
    if (what === undefined) return;
    const changes = outcome.changes.length === 0 ? 'nothing to change' : outcome.changes.join('; ');
    this.options.log(`[watch] ${what}: reloaded in ${ms} ms (${changes}).`);
  }

  private async readInfraGraph(): Promise<void> {
    const synth = this.options.synth;
    if (!synth) return;
    try {
      const graph = await importGraph(synth.profileFile);
      this.infraFiles = new Set(graph.files);
      this.packages = graph.packages;
    } catch (err) {
      // A file that does not parse keeps the previous graph: its save still triggers the synth
      // that reports the error, and the save that fixes it another.
      const errors = (err as { errors?: unknown[] }).errors;
      if (!errors) throw err;
    }
  }

  private watchFiles(): void {
    if (this.stopped) return;
    this.watcher.watch([...this.options.bundles.inputs(), ...this.infraFiles]);
  }

  /** Runs reloads one after another; a failure is printed and does not stop the next one. */
  private enqueue(task: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(task).catch((err: unknown) => {
      this.options.log(`[watch] reload failed: ${err instanceof Error ? err.message : String(err)}`);
    });
    return this.queue;
  }
}

function names(files: ReadonlySet<string>): string {
  const list = [...files].map((file) => basename(file));
  return list.length <= 3 ? list.join(', ') : `${list.slice(0, 3).join(', ')} and ${list.length - 3} more`;
}
