// Preloaded (`node --import`) into the web container's process by the local ECS. If the local
// cloud's process goes away without stopping the container (killed hard, crashed), the IPC
// channel closes and the container gets the SIGTERM ECS would send, so no orphan keeps the port.
// Plain JavaScript because it runs under bare `node`, before the container's own entrypoint.
process.channel?.unref();
process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
