import {
  type DigestAlgorithm,
  HttpTimestampAuthority,
  PDF,
  type Signer,
  type TimestampAuthority,
} from '@libpdf/core';
import { type SealSigner, sha256 } from './signer.ts';

/**
 * The signed copy's PDF work, on @libpdf/core: append pages to a stored PDF as an incremental
 * update (its bytes stay a prefix of the result, so the pages the customer was shown are kept
 * exactly), then seal the whole file with a PAdES signature (`ETSI.CAdES.detached`, itself an
 * incremental update whose byte range covers everything but the signature).
 */

export class SealError extends Error {}

/** `extra`'s pages appended after `original`'s; `original` is a byte-for-byte prefix of the result. */
export async function appendPages(original: Uint8Array, extra: Uint8Array): Promise<Uint8Array> {
  const pdf = await PDF.load(original);
  const source = await PDF.load(extra);
  const count = source.getPageCount();
  await pdf.copyPagesFrom(
    source,
    Array.from({ length: count }, (_, i) => i),
  );
  const out = await pdf.save({ incremental: true });
  if (!startsWith(out, original)) throw new SealError('the appended update rewrote the original bytes');
  return out;
}

export interface SealOptions {
  reason?: string;
  location?: string;
  /** The time the seal claims (the signing time); a timestamp token proves it. */
  signingTime?: Date;
  /** RFC 3161 timestamp authority URL: with it, the seal carries a timestamp token (PAdES B-T). */
  timestampUrl?: string;
  /** A timestamp authority object instead of a URL (tests). */
  timestampAuthority?: TimestampAuthority;
}

/** Adapts our signer (which signs digests, like KMS) to the library's (which is handed the data). */
function librarySigner(signer: SealSigner, chain: Uint8Array[]): Signer {
  const [leaf, ...rest] = chain;
  if (!leaf) throw new SealError('the seal has no certificate');
  return {
    certificate: leaf,
    ...(rest.length > 0 ? { certificateChain: rest } : {}),
    keyType: 'RSA',
    signatureAlgorithm: 'RSASSA-PKCS1-v1_5',
    async sign(data: Uint8Array, algorithm: DigestAlgorithm) {
      if (algorithm !== 'SHA-256') throw new SealError(`unsupported digest ${algorithm}`);
      return signer.signDigest(sha256(data));
    },
  };
}

/** Seals the whole PDF with a PAdES signature, appended as an incremental update. */
export async function sealPdf(pdfBytes: Uint8Array, signer: SealSigner, options: SealOptions = {}) {
  const pdf = await PDF.load(pdfBytes);
  const authority =
    options.timestampAuthority ??
    (options.timestampUrl ? new HttpTimestampAuthority(options.timestampUrl) : undefined);
  const result = await pdf.sign({
    signer: librarySigner(signer, await signer.certificates()),
    subFilter: 'ETSI.CAdES.detached',
    level: authority ? 'B-T' : 'B-B',
    ...(authority ? { timestampAuthority: authority } : {}),
    ...(options.reason ? { reason: options.reason } : {}),
    ...(options.location ? { location: options.location } : {}),
    ...(options.signingTime ? { signingTime: options.signingTime } : {}),
    fieldName: 'CloserSeal',
  });
  if (!startsWith(result.bytes, pdfBytes)) throw new SealError('the seal rewrote the document');
  return result.bytes;
}

export function startsWith(whole: Uint8Array, prefix: Uint8Array): boolean {
  return whole.length >= prefix.length && Buffer.compare(whole.subarray(0, prefix.length), prefix) === 0;
}
