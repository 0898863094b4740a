import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type * as z from 'zod/mini';
import { observability } from '#config/observability';
import type { User } from '#contracts/actor';
import { type FunctionName, type Route, routeKey, routesOf } from '#contracts/routes';
import {
  BadRequestError,
  ForbiddenError,
  NotFoundError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '#domain/errors';
import { userFromEvent } from './auth.ts';
import { errorToResponse, httpErrorHandler } from './errors.ts';
import type { Contract, Operation, OperationRequest } from './operation.ts';
import type { HttpResult } from './response.ts';

export interface HttpHandlerOptions {
  /** Largest accepted request body, in bytes (413 above). */
  maxBodyBytes: number;
  /** Renders errors (the public pages answer HTML to browsers). */
  renderError?: (error: unknown, event: APIGatewayProxyEventV2) => HttpResult | Promise<HttpResult>;
  /** Headers every response carries, errors included (security headers of the public pages). */
  headers?: Record<string, string>;
}

/** Turns zod issues into the `details` of a 422: where and what. */
export function issuesOf(error: z.core.$ZodError, where: string) {
  return error.issues.map((i) => ({
    path: [where, ...i.path.map(String)].join('.'),
    message: i.message,
  }));
}

function validate<T extends z.ZodMiniType>(schema: T, value: unknown, where: string): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(`invalid ${where}`, issuesOf(result.error, where));
  return result.data;
}

function header(event: APIGatewayProxyEventV2, name: string): string | undefined {
  return event.headers?.[name] ?? event.headers?.[name.toLowerCase()];
}

function rawBody(event: APIGatewayProxyEventV2): Buffer | undefined {
  if (event.body === undefined || event.body === null || event.body === '') return undefined;
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
}

/** Reads the body as the contract allows: JSON, an HTML form post, or CSV text. */
export function readBody(
  event: APIGatewayProxyEventV2,
  accepted: readonly ('json' | 'form' | 'csv')[],
  maxBytes: number,
): unknown {
  const raw = rawBody(event);
  if (raw === undefined) return undefined;
  if (raw.byteLength > maxBytes) {
    throw new PayloadTooLargeError(`the request body is larger than ${Math.floor(maxBytes / 1024)} KB`);
  }
  const type = (header(event, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const text = raw.toString('utf8');
  if ((type === 'application/json' || type.endsWith('+json')) && accepted.includes('json')) {
    try {
      return JSON.parse(text);
    } catch {
      throw new BadRequestError('the request body is not valid JSON');
    }
  }
  if (type === 'application/x-www-form-urlencoded' && accepted.includes('form')) {
    return Object.fromEntries(new URLSearchParams(text));
  }
  if (type === 'text/csv' && accepted.includes('csv')) return text;
  const names = { json: 'application/json', form: 'application/x-www-form-urlencoded', csv: 'text/csv' };
  throw new UnsupportedMediaTypeError(`send the body as ${accepted.map((a) => names[a]).join(' or ')}`);
}

/**
 * Builds a parsed, validated request for an operation: the validation at the edge. The domain
 * receives typed values only.
 */
export function parseRequest<C extends Contract>(
  contract: C,
  route: Pick<Route, 'auth'>,
  event: APIGatewayProxyEventV2,
  maxBodyBytes: number,
): OperationRequest<C> {
  let user: User | undefined;
  if (route.auth === 'rep') {
    user = userFromEvent(event as never);
    if (contract.managersOnly && !user.manager) throw new ForbiddenError('only managers can do this');
  }
  const params = contract.params ? validate(contract.params, event.pathParameters ?? {}, 'path') : undefined;
  const query = contract.query
    ? validate(contract.query, event.queryStringParameters ?? {}, 'query')
    : undefined;
  let body: unknown;
  if (contract.body) {
    const parsed = readBody(event, contract.bodyTypes ?? ['json'], maxBodyBytes);
    if (parsed === undefined) throw new ValidationError('a request body is required');
    body = validate(contract.body, parsed, 'body');
  } else if (rawBody(event) !== undefined && (rawBody(event)?.byteLength ?? 0) > maxBodyBytes) {
    throw new PayloadTooLargeError(`the request body is larger than ${Math.floor(maxBodyBytes / 1024)} KB`);
  }
  const headers = Object.fromEntries(
    Object.entries(event.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
  );
  return { params, query, body, user, headers, event } as OperationRequest<C>;
}

/** Adds headers to every answer; registered first, so on errors it runs after the error handler. */
function withHeaders(headers: Record<string, string>): MiddlewareObj<APIGatewayProxyEventV2, HttpResult> {
  const add = async (request: { response: HttpResult | null | undefined }) => {
    if (request.response) request.response.headers = { ...headers, ...(request.response.headers ?? {}) };
  };
  return { after: add, onError: add };
}

/**
 * The contract of a route's operation, checked against the route table on its first use (contracts
 * are built on first use, not at cold start): a route the table calls public must have a public
 * contract, and the reverse. The test of every function's routes loads them all.
 */
export async function routeContract(route: Route, operation: Operation): Promise<Contract> {
  const contract = await operation.contract();
  if ((contract.auth ?? 'rep') !== route.auth) {
    throw new Error(
      `route ${routeKey(route)} is ${route.auth} but its contract says ${contract.auth ?? 'rep'}`,
    );
  }
  return contract;
}

/**
 * The Lambda handler of an HTTP function: finds the operation from API Gateway's `routeKey`,
 * validates the request against its contract and runs it. The error handler is registered last.
 */
export function httpHandler<F extends FunctionName>(
  fn: F,
  operations: Record<string, Operation>,
  options: HttpHandlerOptions,
) {
  const table = new Map<string, { route: Route; operation: Operation }>();
  for (const route of routesOf(fn)) {
    const operation = operations[route.operation];
    if (!operation) throw new Error(`route ${routeKey(route)} has no operation ${route.operation} in ${fn}`);
    table.set(routeKey(route), { route, operation });
  }
  return middy<APIGatewayProxyEventV2, HttpResult, Error, Context>()
    .use(observability())
    .use(withHeaders(options.headers ?? {}))
    .use(httpErrorHandler(options.renderError ?? errorToResponse))
    .handler(async (event) => {
      const entry = table.get(event.routeKey);
      if (!entry) throw new NotFoundError('no such route');
      // The operation builds its contract once; later requests get the same one.
      const contract = await routeContract(entry.route, entry.operation);
      const request = parseRequest(contract, entry.route, event, options.maxBodyBytes);
      return entry.operation.handle(request);
    });
}
