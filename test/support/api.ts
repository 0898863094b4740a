import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type { User } from '#contracts/actor';
import { routes } from '#contracts/routes';
import { gatewayEvent, userClaims } from '#infra/local/gateway-event';
import { handler as apiHandler } from '../../functions/api/handler.ts';
import { handler as bulkHandler } from '../../functions/bulk/handler.ts';
import { handler as documentsHandler } from '../../functions/documents/handler.ts';
import { handler as pagesHandler } from '../../functions/pages/handler.ts';
import { handler as verifyHandler } from '../../functions/verify/handler.ts';

/**
 * Calls the real Lambda handlers with API Gateway HTTP API (v2) events, as the JWT authorizer
 * would deliver them. Integration tests go through this, so validation, auth and error mapping
 * are exercised, not bypassed.
 */

export const users = {
  alice: { id: 'alice', email: 'alice@example.com', name: 'Alice Martin', manager: false },
  bob: { id: 'bob', email: 'bob@example.com', name: 'Bob Durand', manager: false },
  carol: { id: 'carol', email: 'carol@example.com', name: 'Carol Ng', manager: false },
  maya: { id: 'maya', email: 'maya@example.com', name: 'Maya Chen', manager: true },
} satisfies Record<string, User>;

const handlers = {
  api: apiHandler,
  documents: documentsHandler,
  pages: pagesHandler,
  bulk: bulkHandler,
  verify: verifyHandler,
} as Record<string, (event: APIGatewayProxyEventV2, context: Context) => Promise<unknown>>;

function match(method: string, path: string) {
  for (const route of routes) {
    if (route.method !== method) continue;
    const names: string[] = [];
    const pattern = new RegExp(
      `^${route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
        names.push(name);
        return '([^/]+)';
      })}$`,
    );
    const m = pattern.exec(path);
    if (m)
      return {
        route,
        params: Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1] ?? '')])),
      };
  }
  throw new Error(`no route for ${method} ${path}`);
}

export interface CallOptions {
  user?: User;
  body?: unknown;
  /** A raw body string, sent as is (malformed JSON, CSV, forms). */
  raw?: string;
  headers?: Record<string, string>;
  query?: Record<string, string>;
}

export interface CallResult<T = unknown> {
  status: number;
  headers: Record<string, string>;
  body: T;
  text: string;
}

export async function call<T = any>(
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<CallResult<T>> {
  const { route, params } = match(method, path);
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  let body: string | undefined = options.raw;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const user = options.user;
  const query = options.query ?? {};
  const event = gatewayEvent({
    method,
    routePath: route.path,
    rawPath: path,
    queryStringParameters: query,
    pathParameters: params,
    headers,
    ...(body !== undefined ? { body } : {}),
    ...(route.auth === 'rep' && user ? { claims: userClaims(user) } : {}),
    userAgent: headers['user-agent'] ?? 'vitest',
    requestId: 'test',
  });
  const handler = handlers[route.fn];
  if (!handler) throw new Error(`no handler for ${route.fn} in tests`);
  const result = (await handler(event, { awsRequestId: 'test' } as Context)) as {
    statusCode: number;
    headers?: Record<string, string>;
    body?: string;
    isBase64Encoded?: boolean;
  };
  const text = result.isBase64Encoded
    ? Buffer.from(result.body ?? '', 'base64').toString('latin1')
    : (result.body ?? '');
  const type = result.headers?.['content-type'] ?? '';
  return {
    status: result.statusCode,
    headers: result.headers ?? {},
    body: (type.startsWith('application/json') && text ? JSON.parse(text) : text) as T,
    text,
  };
}
