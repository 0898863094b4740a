import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Route } from '#contracts/routes';
import { userFromEvent } from '#http/auth';
import { signToken, verifyToken } from '#infra/local/jwt';
import { createLocalServer, type LambdaHttpHandler, type LocalServer } from '#infra/local/server';
import { userFor } from '#infra/local/users';

const secret = new TextEncoder().encode('local-server-test-secret');
const otherSecret = new TextEncoder().encode('some-other-secret');

const testRoutes: Route[] = [
  { method: 'GET', path: '/things', fn: 'api', auth: 'rep', operation: 'listThings' },
  { method: 'POST', path: '/things', fn: 'api', auth: 'rep', operation: 'createThing' },
  { method: 'GET', path: '/things/{id}', fn: 'api', auth: 'rep', operation: 'getThing' },
  { method: 'GET', path: '/things/special', fn: 'api', auth: 'rep', operation: 'getSpecial' },
  { method: 'GET', path: '/q/{token}', fn: 'pages', auth: 'public', operation: 'page' },
  { method: 'POST', path: '/q/{token}/sign', fn: 'pages', auth: 'public', operation: 'sign' },
  { method: 'GET', path: '/boom', fn: 'documents', auth: 'public', operation: 'boom' },
];

type Event = APIGatewayProxyEventV2WithJWTAuthorizer;

let received: Event[] = [];
let nextResult: unknown;
let logged: string[] = [];
let local: LocalServer;
let baseUrl: string;

const record: LambdaHttpHandler = async (event) => {
  received.push(event as Event);
  return nextResult;
};

beforeAll(async () => {
  local = createLocalServer({
    routes: testRoutes,
    handlers: {
      api: record,
      pages: record,
      documents: async () => {
        throw new Error('kaboom: secret detail at /home/dev/project/file.ts:12');
      },
    },
    verify: (token) => verifyToken(token, secret),
    log: (message, error) => logged.push(`${message} ${error instanceof Error ? error.message : ''}`),
  });
  baseUrl = await local.listen(0);
});

afterAll(async () => {
  await local.close();
});

