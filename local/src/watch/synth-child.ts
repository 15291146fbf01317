/**
 * A synth in a fresh process: an edited CDK app cannot be imported again into a process that
 * already holds its modules (ESM caches them for good), so each re-synth runs here. The process
 * starts ahead of time and loads the packages the app imports (aws-cdk-lib is most of the
 * wait), then waits for the one synth it is for, answers, and exits.
 */
import { loadProfile } from '../profile.js';

interface SynthRequest {
  readonly type: 'synth';
  readonly profileFile: string;
  readonly stage: string;
  readonly outdir: string;
}

/** The parent's answer: the synth is done, or failed with this message. */
export type SynthAnswer =
  | { readonly type: 'ready' }
  | { readonly type: 'done' }
  | { readonly type: 'failed'; readonly message: string };

const send = (answer: SynthAnswer) =>
  new Promise<void>((resolve) => (process.send ? process.send(answer, () => resolve()) : resolve()));

async function synth(request: SynthRequest): Promise<void> {
  try {
    const profile = await loadProfile(request.profileFile);
    if (!profile.synthesize) throw new Error(`${request.profileFile} cannot synthesize the app.`);
    await profile.synthesize({ stage: request.stage, outdir: request.outdir, skipFunctionBundling: true });
    await send({ type: 'done' });
  } catch (err) {
    await send({ type: 'failed', message: describe(err) });
  }
  process.exit(0);
}

/** The error's message and where in the repository it was thrown (not the frames in node_modules). */
function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const own = (err.stack ?? '')
    .split('\n')
    .filter((line) => /^\s+at /.test(line) && !line.includes('node_modules') && !line.includes('node:'))
    .slice(0, 3);
  // esbuild's transform errors repeat their location in the message and the stack: once is enough.
  return [...new Set([`${err.name}: ${err.message}`, ...own].join('\n').split('\n'))].join('\n');
}

const packages = JSON.parse(process.argv[2] ?? '[]') as string[];
for (const name of packages) await import(name).catch(() => undefined);
process.once('message', (request: SynthRequest) => void synth(request));
// Nothing keeps the parent waiting if it goes away: its channel closing ends this process too.
process.once('disconnect', () => process.exit(0));
await send({ type: 'ready' });
