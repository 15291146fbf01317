// A stress process the local ECS injects into a task, as AWS FIS's aws:ecs:task-cpu-stress and
// aws:ecs:task-memory-stress run stress-ng inside one: `cpu <fraction of a core>` keeps that
// share of one core busy, `memory <MiB>` holds that much resident memory. It exits when the
// local cloud goes away (its IPC channel closes). Plain JavaScript because it runs under bare node.
const [mode, amount] = process.argv.slice(2);
process.once('disconnect', () => process.exit(0));

if (mode === 'cpu') {
  // Paced by CPU time, not wall time: on a busy machine it spins longer to use its share.
  const share = Math.min(1, Math.max(0, Number(amount)));
  const started = performance.now();
  const cpuMs = () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  };
  const spin = () => {
    const slice = performance.now() + 50;
    while (cpuMs() < (performance.now() - started) * share && performance.now() < slice) {
      // Busy on purpose: this is the load.
    }
    setTimeout(spin, 5);
  };
  spin();
  process.send?.({ type: 'ready' });
} else if (mode === 'memory') {
  const chunkMiB = 64;
  const held = [];
  for (let left = Number(amount); left > 0; left -= chunkMiB) {
    // Written, not just allocated: untouched pages would not be resident.
    held.push(Buffer.allocUnsafe(Math.min(chunkMiB, left) * 1024 * 1024).fill(1));
  }
  setInterval(() => held.length, 60_000);
  process.send?.({ type: 'ready' });
} else {
  process.exit(2);
}
