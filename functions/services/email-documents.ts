import { isSignedCopyPending } from '#domain/quotes';
import type { Quote } from '#schemas/quotes';
import { customerPdf, pdfFileName, signedFileName, storedQuotePdf } from './evidence.ts';
import { useEmailDocuments } from './notify.ts';

/**
 * Imported (for its effect) by the functions that run the outbox's emails: `notify`, which seals the
 * signed copy when it reads `quote.signed`, and `deliver`, which retries emails (a signed-copy email
 * seals the copy when it is still missing). The seal code (services/seal.ts: @libpdf/core, pkijs,
 * the KMS client) is loaded on the first signed quote, not at cold start.
 */

async function seal(signed: Quote): Promise<Quote> {
  if (!isSignedCopyPending(signed)) return signed;
  const { ensureSignedCopy } = await import('./seal.ts');
  return ensureSignedCopy(signed);
}

useEmailDocuments({
  seal,
  async quotePdf(quote) {
    return {
      filename: pdfFileName(quote),
      contentType: 'application/pdf',
      content: await storedQuotePdf(quote),
    };
  },
  async signedCopy(signed) {
    const copy = await customerPdf(await seal(signed));
    if (!copy.signed) throw new Error(`quote ${signed.id} is signed but has no stored signed copy`);
    return { filename: signedFileName(signed), contentType: 'application/pdf', content: copy.bytes };
  },
});
