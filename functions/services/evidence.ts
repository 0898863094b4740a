import { isChained } from '#domain/chain';
import { isSignedCopyPending } from '#domain/quotes';
import { storedZip } from '#render/zip';
import type { Quote } from '#schemas/quotes';
import { getDocument } from '#store/objects';
import { getIssuedDocument } from '#store/quotes';
import { dealEvents, quoteChain } from './history.ts';
import { publicBaseUrl } from './quotes.ts';

/**
 * The evidence a quote leaves: the exact PDF that was sent (stored once, served from storage), the
 * sealed signed copy (built once, by the outbox after signing: services/seal.ts, loaded on demand),
 * the seal's certificate chain (stored beside it) and the hash-chained history. Nothing here
 * re-renders a sent quote, and nothing here loads the PDF, seal, certificate or KMS code: documents,
 * notify, deliver and verify read stored files through this module.
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
 * The sealed signed copy once signed, else the stored quote PDF: what the customer downloads. The
 * copy is built by the outbox (services/seal.ts); until it is recorded this throws
 * `SignedCopyPendingError` (the PDF route checks `isSignedCopyPending` first and answers 503).
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
  const signed = quote;
  const base = `${quote.number}-v${quote.version}`;
  const events = (await dealEvents(quote.dealId)).filter((e) => isChained(e, quote.id));
  const chain = quoteChain(signed, events);
  const files: Record<string, Uint8Array> = {
    [`${base}.pdf`]: new Uint8Array(await storedQuotePdf(signed)),
    'quote.json': Buffer.from(`${JSON.stringify(signed, null, 2)}\n`),
    'events.json': Buffer.from(`${JSON.stringify({ chain, events }, null, 2)}\n`),
  };
  let sealChainHint: string[] = [];
  const lines = [
    `Evidence of quote ${quote.number}, version ${quote.version} (${quote.id})`,
    '',
    `${base}.pdf  the PDF exactly as sent; SHA-256 ${signed.documentHash}`,
  ];
  if (signed.signedCopyHash) {
    const copy = await getDocument(signed.signedCopyHash);
    if (!copy) throw new MissingDocumentError(`the signed copy of quote ${quote.id} is not in the store`);
    files[`${base}-signed.pdf`] = new Uint8Array(copy);
    lines.push(`${base}-signed.pdf  the sealed signed copy; SHA-256 ${signed.signedCopyHash}`);
    // The chain that sealed this copy, read from its signature and stored when it was sealed (or by
    // the document migration): served as stored, nothing parsed here.
    const issued = await getIssuedDocument(signed.signedCopyHash);
    const pem = issued?.sealChainHash ? await getDocument(issued.sealChainHash, 'pem') : undefined;
    if (pem) {
      files['seal-certificate.pem'] = new Uint8Array(pem);
      lines.push(
        `seal-certificate.pem  the seal's certificate chain (${issued?.sealSubject ?? 'subject not recorded'})`,
      );
    } else {
      sealChainHint = [
        `The seal's certificate chain is inside ${base}-signed.pdf:`,
        `  pdfsig -dump ${base}-signed.pdf    writes the signature (${base}-signed.pdf.sig0, DER CMS)`,
        `  openssl pkcs7 -inform DER -in ${base}-signed.pdf.sig0 -print_certs   prints its certificates (PEM)`,
        '',
      ];
    }
  } else if (isSignedCopyPending(signed)) {
    lines.push('The sealed signed copy is being prepared: download the bundle again in a few seconds.');
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
    ...sealChainHint,
  );
  files['README.txt'] = Buffer.from(lines.join('\n'));
  // Fixed dates: the same evidence gives the same zip.
  return storedZip(files, new Date(signed.sentAt ?? signed.createdAt));
}
