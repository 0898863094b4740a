import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import middy, { type MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { METRICS_NAMESPACE, METRICS_SERVICE } from '#contracts/metrics';
import { logger } from './logger.ts';

/**
 * Business metrics in CloudWatch's embedded metric format: a JSON line in the function's log that
 * CloudWatch turns into metrics, no API call on the request path. Namespace `Closer` (or
 * POWERTOOLS_METRICS_NAMESPACE), dimension `service`. POWERTOOLS_METRICS_DISABLED=true keeps them
 * out of the local stack's and the tests' output.
 */
export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE || METRICS_NAMESPACE,
  serviceName: METRICS_SERVICE,
});

/** The id that ties every log line of one invocation together: API Gateway's request id, else Lambda's. */
function correlationIdOf(event: unknown, context: Partial<Context>): string | undefined {
  const requestId = (event as { requestContext?: { requestId?: unknown } } | undefined)?.requestContext
    ?.requestId;
  if (typeof requestId === 'string' && requestId !== '') return requestId;
  return context.awsRequestId || undefined;
}

function correlationId(): MiddlewareObj {
  return {
    before: (request) => {
      const id = correlationIdOf(request.event, request.context as Partial<Context>);
      if (id) logger.setCorrelationId(id);
    },
  };
}

/** Publishes what the invocation counted (nothing when it counted nothing), after it answered or failed. */
function publishMetrics(): MiddlewareObj {
  const publish = async () => {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  };
  return { after: publish, onError: publish };
}

/**
 * What every handler registers first: the Lambda context and the correlation id on every log line
 * (Powertools' injectLambdaContext, keys reset between invocations), and the metrics published at
 * the end.
 */
export function observability(): MiddlewareObj[] {
  return [publishMetrics(), injectLambdaContext(logger, { resetKeys: true }), correlationId()];
}

/** A handler that is not HTTP (stream consumers, the schedule), with the same observability. */
export function observed<E, R>(
  handle: (event: E) => Promise<R>,
): (event: E, context?: Context) => Promise<R> {
  const wrapped = middy<E, R>(handle).use(observability());
  return (event, context) => wrapped(event, context ?? ({} as Context));
}
