// Runs in a fresh Node process, as Lambda's init + first invoke would: imports the handler
// module, invokes it once with the event from the environment, prints one result line, exits.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

// This process's own peak resident memory (VmHWM), in MB; null without Linux's /proc. Not
// process.resourceUsage().maxRSS: Linux keeps the high-water mark of the process image that
// exec replaced, which here is the forked copy of the bench itself, so every function would
// read as large as the bench.
function peakRssMb() {
  try {
    const kb = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    return kb === undefined ? null : Number(kb) / 1024;
  } catch {
    return null;
  }
}

const { BENCH_MODULE, BENCH_EXPORT, BENCH_EVENT, BENCH_FUNCTION } = process.env;
const cpuMs = (usage) => (usage.user + usage.system) / 1000;
const started = performance.now();
const cpuStart = process.cpuUsage();
const mod = await import(pathToFileURL(BENCH_MODULE).href);
const loaded = performance.now();
const cpuLoaded = process.cpuUsage();
const deadline = Date.now() + 10_000;
const context = {
  callbackWaitsForEmptyEventLoop: true,
  functionName: BENCH_FUNCTION,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${BENCH_FUNCTION}`,
  memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? '1024',
  awsRequestId: crypto.randomUUID(),
  logGroupName: `/aws/lambda/${BENCH_FUNCTION}`,
  logStreamName: 'bench',
  getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
};
const result = await mod[BENCH_EXPORT](JSON.parse(BENCH_EVENT), context);
const invoked = performance.now();
const cpuInvoked = process.cpuUsage();
process.stdout.write(
  `\nBENCH_RESULT ${JSON.stringify({
    loadMs: loaded - started,
    invokeMs: invoked - loaded,
    loadCpuMs: cpuMs(cpuLoaded) - cpuMs(cpuStart),
    invokeCpuMs: cpuMs(cpuInvoked) - cpuMs(cpuLoaded),
    peakRssMb: peakRssMb(),
    statusCode: result?.statusCode ?? null,
  })}\n`,
  () => process.exit(0),
);
