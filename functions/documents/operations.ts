import { ConflictError, GoneError } from '#domain/errors';
import { defineOperation } from '#http/operation';
import { binary, json } from '#http/response';
import { recordView, resolveToken } from '#services/customer';
import { quotePdf, sendQuote } from '#services/documents';
import { customerPdf, evidenceBundle, pdfFileName, signedFileName, storedQuotePdf } from '#services/evidence';
import { getQuoteFor } from '#services/quotes';
import { PUBLIC_HEADERS, visitorOf } from '../pages/security.ts';
import { documentContracts as c } from './contracts.ts';
import { previewOperations } from './previews.ts';

export const documentOperations = {
  getQuotePdf: defineOperation(c.getQuotePdf, async ({ params, user }) => {
    const { quote } = await getQuoteFor(params.id, user);
    // A draft is rendered (it is a preview); once sent, the stored file and nothing else.
    const pdf = quote.documentHash ? await storedQuotePdf(quote) : await quotePdf(quote);
    return binary(200, pdf, 'application/pdf', {
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
    const { bytes: pdf, signed } = await customerPdf(quote);
    return binary(200, pdf, 'application/pdf', {
      'content-disposition': `attachment; filename="${signed ? signedFileName(quote) : pdfFileName(quote)}"`,
      ...PUBLIC_HEADERS,
    });
  }),
  getQuoteEvidence: defineOperation(c.getQuoteEvidence, async ({ params, user }) => {
    const { quote } = await getQuoteFor(params.id, user);
    if (!quote.documentHash) throw new ConflictError('a draft has no evidence yet: send it first');
    return binary(200, Buffer.from(await evidenceBundle(quote)), 'application/zip', {
      'content-disposition': `attachment; filename="${quote.number}-v${quote.version}-evidence.zip"`,
      'cache-control': 'no-store',
    });
  }),
  sendQuote: defineOperation(c.sendQuote, async ({ params, body, user }) =>
    json(200, await sendQuote(params.id, body, user)),
  ),
  ...previewOperations,
};
