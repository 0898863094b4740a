import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { MANAGERS_GROUP, type User } from '#contracts/actor';
import { UnauthorizedError } from '#domain/errors';

/**
 * API Gateway passes array claims as a string such as `[managers reps]`; the local runner passes
 * what the token holds. Both shapes are accepted.
 */
function groupsOf(claim: unknown): string[] {
  if (Array.isArray(claim)) return claim.map(String);
  if (typeof claim !== 'string') return [];
  return claim
    .replace(/^\[|\]$/g, '')
    .split(/[\s,]+/)
    .map((g) => g.replace(/^"|"$/g, ''))
    .filter(Boolean);
}

export function userFromEvent(event: Pick<APIGatewayProxyEventV2WithJWTAuthorizer, 'requestContext'>): User {
  const claims = (event.requestContext as Partial<APIGatewayProxyEventV2WithJWTAuthorizer['requestContext']>)
    .authorizer?.jwt?.claims;
  const sub = claims?.sub;
  if (typeof sub !== 'string' || sub === '') throw new UnauthorizedError('a valid bearer token is required');
  const email = typeof claims?.email === 'string' ? claims.email : '';
  const name = typeof claims?.name === 'string' && claims.name !== '' ? claims.name : email || sub;
  return { id: sub, email, name, manager: groupsOf(claims?.['cognito:groups']).includes(MANAGERS_GROUP) };
}