beforeEach(() => {
  received = [];
  logged = [];
  nextResult = { statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' };
});

async function bearer(id = 'alice', options: { manager?: boolean } = {}) {
  return { authorization: `Bearer ${await signToken(userFor(id, options), secret)}` };
}

function only(): Event {
  expect(received).toHaveLength(1);
  const [event] = received;
  if (!event) throw new Error('the handler was not called');
  return event;
}

describe('local API server', () => {
  it('builds a payload 2.0 event with route key, path parameters, query and cookies', async () => {
    const headers = { ...(await bearer()), 'X-Custom': 'Yes', cookie: 'a=1; b=two' };

    const res = await fetch(`${baseUrl}/things/01ABC?tag=red&tag=blue&q=hello%20world&empty=`, { headers });

    expect(res.status).toBe(200);
    const event = only();
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'GET /things/{id}',
      rawPath: '/things/01ABC',
      rawQueryString: 'tag=red&tag=blue&q=hello%20world&empty=',
      cookies: ['a=1', 'b=two'],
      pathParameters: { id: '01ABC' },
      queryStringParameters: { tag: 'red,blue', q: 'hello world', empty: '' },
      isBase64Encoded: false,
      requestContext: {
        accountId: expect.any(String),
        apiId: expect.any(String),
        domainName: expect.stringContaining('127.0.0.1'),
        http: { method: 'GET', path: '/things/01ABC', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1' },
        requestId: expect.any(String),
        routeKey: 'GET /things/{id}',
        stage: '$default',
        time: expect.stringMatching(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/),
        timeEpoch: expect.any(Number),
      },
    });
    expect(event.headers['x-custom']).toBe('Yes');
    expect(event.headers).not.toHaveProperty('cookie');
    expect(event.headers).not.toHaveProperty('X-Custom');
    expect(event.requestContext.http.userAgent).toBe(event.headers['user-agent']);
    expect(event).not.toHaveProperty('body');
  });

  it('omits query, path parameters and cookies when the request has none', async () => {
    await fetch(`${baseUrl}/things`, { headers: await bearer() });

    const event = only();
    expect(event.rawQueryString).toBe('');
    expect(event).not.toHaveProperty('queryStringParameters');
    expect(event).not.toHaveProperty('pathParameters');
    expect(event).not.toHaveProperty('cookies');
  });

  it('passes JSON bodies as text and form or binary bodies base64-encoded', async () => {
    const auth = await bearer();
    const binary = Buffer.from([0, 1, 2, 250, 255]);

    await fetch(`${baseUrl}/things`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: '{"name":"é"}',
    });
    await fetch(`${baseUrl}/q/tok/sign`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'name=Jeanne+Dupont&consent=on',
    });
    await fetch(`${baseUrl}/things`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/octet-stream' },
      body: binary,
    });

    const [json, form, octets] = received;
    expect(json).toMatchObject({ body: '{"name":"é"}', isBase64Encoded: false });
    expect(form?.isBase64Encoded).toBe(true);
    expect(Buffer.from(form?.body ?? '', 'base64').toString('utf8')).toBe('name=Jeanne+Dupont&consent=on');
    expect(octets?.isBase64Encoded).toBe(true);
    expect(Buffer.from(octets?.body ?? '', 'base64')).toEqual(binary);
  });

  it('answers 401 without calling the handler when a rep route has no bearer token', async () => {
    const res = await fetch(`${baseUrl}/things`);

    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
    expect(received).toHaveLength(0);
  });

  it('answers 401 for a token signed with another secret or not a JWT at all', async () => {
    const forged = await signToken(userFor('alice', { manager: true }), otherSecret);

    const wrongKey = await fetch(`${baseUrl}/things`, { headers: { authorization: `Bearer ${forged}` } });
    const garbage = await fetch(`${baseUrl}/things`, { headers: { authorization: 'Bearer not-a-jwt' } });
    const basic = await fetch(`${baseUrl}/things`, { headers: { authorization: 'Basic YWxpY2U6eA==' } });

    expect([wrongKey.status, garbage.status, basic.status]).toEqual([401, 401, 401]);
    expect((await wrongKey.json()).error.code).toBe('unauthorized');
    expect(received).toHaveLength(0);
  });

  it('places the verified claims in requestContext.authorizer.jwt as API Gateway strings', async () => {
    await fetch(`${baseUrl}/things`, { headers: await bearer('bob', { manager: true }) });

    const event = only();
    const { authorizer } = event.requestContext;
    expect(authorizer.jwt.scopes).toBeNull();
    expect(authorizer.jwt.claims).toMatchObject({
      sub: 'bob',
      email: 'bob@example.com',
      name: 'Bob Durand',
      'cognito:groups': '[reps managers]',
      iss: 'closer-local',
      exp: expect.stringMatching(/^\d+$/),
    });
    expect(userFromEvent(event)).toEqual({
      id: 'bob',
      email: 'bob@example.com',
      name: 'Bob Durand',
      manager: true,
    });
  });

  it('calls public routes without a token and without an authorizer', async () => {
    const res = await fetch(`${baseUrl}/q/abc123`);

    expect(res.status).toBe(200);
    const event = only();
    expect(event.routeKey).toBe('GET /q/{token}');
    expect(event.pathParameters).toEqual({ token: 'abc123' });
    expect(event.requestContext).not.toHaveProperty('authorizer');
  });

  it('prefers a literal path segment over a path parameter', async () => {
    await fetch(`${baseUrl}/things/special`, { headers: await bearer() });

    expect(only().routeKey).toBe('GET /things/special');
  });

  it('answers 404 for an unknown path and 405 for a known path with another method', async () => {
    const auth = await bearer();

    const unknown = await fetch(`${baseUrl}/nothing/here`, { headers: auth });
    const wrongMethod = await fetch(`${baseUrl}/things/01ABC`, { method: 'DELETE', headers: auth });

    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error.code).toBe('not_found');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET');
    expect((await wrongMethod.json()).error.code).toBe('method_not_allowed');
    expect(received).toHaveLength(0);
  });

  it('answers 500 without the error details when the handler throws, and logs them', async () => {
    const res = await fetch(`${baseUrl}/boom`);
    const text = await res.text();

    expect(res.status).toBe(500);
    expect(JSON.parse(text)).toEqual({ error: { code: 'internal', message: 'internal error' } });
    expect(text).not.toContain('kaboom');
    expect(logged.join('\n')).toContain('kaboom');
  });

  it('turns the result into HTTP: headers, cookies, base64 bodies', async () => {
    nextResult = {
      statusCode: 201,
      headers: { 'Content-Type': 'application/pdf', 'X-Count': 3 },
      cookies: ['a=1; Path=/', 'b=2; HttpOnly'],
      body: Buffer.from('%PDF-1.7 bytes').toString('base64'),
      isBase64Encoded: true,
    };

    const res = await fetch(`${baseUrl}/q/tok`);

    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('x-count')).toBe('3');
    expect(res.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2; HttpOnly']);
    expect(Buffer.from(await res.arrayBuffer()).toString('utf8')).toBe('%PDF-1.7 bytes');
  });

  it('answers a result without statusCode as a 200 JSON body, as API Gateway infers it', async () => {
    nextResult = { hello: 'world' };

    const res = await fetch(`${baseUrl}/q/tok`);

    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(await res.json()).toEqual({ hello: 'world' });
  });

  it('answers 500 for a malformed result', async () => {
    nextResult = { statusCode: 200, body: { not: 'a string' } };

    const res = await fetch(`${baseUrl}/q/tok`);

    expect(res.status).toBe(500);
    expect((await res.json()).error.code).toBe('internal');
    expect(logged.join('\n')).toContain('malformed');
  });
});
