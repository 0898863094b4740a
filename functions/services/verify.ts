import type { VerifyResult } from '#schemas/verify';
import { getIssuedDocument, getQuoteAt } from '#store/quotes';
import { dealEvents, quoteChain } from './history.ts';

const SHA256 = /^[0-9a-f]{64}$/;

/**
 * Whether this Closer issued the file whose SHA-256 is `sha256`: one GetItem on the document
 * lookup, then the quote and its events. An unknown hash answers `issued: false` and nothing else,
 * so the answer reveals nothing about other documents.
 */
export async function verifyDocument(sha256: string): Promise<VerifyResult> {
  const hash = sha256.toLowerCase();
  if (!SHA256.test(hash)) return { sha256: hash.slice(0, 64), issued: false };
  const issued = await getIssuedDocument(hash);
  const quote = issued ? await getQuoteAt(issued.dealId, issued.quoteId) : undefined;
  if (!issued || !quote) return { sha256: hash, issued: false };
  const chain = quoteChain(quote, await dealEvents(quote.dealId));
  const signature = quote.signature;
  return {
    sha256: hash,
    issued: true,
    kind: issued.kind,
    number: quote.number,
    version: quote.version,
    ...(quote.seller?.name ? { seller: quote.seller.name } : {}),
    status: quote.status,
    ...(issued.kind === 'signed_copy' && signature
      ? { signedBy: { name: signature.name, at: signature.at } }
      : {}),
    chain: { valid: chain.valid, length: chain.length, unchained: chain.unchained },
    ...(issued.sealSubject ? { sealSubject: issued.sealSubject } : {}),
    issuedAt: issued.issuedAt,
  };
}

/** The SHA-256 of an uploaded file: hashed here, then the bytes are dropped (never stored). */
export { sha256Hex as hashUpload } from '#domain/tokens';
