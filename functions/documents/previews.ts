import { defineOperation } from '#http/operation';
import { html, json } from '#http/response';
import { previewQuoteEmail, previewQuoteHtml } from '#services/previews';
import { documentContracts as c } from './contracts.ts';

/** The quote builder's live previews (rep routes): the customer's page and the quote email. */
export const previewOperations = {
  previewQuote: defineOperation(c.previewQuote, async ({ params, user }) =>
    html(200, await previewQuoteHtml(params.id, user), {
      'content-security-policy':
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'",
      'cache-control': 'no-store',
    }),
  ),
  previewQuoteEmail: defineOperation(c.previewQuoteEmail, async ({ params, query, user }) =>
    json(200, await previewQuoteEmail(params.id, query, user)),
  ),
};
