import { randomBytes } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { getStringFromEnv } from '#config/env';
import { ForbiddenError } from '#domain/errors';

/** Headers every public response carries, whatever its status or type. */
export const PUBLIC_HEADERS = {
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
  'x-robots-tag': 'noindex, nofollow',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

export function newNonce(): string {
  return randomBytes(16).toString('base64');
}

/**
 * No script runs without the nonce of this response; nothing loads from anywhere else; the page
 * cannot be framed or post its forms elsewhere.
 */
export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    "img-src 'self' data:",
    "form-action 'self'",
    // The page's view report (a same-origin fetch).
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

function header(event: APIGatewayProxyEventV2, name: string): string | undefined {
  return event.headers?.[name] ?? undefined;
}

/**
 * A customer's action must come from the quote page itself, not from another site posting on
 * their behalf. Browsers say where a request comes from (Fetch Metadata, else Origin); a request
 * that says nothing (a script, curl) is not a browser and gains nothing from ambient credentials,
 * since the token in the URL is the only credential.
 */
export function assertSameOrigin(event: APIGatewayProxyEventV2): void {
  const site = header(event, 'sec-fetch-site');
  if (site !== undefined) {
    if (site === 'same-origin' || site === 'none') return;
    throw new ForbiddenError('this form can only be sent from the quote page');
  }
  const origin = header(event, 'origin');
  if (origin === undefined) return;
  const allowed = new Set<string>([new URL(getStringFromEnv('PUBLIC_BASE_URL')).origin]);
  const host = header(event, 'host') ?? event.requestContext?.domainName;
  if (host) {
    allowed.add(`https://${host}`);
    allowed.add(`http://${host}`);
  }
  if (!allowed.has(origin)) throw new ForbiddenError('this form can only be sent from the quote page');
}

/**
 * The page's own report (its script's fetch): the browser must say it comes from this site. A request
 * that says nothing (a scanner, curl) is refused, unlike the forms, which also work without a browser.
 */
export function assertSameOriginStrict(event: APIGatewayProxyEventV2): void {
  const site = header(event, 'sec-fetch-site');
  if (site === undefined && header(event, 'origin') === undefined)
    throw new ForbiddenError('only the quote page reports a view');
  if (site !== undefined && site !== 'same-origin')
    throw new ForbiddenError('only the quote page reports a view');
  assertSameOrigin(event);
}

export function isFormPost(event: APIGatewayProxyEventV2): boolean {
  return (header(event, 'content-type') ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded');
}

/** A browser navigating (or posting a form) wants a page; an API client wants JSON. */
export function wantsHtml(event: APIGatewayProxyEventV2): boolean {
  if (event.requestContext.http.method === 'GET') return true;
  return isFormPost(event) || (header(event, 'accept') ?? '').includes('text/html');
}

export function visitorOf(event: APIGatewayProxyEventV2) {
  return { ip: event.requestContext.http.sourceIp, userAgent: event.requestContext.http.userAgent ?? '' };
}
