import { defineOperation } from '#http/operation';
import { html, json } from '#http/response';
import { previewQuoteEmail, previewQuoteHtml } from '#services/previews';

/** Built on the first request to one of these routes (see `Contracts`). */
const contracts = () => import('./contracts.ts').then((m) => m.documentContracts);

/** The quote builder's live previews (rep routes): the customer's page and the quote email. */
export const previewOperations = {
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
