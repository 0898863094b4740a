import { isChained } from '#domain/chain';
import type { Quote } from '#schemas/quotes';
import { getDocument } from '#store/objects';
import { dealEvents, quoteChain } from './history.ts';
import { publicBaseUrl } from './quotes.ts';

/**
 * The evidence a quote leaves: the exact PDF that was sent (stored once, served from storage), the
 * sealed signed copy (built once, at signing: services/seal.ts, loaded only by the function that
 * seals), and the hash-chained history. Nothing here re-renders a sent quote, and nothing here
 * loads the PDF, seal or KMS code: notify, deliver and verify read stored files through this module.
 */

export class MissingDocumentError extends Error {}

/** The file names a quote's PDFs are downloaded and attached under. */
export function pdfFileName(quote: Quote): string {
  return `${quote.number}-v${quote.version}.pdf`;
}

export function signedFileName(quote: Quote): string {
  return `${quote.number}-v${quote.version}-signed.pdf`;
}

/** The quote's stored PDF (the bytes its `documentHash` names). */
export async function storedQuotePdf(quote: Quote): Promise<Buffer> {
  if (!quote.documentHash) throw new MissingDocumentError(`quote ${quote.id} has not been sent`);
  const bytes = await getDocument(quote.documentHash);
  if (!bytes) {
    throw new MissingDocumentError(
      `the PDF of quote ${quote.id} (${quote.documentHash}) is not in the document store: run the document migration`,
    );
  }
  return bytes;
}

export class SignedCopyPendingError extends Error {}

/**
 * The sealed signed copy once signed, else the stored quote PDF: what the customer downloads. Only
 * the sealing function (`pages`, which signs) builds the copy (services/seal.ts); elsewhere a signed
 * quote whose copy is not recorded yet is an error to retry (notify) or a 5xx.
 */
export async function customerPdf(quote: Quote): Promise<{ bytes: Buffer; signed: boolean }> {
  if (quote.status === 'signed') {
    const { signedCopyHash } = quote;
    if (!signedCopyHash) throw new SignedCopyPendingError(`quote ${quote.id} is not sealed yet`);
    const bytes = await getDocument(signedCopyHash);
    if (!bytes) throw new MissingDocumentError(`the signed copy of quote ${quote.id} is not in the store`);
    return { bytes, signed: true };
  }
  return { bytes: await storedQuotePdf(quote), signed: false };
}

export function verifyUrl(sha256?: string): string {
  return `${publicBaseUrl()}/verify${sha256 ? `/${sha256}` : ''}`;
}

/**
 * A quote's evidence bundle (zip): the stored PDFs, the quote, its events with their chain and its
 * verification, the seal certificate, and a README saying how to check each without Closer.
 */
export async function evidenceBundle(quote: Quote): Promise<Uint8Array> {
  if (!quote.documentHash) throw new MissingDocumentError(`quote ${quote.id} has not been sent`);
  const { zipSync, strToU8 } = await import('fflate');
  const { certificateSubject: subjectOf, sealCertificatesOf, toPem } = await import('#evidence/certificate');
  const signed = quote;
  const base = `${quote.number}-v${quote.version}`;
  const events = (await dealEvents(quote.dealId)).filter((e) => isChained(e, quote.id));
  const chain = quoteChain(signed, events);
  const files: Record<string, Uint8Array> = {
    [`${base}.pdf`]: new Uint8Array(await storedQuotePdf(signed)),
    'quote.json': strToU8(`${JSON.stringify(signed, null, 2)}\n`),
    'events.json': strToU8(`${JSON.stringify({ chain, events }, null, 2)}\n`),
  };
  const lines = [
    `Evidence of quote ${quote.number}, version ${quote.version} (${quote.id})`,
    '',
    `${base}.pdf  the PDF exactly as sent; SHA-256 ${signed.documentHash}`,
  ];
  if (signed.signedCopyHash) {
    const copy = await getDocument(signed.signedCopyHash);
    if (!copy) throw new MissingDocumentError(`the signed copy of quote ${quote.id} is not in the store`);
    files[`${base}-signed.pdf`] = new Uint8Array(copy);
    // The certificates that sealed this very copy, read from its signature: no key access needed.
    const certificates = sealCertificatesOf(new Uint8Array(copy));
    files['seal-certificate.pem'] = strToU8(certificates.map(toPem).join(''));
    const [leaf] = certificates;
    lines.push(
      `${base}-signed.pdf  the sealed signed copy; SHA-256 ${signed.signedCopyHash}`,
      `seal-certificate.pem  the seal's certificate chain (${leaf ? subjectOf(leaf) : 'none'})`,
    );
  }
  lines.push(
    'quote.json  the quote record, with the signature evidence and the chain head',
    `events.json  the quote's events, each carrying the SHA-256 of the previous one (data.prevHash), and the chain check: ${chain.valid ? 'valid' : 'NOT valid'}`,
    '',
    'Check them without Closer:',
    '  sha256sum *.pdf                      the hashes above',
    `  pdfsig ${base}-signed.pdf       the seal covers the whole file and is valid`,
    `  cmp -n <size of ${base}.pdf> ${base}.pdf ${base}-signed.pdf   the signed copy begins with the sent file, byte for byte`,
    `  ${verifyUrl()}                 drop either PDF there`,
    '',
  );
  files['README.txt'] = strToU8(lines.join('\n'));
  // Fixed dates: the same evidence gives the same zip.
  const mtime = new Date(signed.sentAt ?? signed.createdAt);
  return zipSync(Object.fromEntries(Object.entries(files).map(([name, data]) => [name, [data, { mtime }]])));
}
