// Runs in a fresh Node process, as Lambda's init + first invoke would: imports the handler
// module, invokes it once with the event from the environment, prints one result line, exits.
import { pathToFileURL } from 'node:url';

const { BENCH_MODULE, BENCH_EXPORT, BENCH_EVENT, BENCH_FUNCTION } = process.env;
const started = performance.now();
const mod = await import(pathToFileURL(BENCH_MODULE).href);
const loaded = performance.now();
const deadline = Date.now() + 10_000;
const context = {
  callbackWaitsForEmptyEventLoop: true,
  functionName: BENCH_FUNCTION,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${BENCH_FUNCTION}`,
  memoryLimitInMB: '1024',
  awsRequestId: crypto.randomUUID(),
  logGroupName: `/aws/lambda/${BENCH_FUNCTION}`,
  logStreamName: 'bench',
  getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
};
const result = await mod[BENCH_EXPORT](JSON.parse(BENCH_EVENT), context);
const invoked = performance.now();
process.stdout.write(
  `\nBENCH_RESULT ${JSON.stringify({ loadMs: loaded - started, invokeMs: invoked - loaded, statusCode: result?.statusCode ?? null })}\n`,
  () => process.exit(0),
);
