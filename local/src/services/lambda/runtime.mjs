// The local Lambda runtime: one warm execution environment per child process. It imports the
// function's bundled handler once (like an init phase) and serves one invocation at a time over
// IPC. Plain JavaScript because it runs under bare `node`, as the asset does in Lambda.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const handlerSetting = process.env._HANDLER ?? 'index.handler';
const dot = handlerSetting.lastIndexOf('.');
const moduleName = handlerSetting.slice(0, dot);
const exportName = handlerSetting.slice(dot + 1);
let handlerPromise;

function loadHandler() {
  const root = process.env.LAMBDA_TASK_ROOT ?? process.cwd();
  const file = ['.mjs', '.js', '.cjs']
    .map((ext) => join(root, moduleName + ext))
    .find((candidate) => existsSync(candidate));
  if (!file)
    return Promise.reject(
      Object.assign(new Error(`Cannot find module '${moduleName}'`), { name: 'Runtime.ImportModuleError' }),
    );
  return import(pathToFileURL(file).href).then((mod) => {
    const fn = mod[exportName] ?? mod.default?.[exportName];
    if (typeof fn !== 'function')
      throw Object.assign(new Error(`${handlerSetting} is undefined or not exported`), {
        name: 'Runtime.HandlerNotFound',
      });
    return fn;
  });
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

async function invoke(message) {
  handlerPromise ??= loadHandler();
  const handler = await handlerPromise;
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

process.on('message', (message) => {
  if (message?.type !== 'invoke') return;
  console.log(`START RequestId: ${message.requestId} Version: $LATEST`);
  invoke(message).then(
    (result) =>
      process.send({
        type: 'result',
        requestId: message.requestId,
        result: result === undefined ? null : result,
      }),
    (error) => {
      const errorType = error instanceof Error ? error.name : 'Error';
      const errorMessage = error instanceof Error ? error.message : String(error);
      console.error(`ERROR\tInvoke Error \t${JSON.stringify({ errorType, errorMessage })}`);
      process.send({ type: 'error', requestId: message.requestId, errorType, errorMessage });
    },
  );
});
process.send({ type: 'ready' });
