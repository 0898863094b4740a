import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

/**
 * The context object Lambda passes to a handler. Powertools and middy read `awsRequestId`,
 * `functionName` and `getRemainingTimeInMillis`. The callback-era methods throw: the runner awaits
 * the handler's promise and would never see a result passed to them.
 */
export function lambdaContext(fn: string, timeoutMs: number): Context {
  const deadline = Date.now() + timeoutMs;
  const functionName = `closer-local-${fn}`;
  const unsupported = () => {
    throw new Error('callback-style completion is not supported: return a promise');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `${new Date().toISOString().slice(0, 10).replaceAll('-', '/')}/[$LATEST]local`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}
