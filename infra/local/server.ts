import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { type Route, routeKey } from '#contracts/routes';
import { errorBody } from '#http/response';
import { gatewayEvent } from './gateway-event.ts';
import { lambdaContext } from './lambda.ts';

export { gatewayClaims } from './gateway-event.ts';

/** A Lambda handler behind an HTTP API route: what `functions/<fn>/handler.ts` exports. */
export type LambdaHttpHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<unknown>;

/** Verifies a bearer token and returns its claims, or throws (the message reaches the client). */
export type VerifyToken = (token: string) => Promise<Record<string, unknown>>;

export interface LocalServerOptions {
  routes: readonly Route[];
  /** Function name → handler. A route whose function is missing answers 500. */
  handlers: Readonly<Partial<Record<string, LambdaHttpHandler>>>;
  verify: VerifyToken;
  /** API Gateway gives up on an integration after 30 s and answers 503; so does this server. */
  timeoutMs?: number;
  /** API Gateway refuses request bodies above 10 MB. */
  maxBodyBytes?: number;
  /** Where handler crashes and malformed results are reported (stderr by default). */
  log?: (message: string, error?: unknown) => void;
  /** Paths served outside the route table (the console, local sign-in): answers true when it handled one. */
  before?: (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;
}

export interface LocalServer {
  server: Server;
  /** Resolves with the base URL once listening; port 0 picks a free port. */
  listen(port: number, host?: string): Promise<string>;
  close(): Promise<void>;
}

type Segment = { kind: 'literal'; value: string } | { kind: 'param'; name: string; greedy: boolean };

interface CompiledRoute {
  route: Route;
  key: string;
  segments: Segment[];
}

const API_GATEWAY_TIMEOUT_MS = 30_000;
const API_GATEWAY_MAX_BODY = 10 * 1024 * 1024;
const JSON_TYPE = 'application/json; charset=utf-8';

function compile(route: Route): CompiledRoute {
  const segments = route.path
    .split('/')
    .slice(1)
    .map((part): Segment => {
      const param = /^\{([A-Za-z0-9_]+)(\+?)\}$/.exec(part);
      if (!param?.[1]) return { kind: 'literal', value: part };
      return { kind: 'param', name: param[1], greedy: param[2] === '+' };
    });
  return { route, key: routeKey(route), segments };
}

/** Path parameters when the route's template matches the path, else undefined. */
function matchPath(compiled: CompiledRoute, parts: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (const [i, segment] of compiled.segments.entries()) {
    if (segment.kind === 'param' && segment.greedy) {
      const rest = parts.slice(i);
      if (rest.length === 0 || rest.join('/') === '') return undefined;
      params[segment.name] = rest.join('/');
      return params;
    }
    const part = parts[i];
    if (part === undefined) return undefined;
    if (segment.kind === 'literal') {
      if (segment.value !== part) return undefined;
    } else {
      if (part === '') return undefined;
      params[segment.name] = part;
    }
  }
  return parts.length === compiled.segments.length ? params : undefined;
}

/** API Gateway prefers the most specific route: literal segments beat parameters, greedy ones last. */
function specificity(compiled: CompiledRoute): number[] {
  return compiled.segments.map((s) => (s.kind === 'literal' ? 2 : s.greedy ? 0 : 1));
}

function moreSpecific(a: CompiledRoute, b: CompiledRoute): number {
  const sa = specificity(a);
  const sb = specificity(b);
  for (let i = 0; i < Math.max(sa.length, sb.length); i++) {
    const diff = (sb[i] ?? -1) - (sa[i] ?? -1);
    if (diff !== 0) return diff;
  }
  return 0;
}

/** HTTP APIs pass these as text; every other body (form posts included) arrives base64-encoded. */
export function isTextContentType(contentType: string | undefined): boolean {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === '') return false;
  return (
    type.startsWith('text/') ||
    type === 'application/json' ||
    type.endsWith('+json') ||
    type === 'application/xml' ||
    type.endsWith('+xml') ||
    type === 'application/javascript'
  );
}

/** Repeated keys are comma-joined, as API Gateway does in payload 2.0. */
function queryParameters(rawQueryString: string): Record<string, string> | undefined {
  if (rawQueryString === '') return undefined;
  const params: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(rawQueryString)) {
    const previous = params[name];
    params[name] = previous === undefined ? value : `${previous},${value}`;
  }
  return params;
}

