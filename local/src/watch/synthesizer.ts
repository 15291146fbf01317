/**
 * Re-synthesizes the app in a fresh child process (see synth-child.ts), one kept waiting ahead of
 * time so that a save only pays for the synth itself, not for starting Node and loading aws-cdk-lib.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { SynthAnswer } from './synth-child.js';

const CHILD = fileURLToPath(new URL('./synth-child.ts', import.meta.url));
/** tsx's loader: the child imports the app's TypeScript as `npm start` does. */
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** A synth that failed: the app's own error, in a few lines. */
export class SynthError extends Error {
  override readonly name = 'SynthError';
}

export interface ChildSynthesizerOptions {
  readonly profileFile: string;
  readonly stage: string;
  /** The packages the app imports, loaded before the synth is asked for. */
  readonly packages: () => readonly string[];
  /** The synth's own output (CDK's warnings), line by line. */
  readonly log: (line: string) => void;
}

interface Standby {
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
  readonly answer: Promise<SynthAnswer>;
}

export class ChildSynthesizer {
  private standby: Standby | undefined;
  /** The process of the synth under way. */
  private current: ChildProcess | undefined;
  private stopped = false;

  constructor(private readonly options: ChildSynthesizerOptions) {}

  /** Starts the next synth process now, so it is ready when a save comes. */
  warm(): void {
    if (!this.standby && !this.stopped) this.standby = this.spawn();
  }

  /** Synthesizes the stage into `outdir`; a failure rejects with a {@link SynthError}. */
  async synthesize(outdir: string): Promise<void> {
    const standby = this.standby ?? this.spawn();
    this.standby = undefined;
    this.current = standby.child;
    try {
      await standby.ready;
      standby.child.send({
        type: 'synth',
        profileFile: this.options.profileFile,
        stage: this.options.stage,
        outdir,
      });
      const answer = await standby.answer;
      if (answer.type === 'failed') throw new SynthError(answer.message);
    } finally {
      this.current = undefined;
      this.warm();
    }
  }

  /** Ends the waiting process and the synth under way (which then fails). */
  stop(): void {
    this.stopped = true;
    this.standby?.child.kill('SIGKILL');
    this.standby = undefined;
    this.current?.kill('SIGKILL');
  }

  private spawn(): Standby {
    const child = fork(CHILD, [JSON.stringify(this.options.packages())], {
      execArgv: ['--import', TSX],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    // A waiting synth process must not keep the local cloud's process alive.
    child.unref();
    child.channel?.unref();
    const output: string[] = [];
    for (const stream of [child.stdout, child.stderr]) {
      // Piped stdio is a socket; unreferenced, it does not keep this process alive either.
      (stream as Socket | null)?.unref();
      if (stream)
        createInterface({ input: stream }).on('line', (line) => {
          output.push(line);
          this.options.log(`[synth] ${line}`);
        });
    }
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', (code, signal) =>
        reject(
          new SynthError(
            `The synth process exited (${signal ?? `code ${code}`}) before answering${output.length ? `: ${output.slice(-3).join(' | ')}` : '.'}`,
          ),
        ),
      ),
    );
    exited.catch(() => undefined);
    const next = (type: SynthAnswer['type'] | 'answer') =>
      Promise.race([
        new Promise<SynthAnswer>((resolve) => {
          const onMessage = (message: SynthAnswer) => {
            if (type === 'ready' ? message.type !== 'ready' : message.type === 'ready') return;
            child.off('message', onMessage);
            resolve(message);
          };
          child.on('message', onMessage);
        }),
        exited,
      ]);
    const ready = next('ready').then(() => undefined);
    ready.catch(() => undefined);
    const answer = next('answer');
    answer.catch(() => undefined);
    return { child, ready, answer };
  }
}
