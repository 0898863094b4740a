import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { BadRequestError, PayloadTooLargeError, UnsupportedMediaTypeError } from '#domain/errors';
import { userFromEvent } from '#http/auth';
import { readBody } from '#http/handler';

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
