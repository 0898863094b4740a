import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, expectTypeOf, it } from 'vitest';
import * as z from 'zod/mini';
import type { User } from '#contracts/actor';
import { routesOf } from '#contracts/routes';
import {
  BadRequestError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '#domain/errors';
import { userFromEvent } from '#http/auth';
import { parseRequest, readBody, routeContract } from '#http/handler';
import { type Contract, defineOperation } from '#http/operation';
import { json } from '#http/response';
import { DealExportQuery } from '#schemas/csv';
import { CommentInput } from '#schemas/deals';

const event = (body: string, type: string, base64 = false) =>
  ({
    body: base64 ? Buffer.from(body).toString('base64') : body,
    isBase64Encoded: base64,
    headers: { 'content-type': type },
  }) as unknown as APIGatewayProxyEventV2;

describe('readBody', () => {
  it('parses JSON, forms and CSV as the contract allows', () => {
    expect(readBody(event('{"a":1}', 'application/json; charset=utf-8'), ['json'], 100)).toEqual({ a: 1 });
    expect(
      readBody(event('a=1&b=%C3%A9', 'application/x-www-form-urlencoded', true), ['json', 'form'], 100),
    ).toEqual({ a: '1', b: 'é' });
    expect(readBody(event('a,b\n1,2', 'text/csv'), ['csv'], 100)).toBe('a,b\n1,2');
  });

  it('refuses malformed, oversized and unexpected bodies', () => {
    expect(() => readBody(event('{', 'application/json'), ['json'], 100)).toThrow(BadRequestError);
    expect(() => readBody(event('{"a":"xxxxxxxx"}', 'application/json'), ['json'], 5)).toThrow(
      PayloadTooLargeError,
    );
    expect(() => readBody(event('a=1', 'application/x-www-form-urlencoded'), ['json'], 100)).toThrow(
      UnsupportedMediaTypeError,
    );
  });
});

describe('userFromEvent', () => {
  const withClaims = (claims: Record<string, unknown>) =>
    ({ requestContext: { authorizer: { jwt: { claims, scopes: null } } } }) as never;

  it('reads groups as API Gateway flattens them and as arrays', () => {
    expect(userFromEvent(withClaims({ sub: 'm', 'cognito:groups': '[reps managers]' })).manager).toBe(true);
    expect(userFromEvent(withClaims({ sub: 'm', 'cognito:groups': ['managers'] })).manager).toBe(true);
    expect(userFromEvent(withClaims({ sub: 'r', 'cognito:groups': '[reps]' })).manager).toBe(false);
  });

  it('refuses an event without a subject', () => {
    expect(() => userFromEvent({ requestContext: {} } as never)).toThrow('bearer token');
  });
});

describe('operations', () => {
  it('type the user as absent on public routes and present on rep routes', () => {
    const contracts = async () =>
      ({
        pub: { summary: 'public', auth: 'public', response: z.object({}) },
        rep: { summary: 'rep', response: z.object({}) },
      }) as const satisfies Record<string, Contract>;
    defineOperation(contracts, 'pub', async ({ user }) => {
      expectTypeOf(user).toEqualTypeOf<undefined>();
      return json(200, {});
    });
    defineOperation(contracts, 'rep', async ({ user }) => {
      expectTypeOf(user).toEqualTypeOf<User>();
      return json(200, {});
    });
  });

  it('build their contract on first use, once', async () => {
    let loads = 0;
    const contracts = async () => {
      loads += 1;
      return { a: { summary: 'a', response: z.object({}) } } satisfies Record<string, Contract>;
    };
    const operation = defineOperation(contracts, 'a', async () => json(200, {}));
    expect(loads).toBe(0);
    expect((await operation.contract()).summary).toBe('a');
    expect(await operation.contract()).toBe(await operation.contract());
    expect(loads).toBe(1);
  });

  it('refuse a request whose contract disagrees with the route table about auth', async () => {
    // getQuotePage is public in the route table; a contract without `auth: 'public'` is a rep one.
    const rep = defineOperation(
      async () => ({ page: { summary: 'page', response: z.object({}) } }),
      'page',
      async () => json(200, {}),
    );
    const route = routesOf('pages').find((r) => r.operation === 'getQuotePage');
    if (!route) throw new Error('no getQuotePage route');

    await expect(routeContract(route, rep)).rejects.toThrow(
      'route GET /q/{token} is public but its contract says rep',
    );
  });
});

describe('parseRequest', () => {
  it("answers zod's English messages in the details of a 422, path by path", () => {
    const contract = {
      summary: 'comment',
      auth: 'public',
      query: DealExportQuery,
      body: CommentInput,
      response: z.object({}),
    } as const satisfies Contract;
    const request = {
      ...event('{"text":"  ","extra":1}', 'application/json'),
      queryStringParameters: { limit: '1.5', status: 'maybe' },
    } as APIGatewayProxyEventV2;
    const parse = (e: APIGatewayProxyEventV2) => {
      try {
        parseRequest(contract, { auth: 'public' }, e, 1024);
      } catch (error) {
        return error as ValidationError;
      }
      throw new Error('accepted');
    };

    const badQuery = parse(request);
    const badBody = parse({ ...request, queryStringParameters: { limit: '20' } });

    expect(badQuery).toBeInstanceOf(ValidationError);
    expect(badQuery.details).toEqual([
      { path: 'query.status', message: 'Invalid option: expected one of "open"|"won"|"lost"' },
      { path: 'query.limit', message: 'Invalid input: expected int, received number' },
    ]);
    expect(badBody.details).toEqual([
      { path: 'body.text', message: 'Too small: expected string to have >=1 characters' },
      { path: 'body', message: 'Unrecognized key: "extra"' },
    ]);
  });
});
