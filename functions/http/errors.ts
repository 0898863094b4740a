import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { logger } from '#config/logger';
import {
  BadRequestError,
  ConflictError,
  type DomainError,
  DomainError as DomainErrorBase,
  ForbiddenError,
  GoneError,
  NotFoundError,
  PayloadTooLargeError,
  PreconditionFailedError,
  TooManyRequestsError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '#domain/errors';
import { errorBody, type HttpResult, json } from './response.ts';

const statusByClass: [new (...args: never[]) => DomainError, number][] = [
  [BadRequestError, 400],
  [UnauthorizedError, 401],
  [ForbiddenError, 403],
  [NotFoundError, 404],
  [ConflictError, 409],
  [GoneError, 410],
  [PreconditionFailedError, 412],
  [PayloadTooLargeError, 413],
  [UnsupportedMediaTypeError, 415],
  [ValidationError, 422],
  [TooManyRequestsError, 429],
];

export function statusOf(error: DomainError): number {
  for (const [cls, status] of statusByClass) if (error instanceof cls) return status;
  return 400;
}

/** The one place where an error becomes an HTTP answer. 5xx never carry details. */
export function errorToResponse(error: unknown): HttpResult {
  if (error instanceof DomainErrorBase) {
    return json(statusOf(error), errorBody(error.code, error.message, error.details));
  }
  logger.error('unhandled error', { error: error as Error });
  return json(500, errorBody('internal', 'internal error'));
}

/** Registered last, so it runs first on error and catches everything the others throw. */
export function httpErrorHandler(
  render: (
    error: unknown,
    event: APIGatewayProxyEventV2,
  ) => HttpResult | Promise<HttpResult> = errorToResponse,
): MiddlewareObj<APIGatewayProxyEventV2, HttpResult> {
  return {
    onError: async (request) => {
      try {
        request.response = await render(request.error, request.event);
      } catch (renderFailure) {
        // An error page that cannot render must still not leak anything.
        logger.error('error rendering failed', { error: renderFailure as Error });
        request.response = errorToResponse(request.error);
      }
    },
  };
}
