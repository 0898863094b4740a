import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { GoneError, NotFoundError, TooManyRequestsError, ValidationError } from '#domain/errors';
import { QuoteStateError } from '#domain/quotes';
import { errorToResponse } from '#http/errors';
import { httpHandler, readBody } from '#http/handler';
import { html } from '#http/response';
import { renderNotFoundPage } from '#render/page';
import type { ActionName, FieldError } from '#render/page-model';
import { resolveToken } from '#services/links';
import { pageOperations, pageResponse } from './operations.ts';
import { contentSecurityPolicy, isFormPost, newNonce, PUBLIC_HEADERS, wantsHtml } from './security.ts';

/** Requests may carry a drawn signature (up to 512 KB of PNG): 1 MB in all. */
const MAX_BODY_BYTES = 1024 * 1024;

const ACTIONS: Record<string, ActionName> = {
  'POST /q/{token}/sign': 'sign',
  'POST /q/{token}/changes': 'changes',
  'POST /q/{token}/decline': 'decline',
  // The one-time code is part of signing: its refusals show in the sign form.
  'POST /q/{token}/code': 'sign',
};

function fieldErrors(error: ValidationError): FieldError[] {
  const details = Array.isArray(error.details)
    ? (error.details as { path?: string; message?: string; reason?: string }[])
    : [];
  const errors = details.map((d) => ({
    field: String(d.path ?? '').replace(/^body\.?/, '') || 'form',
    message: String(d.message ?? error.message),
    ...(typeof d.reason === 'string' ? { reason: d.reason } : {}),
  }));
  return errors.length > 0 ? errors : [{ field: 'form', message: error.message }];
}

function typedValues(event: APIGatewayProxyEventV2): Record<string, string> {
  try {
    const body = readBody(event, ['form'], MAX_BODY_BYTES) as Record<string, string> | undefined;
    const { signature: _drawn, documentHash: _hash, ...typed } = body ?? {};
    return typed;
  } catch {
    return {};
  }
}

function notFoundPage(event: APIGatewayProxyEventV2) {
  const nonce = newNonce();
  const locale = (event.headers?.['accept-language'] ?? '').toLowerCase().startsWith('fr') ? 'fr' : 'en';
  return html(404, renderNotFoundPage({ locale, nonce }), {
    'content-security-policy': contentSecurityPolicy(nonce),
  });
}

/**
 * Browsers get pages, API clients JSON: an unknown link is the 404 page, a form with mistakes comes
 * back with them marked (422), a lost race shows what won (409), an expired quote its 410 page.
 */
async function renderError(error: unknown, event: APIGatewayProxyEventV2) {
  if (!wantsHtml(event)) return errorToResponse(error);
  const token = event.pathParameters?.token;
  if (error instanceof NotFoundError || !token)
    return error instanceof NotFoundError ? notFoundPage(event) : errorToResponse(error);
  const action = ACTIONS[event.routeKey];
  if (error instanceof ValidationError && action && isFormPost(event)) {
    const found = await resolveToken(token);
    return pageResponse(
      token,
      found,
      { form: { action, errors: fieldErrors(error), values: typedValues(event) } },
      422,
    );
  }
  if (error instanceof TooManyRequestsError && action && isFormPost(event)) {
    const found = await resolveToken(token);
    const errors = [{ field: 'code', message: error.message, reason: 'code_locked' }];
    return pageResponse(token, found, { form: { action, errors, values: typedValues(event) } }, 429);
  }
  if (error instanceof QuoteStateError || error instanceof GoneError) {
    const found = await resolveToken(token);
    return pageResponse(
      token,
      found,
      { outcome: { action: 'conflict' } },
      error instanceof GoneError ? 410 : 409,
    );
  }
  return errorToResponse(error);
}

/** The customer's quote page and its actions (no login: the link's token is the capability). */
export const handler = httpHandler('pages', pageOperations, {
  maxBodyBytes: MAX_BODY_BYTES,
  renderError,
  headers: PUBLIC_HEADERS,
});
