import { GoneError } from '#domain/errors';
import { defineOperation } from '#http/operation';
import { binary, json } from '#http/response';
import { resolveToken } from '#services/customer';
import { pdfFileName, quotePdf, sendQuote, signedFileName, signedPdf } from '#services/documents';
import { getQuoteFor } from '#services/quotes';
import { listEvents } from '#store/deals';
import { PUBLIC_HEADERS } from '../pages/security.ts';
import { documentContracts as c } from './contracts.ts';

export const documentOperations = {
  getQuotePdf: defineOperation(c.getQuotePdf, async ({ params, user }) => {
    const { quote } = await getQuoteFor(params.id, user);
    return binary(200, await quotePdf(quote), 'application/pdf', {
      'content-disposition': `attachment; filename="${pdfFileName(quote)}"`,
      'cache-control': 'no-store',
    });
  }),
  getPublicQuotePdf: defineOperation(c.getPublicQuotePdf, async ({ params }) => {
    const { quote } = await resolveToken(params.token);
    if (quote.status === 'superseded' || quote.status === 'withdrawn') {
      throw new GoneError(
        `this quote was ${quote.status === 'superseded' ? 'replaced by a newer version' : 'withdrawn'}`,
      );
    }
    const signed = quote.status === 'signed';
    const pdf = signed
      ? await signedPdf(quote, (await listEvents(quote.dealId, undefined, 1000)).items)
      : await quotePdf(quote);
    return binary(200, pdf, 'application/pdf', {
      'content-disposition': `attachment; filename="${signed ? signedFileName(quote) : pdfFileName(quote)}"`,
      ...PUBLIC_HEADERS,
    });
  }),
  sendQuote: defineOperation(c.sendQuote, async ({ params, body, user }) =>
    json(200, await sendQuote(params.id, body, user)),
  ),
};
