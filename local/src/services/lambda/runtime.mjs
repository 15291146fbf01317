// The local Lambda runtime: one warm execution environment per child process. It patches the
// console as Lambda's Node.js runtime does (Text or JSON lines, with the request id, filtered by
// AWS_LAMBDA_LOG_LEVEL), imports the function's bundled handler once (the init phase, reported to
// the parent), and serves one invocation at a time over IPC. Plain JavaScript because it runs
// under bare `node`, as the asset does in Lambda.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { format } from 'node:util';

const JSON_FORMAT = process.env.AWS_LAMBDA_LOG_FORMAT?.toUpperCase() === 'JSON';
const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];
let currentRequestId;

// Bytes written to stdout and stderr so far: each answer carries the count, so the parent can
// deliver every line an invocation wrote before it reports the invocation's end.
let written = 0;
for (const stream of [process.stdout, process.stderr]) {
  const write = stream.write.bind(stream);
  stream.write = (chunk, encoding, callback) => {
    written +=
      typeof chunk === 'string'
        ? Buffer.byteLength(chunk, typeof encoding === 'string' ? encoding : 'utf8')
        : chunk.length;
    return write(chunk, encoding, callback);
  };
}

/** An error's fields as the runtime's JSON replacer writes them. */
function errorFields(error) {
  return {
    errorType: error.runtimeErrorType ?? error?.constructor?.name ?? 'UnknownError',
    errorMessage: error.message,
    stackTrace: typeof error.stack === 'string' ? error.stack.split('\n') : [],
  };
}

const jsonErrorReplacer = (_key, value) => (value instanceof Error ? errorFields(value) : value);

function jsonLine(level, params) {
  const result = { timestamp: new Date().toISOString(), level, requestId: currentRequestId };
  if (params.length === 1) {
    result.message = params[0];
    try {
      return JSON.stringify(result, jsonErrorReplacer);
    } catch {
      result.message = format(params[0]);
      return JSON.stringify(result);
    }
  }
  result.message = format(...params);
  const error = params.find((param) => param instanceof Error);
  return JSON.stringify(error ? { ...result, ...errorFields(error) } : result);
}

function textLine(level, params) {
  return `${new Date().toISOString()}\t${currentRequestId}\t${level}\t${format(...params)}`;
}

// console.* as the runtime patches it: below AWS_LAMBDA_LOG_LEVEL a method does nothing.
const minimum = Math.max(0, LEVELS.indexOf(process.env.AWS_LAMBDA_LOG_LEVEL?.toUpperCase() ?? 'TRACE'));
const method = (level) =>
  LEVELS.indexOf(level) < minimum
    ? () => {}
    : (...params) => {
        const line = JSON_FORMAT ? jsonLine(level, params) : textLine(level, params);
        process.stdout.write(`${line.replace(/\n/g, '\r')}\n`);
      };
console.trace = method('TRACE');
console.debug = method('DEBUG');
console.info = method('INFO');
console.log = console.info;
console.warn = method('WARN');
console.error = method('ERROR');
console.fatal = method('FATAL');

/** How the runtime logs a failure: the error itself in JSON, a labelled JSON blob in Text. */
function logError(label, error) {
  if (JSON_FORMAT) console.error(error);
  else console.error(label, JSON.stringify(errorFields(error)));
}

function runtimeError(type, message) {
  return Object.assign(new Error(message), { name: type, runtimeErrorType: type });
}

const handlerSetting = process.env._HANDLER ?? 'index.handler';
const dot = handlerSetting.lastIndexOf('.');
const moduleName = handlerSetting.slice(0, dot);
const exportName = handlerSetting.slice(dot + 1);

async function loadHandler() {
  const root = process.env.LAMBDA_TASK_ROOT ?? process.cwd();
  const file = ['.mjs', '.js', '.cjs']
    .map((ext) => join(root, moduleName + ext))
    .find((candidate) => existsSync(candidate));
  if (!file) throw runtimeError('Runtime.ImportModuleError', `Error: Cannot find module '${moduleName}'`);
  let mod;
  try {
    mod = await import(pathToFileURL(file).href);
  } catch (error) {
    throw runtimeError('Runtime.ImportModuleError', `${error?.name ?? 'Error'}: ${error?.message ?? error}`);
  }
  const fn = mod[exportName] ?? mod.default?.[exportName];
  if (typeof fn !== 'function')
    throw runtimeError('Runtime.HandlerNotFound', `${handlerSetting} is undefined or not exported`);
  return fn;
}

function contextFor(message) {
  return {
    awsRequestId: message.requestId,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: message.functionArn,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, message.deadline - Date.now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

/** Thrown in the handler's place by the `lambda-error` fault, as a failing handler would throw. */
class InjectedFault extends Error {}

async function invoke(handler, message) {
  const { fault } = message;
  if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
  if (fault?.error !== undefined) throw new InjectedFault(fault.error);
  const context = contextFor(message);
  if (handler.length < 3) return handler(message.event, context);
  return new Promise((resolve, reject) => {
    const callback = (err, result) => (err ? reject(err) : resolve(result));
    Promise.resolve(handler(message.event, context, callback)).then(
      (result) => result !== undefined && resolve(result),
      reject,
    );
  });
}

// Lambda's "Max Memory Used" is the environment's peak: getrusage's (in KB), which also costs a
// fraction of reading the current RSS out of /proc on every answer (~1 us against ~7 us of CPU,
// and far more wall time under load, where that read waits on the process's memory map).
const memoryMb = () => Math.round(process.resourceUsage().maxRSS / 1024);
const send = (message) => process.send({ ...message, logBytes: written, memoryMb: memoryMb() });

// An exception nothing catches ends the environment, as in Lambda; the parent reports the exit.
for (const event of ['uncaughtException', 'unhandledRejection'])
  process.on(event, (error) => {
    logError(event === 'uncaughtException' ? 'Uncaught Exception' : 'Unhandled Promise Rejection', error);
    process.stdout.write('', () => process.exit(129));
  });

const initStarted = performance.now();
loadHandler().then(
  (handler) => {
    process.on('message', (message) => {
      if (message?.type !== 'invoke') return;
      currentRequestId = message.requestId;
      invoke(handler, message).then(
        (result) =>
          send({
            type: 'result',
            requestId: message.requestId,
            result: result === undefined ? null : result,
          }),
        (error) => {
          const fields = error instanceof Error ? errorFields(error) : errorFields(new Error(String(error)));
          logError('Invoke Error', error instanceof Error ? error : new Error(String(error)));
          send({ type: 'error', requestId: message.requestId, ...fields });
        },
      );
    });
    send({ type: 'ready', init: { status: 'success', durationMs: performance.now() - initStarted } });
  },
  (error) => {
    logError('Init Error', error);
    send({
      type: 'ready',
      init: { status: 'error', durationMs: performance.now() - initStarted, ...errorFields(error) },
    });
  },
);
