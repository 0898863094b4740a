import { GoneError } from '#domain/errors';
import { defineOperation } from '#http/operation';
import { binary, json } from '#http/response';
import { recordView, resolveToken } from '#services/customer';
import { customerPdf, pdfFileName, quotePdf, sendQuote } from '#services/documents';
import { getQuoteFor } from '#services/quotes';
import { PUBLIC_HEADERS, visitorOf } from '../pages/security.ts';
import { documentContracts as c } from './contracts.ts';

export const documentOperations = {
  getQuotePdf: defineOperation(c.getQuotePdf, async ({ params, user }) => {
    const { quote } = await getQuoteFor(params.id, user);
    return binary(200, await quotePdf(quote), 'application/pdf', {
      'content-disposition': `attachment; filename="${pdfFileName(quote)}"`,
      'cache-control': 'no-store',
    });
  }),
  getPublicQuotePdf: defineOperation(c.getPublicQuotePdf, async ({ params, event }) => {
    const { quote } = await resolveToken(params.token);
    // A download is a person reading the quote (the page's script may not have run).
    if (quote.status === 'sent' && !quote.viewedAt) await recordView(params.token, visitorOf(event));
    if (quote.status === 'superseded' || quote.status === 'withdrawn') {
      throw new GoneError(
        `this quote was ${quote.status === 'superseded' ? 'replaced by a newer version' : 'withdrawn'}`,
      );
    }
    const { pdf, fileName } = await customerPdf(quote);
    return binary(200, pdf, 'application/pdf', {
      'content-disposition': `attachment; filename="${fileName}"`,
      ...PUBLIC_HEADERS,
    });
  }),
  sendQuote: defineOperation(c.sendQuote, async ({ params, body, user }) =>
    json(200, await sendQuote(params.id, body, user)),
  ),
};