/** Lower-cased names, duplicates comma-joined; cookies go to `event.cookies` instead. */
function headersOf(req: IncomingMessage): { headers: Record<string, string>; cookies: string[] } {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] ?? '').toLowerCase();
    const value = raw[i + 1] ?? '';
    if (name === 'cookie') {
      cookies.push(
        ...value
          .split(';')
          .map((c) => c.trim())
          .filter(Boolean),
      );
      continue;
    }
    const previous = headers[name];
    headers[name] = previous === undefined ? value : `${previous},${value}`;
  }
  return { headers, cookies };
}

class BodyTooLargeError extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > limit) {
        reject(new BodyTooLargeError());
        // Keep reading (and dropping) so the client gets the 413 rather than a reset connection.
        req.removeAllListeners('data');
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': JSON_TYPE, ...headers });
  res.end(JSON.stringify(body));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

class MalformedResultError extends Error {}

interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

/**
 * Reads a payload 2.0 result as API Gateway does: a structured result when it has `statusCode`,
 * otherwise the value itself is the JSON body of a 200. A malformed structured result is a 500 in
 * the cloud, so it is one here too.
 */
function answerOf(result: unknown, warn: (message: string) => void): HttpAnswer {
  if (!isRecord(result) || !('statusCode' in result)) {
    return {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: Buffer.from(JSON.stringify(result ?? null)),
    };
  }
  const { statusCode, headers, cookies, body, isBase64Encoded, multiValueHeaders } = result;
  if (
    typeof statusCode !== 'number' ||
    !Number.isInteger(statusCode) ||
    statusCode < 100 ||
    statusCode > 599
  ) {
    throw new MalformedResultError(
      `statusCode must be an integer HTTP status, got ${JSON.stringify(statusCode)}`,
    );
  }
  const out: Record<string, string | string[]> = {};
  if (headers !== undefined) {
    if (!isRecord(headers)) throw new MalformedResultError('headers must be an object');
    for (const [name, value] of Object.entries(headers)) {
      if (!['string', 'number', 'boolean'].includes(typeof value)) {
        throw new MalformedResultError(`header ${name} must be a string, number or boolean`);
      }
      out[name.toLowerCase()] = String(value);
    }
  }
  if (multiValueHeaders !== undefined) {
    warn('multiValueHeaders is ignored by HTTP APIs (payload 2.0): use headers, or cookies for set-cookie');
  }
  if (cookies !== undefined) {
    if (!Array.isArray(cookies) || !cookies.every((c) => typeof c === 'string')) {
      throw new MalformedResultError('cookies must be an array of strings');
    }
    if (cookies.length > 0) out['set-cookie'] = cookies;
  }
  if (body !== undefined && body !== null && typeof body !== 'string') {
    throw new MalformedResultError('body must be a string (JSON.stringify objects, base64 binaries)');
  }
  const text = body ?? '';
  return {
    status: statusCode,
    headers: out,
    body: isBase64Encoded === true ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8'),
  };
}

/**
 * A local stand-in for API Gateway's HTTP API: matches the route table, verifies bearer tokens on
 * rep routes as the JWT authorizer would, and calls the same Lambda handlers with payload 2.0
 * events, so handler code cannot tell it apart from the cloud.
 */
export function createLocalServer(options: LocalServerOptions): LocalServer {
  const compiled = options.routes.map(compile);
  const timeoutMs = options.timeoutMs ?? API_GATEWAY_TIMEOUT_MS;
  const maxBodyBytes = options.maxBodyBytes ?? API_GATEWAY_MAX_BODY;
  const log = options.log ?? ((message: string, error?: unknown) => console.error(message, error ?? ''));
  const warned = new Set<string>();
  const warnOnce = (message: string) => {
    if (warned.has(message)) return;
    warned.add(message);
    log(`[local api] ${message}`);
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = new Date();
    const gatewayRequestId = randomBytes(10).toString('base64url');
    res.setHeader('apigw-requestid', gatewayRequestId);

    const target = req.url ?? '/';
    const queryAt = target.indexOf('?');
    const rawPath = queryAt === -1 ? target : target.slice(0, queryAt);
    const rawQueryString = queryAt === -1 ? '' : target.slice(queryAt + 1);
    const method = (req.method ?? 'GET').toUpperCase();

    let parts: string[];
    try {
      parts = rawPath.split('/').slice(1).map(decodeURIComponent);
    } catch {
      return sendJson(res, 400, errorBody('bad_request', 'the path is not valid percent-encoding'));
    }
    const candidates = compiled
      .map((c) => ({ c, params: matchPath(c, parts) }))
      .filter((m): m is { c: CompiledRoute; params: Record<string, string> } => m.params !== undefined);
    if (candidates.length === 0) {
      return sendJson(res, 404, errorBody('not_found', `no route for ${method} ${rawPath}`));
    }
    const matching = candidates
      .filter((m) => m.c.route.method === method)
      .sort((a, b) => moreSpecific(a.c, b.c));
    const chosen = matching[0];
    if (!chosen) {
      const allow = [...new Set(candidates.map((m) => m.c.route.method))].join(', ');
      return sendJson(res, 405, errorBody('method_not_allowed', `${rawPath} accepts ${allow}`), { allow });
    }
    const { route, key } = chosen.c;

    const { headers, cookies } = headersOf(req);
    let claims: Record<string, unknown> | undefined;
    if (route.auth === 'rep') {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '');
      const token = match?.[1];
      if (!token) {
        return sendJson(
          res,
          401,
          errorBody('unauthorized', 'a bearer token is required: Authorization: Bearer <token>'),
          { 'www-authenticate': 'Bearer' },
        );
      }
      try {
        claims = await options.verify(token);
      } catch (error) {
        const reason = error instanceof Error ? error.message : 'verification failed';
        return sendJson(res, 401, errorBody('unauthorized', `the bearer token is not valid: ${reason}`), {
          'www-authenticate': 'Bearer error="invalid_token"',
        });
      }
    }

    let raw: Buffer;
    try {
      raw = await readBody(req, maxBodyBytes);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        return sendJson(
          res,
          413,
          errorBody('payload_too_large', `the request body is larger than ${maxBodyBytes} bytes`),
        );
      }
      throw error;
    }
    const text = isTextContentType(headers['content-type']);
    const sourceIp = (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
    const host = headers.host ?? 'localhost';
    const traced = {
      ...headers,
      'x-forwarded-for': sourceIp,
      'x-forwarded-port': String(req.socket.localPort ?? ''),
      'x-forwarded-proto': 'http',
      'x-amzn-trace-id': `Root=1-${Math.floor(started.getTime() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`,
    };
    const queryStringParameters = queryParameters(rawQueryString);
    const event = gatewayEvent({
      method,
      routePath: route.path,
      rawPath,
      rawQueryString,
      ...(queryStringParameters ? { queryStringParameters } : {}),
      pathParameters: chosen.params,
      headers: traced,
      cookies,
      ...(raw.byteLength > 0 ? { body: raw.toString(text ? 'utf8' : 'base64') } : {}),
      isBase64Encoded: raw.byteLength > 0 && !text,
      ...(claims ? { claims } : {}),
      sourceIp,
      userAgent: headers['user-agent'] ?? '',
      protocol: `HTTP/${req.httpVersion}`,
      domainName: host,
      requestId: gatewayRequestId,
      at: started,
    });

    const handler = options.handlers[route.fn];
    if (!handler) {
      log(`[local api] ${key}: no handler for function "${route.fn}"`);
      return sendJson(res, 500, errorBody('internal', 'internal error'));
    }
    let timer: NodeJS.Timeout | undefined;
    const timedOut = Symbol('timeout');
    let result: unknown;
    try {
      result = await Promise.race([
        handler(event, lambdaContext(route.fn, timeoutMs)),
        new Promise<typeof timedOut>((resolve) => {
          timer = setTimeout(() => resolve(timedOut), timeoutMs);
        }),
      ]);
    } catch (error) {
      log(`[local api] ${key} threw:`, error);
      return sendJson(res, 500, errorBody('internal', 'internal error'));
    } finally {
      clearTimeout(timer);
    }
    if (result === timedOut) {
      log(`[local api] ${key} did not answer within ${timeoutMs} ms`);
      return sendJson(res, 503, errorBody('timeout', 'the function did not answer in time'));
    }
    let answer: HttpAnswer;
    try {
      answer = answerOf(result, warnOnce);
    } catch (error) {
      log(`[local api] ${key} returned a malformed result: ${(error as Error).message}`);
      return sendJson(res, 500, errorBody('internal', 'internal error'));
    }
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
  }

  const server = createServer((req, res) => {
    const before = options.before ?? (async () => false);
    before(req, res)
      .then((handled) => (handled ? undefined : handle(req, res)))
      .catch((error: unknown) => {
        log('[local api] request failed:', error);
        if (!res.headersSent) sendJson(res, 500, errorBody('internal', 'internal error'));
        else res.destroy();
      });
  });

  return {
    server,
    listen: (port, host = '127.0.0.1') =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address();
          const actual = typeof address === 'object' && address ? address.port : port;
          resolve(`http://${host.includes(':') ? `[${host}]` : host}:${actual}`);
        });
      }),
    close: () =>
      new Promise((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
