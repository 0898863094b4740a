import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { logger } from '#config/logger';
import { ConflictError, GoneError } from '#domain/errors';
import { isSignedCopyPending } from '#domain/quotes';
import { defineOperation } from '#http/operation';
import { binary, errorBody, html, json } from '#http/response';
import type { Quote } from '#schemas/quotes';
import { quotePdf, sendQuote } from '#services/documents';
import { customerPdf, evidenceBundle, pdfFileName, signedFileName, storedQuotePdf } from '#services/evidence';
import { recordView, resolveToken } from '#services/links';
import { previewQuoteEmail, previewQuoteHtml } from '#services/previews';
import { getQuoteFor } from '#services/quotes';
import { contentSecurityPolicy, newNonce, PUBLIC_HEADERS, visitorOf, wantsHtml } from '../pages/security.ts';

/** Built on the first request to one of these routes (see `Contracts`). */
const contracts = () => import('./contracts.ts').then((m) => m.documentContracts);

/** Seconds a client should wait before asking again for a signed copy being sealed. */
const SEAL_RETRY_AFTER = 5;
const STUCK_AFTER_MS = 10 * 60 * 1000;

/**
 * A signed quote whose sealed copy the outbox has not recorded yet (a few seconds after signing):
 * 503 with Retry-After, a short page in the quote's language for a browser, the error shape for JSON.
 */
async function signedCopyPending(quote: Quote, event: APIGatewayProxyEventV2) {
  // notify seals within seconds; a copy still missing long after says the outbox is stuck (its
  // dead letters) or the quote was signed before copies were sealed (the document migration).
  const waited = Date.now() - Date.parse(quote.signedAt ?? quote.updatedAt);
  if (waited > STUCK_AFTER_MS) {
    logger.warn(
      'signed copy still not sealed: check the notify dead letters, or run the document migration',
      {
        quoteId: quote.id,
        signedAt: quote.signedAt,
      },
    );
  }
  const headers = { ...PUBLIC_HEADERS, 'retry-after': String(SEAL_RETRY_AFTER) };
  if (!wantsHtml(event) || (event.headers?.accept ?? '').includes('application/json')) {
    return json(
      503,
      errorBody('signed_copy_pending', 'the signed copy is being prepared: retry in a few seconds'),
      headers,
    );
  }
  // The customer-page renderer (Handlebars) loads for this page only, not at the cold start.
  const { renderSignedCopyPendingPage } = await import('#render/page');
  const nonce = newNonce();
  return html(503, renderSignedCopyPendingPage({ locale: quote.locale, nonce }), {
    ...headers,
    'content-security-policy': contentSecurityPolicy(nonce),
  });
}

export const documentOperations = {
  getQuotePdf: defineOperation(contracts, 'getQuotePdf', async ({ params, user }) => {
    const { quote } = await getQuoteFor(params.id, user);
    // A draft is rendered (it is a preview); once sent, the stored file and nothing else.
    const pdf = quote.documentHash ? await storedQuotePdf(quote) : await quotePdf(quote);
    return binary(200, pdf, 'application/pdf', {
      'content-disposition': `attachment; filename="${pdfFileName(quote)}"`,
      'cache-control': 'no-store',
    });
  }),
  getPublicQuotePdf: defineOperation(contracts, 'getPublicQuotePdf', async ({ params, event }) => {
    const { quote } = await resolveToken(params.token);
    // A download is a person reading the quote (the page's script may not have run).
    if (quote.status === 'sent' && !quote.viewedAt) await recordView(params.token, visitorOf(event));
    if (quote.status === 'superseded' || quote.status === 'withdrawn') {
      throw new GoneError(
        `this quote was ${quote.status === 'superseded' ? 'replaced by a newer version' : 'withdrawn'}`,
      );
    }
    if (isSignedCopyPending(quote)) return signedCopyPending(quote, event);
    const { bytes: pdf, signed } = await customerPdf(quote);
    return binary(200, pdf, 'application/pdf', {
      'content-disposition': `attachment; filename="${signed ? signedFileName(quote) : pdfFileName(quote)}"`,
      ...PUBLIC_HEADERS,
    });
  }),
  getQuoteEvidence: defineOperation(contracts, 'getQuoteEvidence', async ({ params, user }) => {
    const { quote } = await getQuoteFor(params.id, user);
    if (!quote.documentHash) throw new ConflictError('a draft has no evidence yet: send it first');
    return binary(200, Buffer.from(await evidenceBundle(quote)), 'application/zip', {
      'content-disposition': `attachment; filename="${quote.number}-v${quote.version}-evidence.zip"`,
      'cache-control': 'no-store',
    });
  }),
  sendQuote: defineOperation(contracts, 'sendQuote', async ({ params, body, user }) =>
    json(200, await sendQuote(params.id, body, user)),
  ),
  // The quote builder's live previews (rep routes): the customer's page and the quote email.
  previewQuote: defineOperation(contracts, 'previewQuote', async ({ params, user }) =>
    html(200, await previewQuoteHtml(params.id, user), {
      'content-security-policy':
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'",
      'cache-control': 'no-store',
    }),
  ),
  previewQuoteEmail: defineOperation(contracts, 'previewQuoteEmail', async ({ params, query, user }) =>
    json(200, await previewQuoteEmail(params.id, query, user)),
  ),
};
