import { defineOperation } from '#http/operation';
import { binary, json } from '#http/response';
import { pdfFileName, quotePdf, sendQuote } from '#services/documents';
import { getQuoteFor } from '#services/quotes';
import { documentContracts as c } from './contracts.ts';

export const documentOperations = {
  getQuotePdf: defineOperation(c.getQuotePdf, async ({ params, user }) => {
    const { quote } = await getQuoteFor(params.id, user);
    return binary(200, await quotePdf(quote), 'application/pdf', {
      'content-disposition': `attachment; filename="${pdfFileName(quote)}"`,
      'cache-control': 'no-store',
    });
  }),
  sendQuote: defineOperation(c.sendQuote, async ({ params, body, user }) =>
    json(200, await sendQuote(params.id, body, user)),
  ),
};
