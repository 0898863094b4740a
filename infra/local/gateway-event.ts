import { randomBytes } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/**
 * API Gateway HTTP API (payload v2) events, built one way for everything that calls the handlers
 * without API Gateway: the local server, the integration tests and the benchmarks.
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** API Gateway's `requestContext.time`: `12/Mar/2026:19:03:58 +0000`. */
export function gatewayTime(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(
    date.getUTCHours(),
  )}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}

/**
 * API Gateway's JWT authorizer hands claims over as strings: numbers and booleans stringified,
 * arrays as `[a b]`. Doing the same here keeps handler code from relying on a shape the cloud
 * never delivers.
 */
export function gatewayClaims(claims: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(claims)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) out[name] = `[${value.map(String).join(' ')}]`;
    else if (typeof value === 'object') out[name] = JSON.stringify(value);
    else out[name] = String(value);
  }
  return out;
}

/** The claims a Cognito ID token of this rep or manager carries. */
export function userClaims(user: {
  id: string;
  email: string;
  name: string;
  manager: boolean;
}): Record<string, unknown> {
  return {
    sub: user.id,
    email: user.email,
    name: user.name,
    'cognito:groups': [user.manager ? 'managers' : 'reps'],
  };
}

export interface GatewayRequest {
  method: string;
  /** The route template: `/deals/{id}`. */
  routePath: string;
  /** The path as requested: `/deals/01J…`. */
  rawPath: string;
  rawQueryString?: string;
  queryStringParameters?: Record<string, string>;
  pathParameters?: Record<string, string>;
  headers?: Record<string, string>;
  cookies?: string[];
  /** The body as API Gateway passes it: text, or base64 with `isBase64Encoded`. */
  body?: string;
  isBase64Encoded?: boolean;
  /** Verified JWT claims, for routes behind the authorizer. */
  claims?: Record<string, unknown>;
  sourceIp?: string;
  userAgent?: string;
  protocol?: string;
  domainName?: string;
  requestId?: string;
  at?: Date;
}

export function gatewayEvent(request: GatewayRequest): APIGatewayProxyEventV2 {
  const at = request.at ?? new Date();
  const key = `${request.method} ${request.routePath}`;
  const host = request.domainName ?? 'localhost';
  const query = request.queryStringParameters;
  return {
    version: '2.0',
    routeKey: key,
    rawPath: request.rawPath,
    rawQueryString: request.rawQueryString ?? new URLSearchParams(query ?? {}).toString(),
    ...(request.cookies && request.cookies.length > 0 ? { cookies: request.cookies } : {}),
    headers: request.headers ?? {},
    ...(query && Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    ...(request.pathParameters && Object.keys(request.pathParameters).length > 0
      ? { pathParameters: request.pathParameters }
      : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      ...(request.claims
        ? { authorizer: { jwt: { claims: gatewayClaims(request.claims), scopes: null } } }
        : {}),
      domainName: host,
      domainPrefix: host.split('.')[0]?.split(':')[0] ?? 'localhost',
      http: {
        method: request.method,
        path: request.rawPath,
        protocol: request.protocol ?? 'HTTP/1.1',
        sourceIp: request.sourceIp ?? '127.0.0.1',
        userAgent: request.userAgent ?? request.headers?.['user-agent'] ?? '',
      },
      requestId: request.requestId ?? randomBytes(10).toString('base64url'),
      routeKey: key,
      stage: '$default',
      time: gatewayTime(at),
      timeEpoch: at.getTime(),
    },
    ...(request.body !== undefined && request.body !== '' ? { body: request.body } : {}),
    isBase64Encoded: request.isBase64Encoded ?? false,
  } as APIGatewayProxyEventV2;
}
