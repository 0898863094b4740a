import { KMSClient } from '@aws-sdk/client-kms';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { getStringFromEnv } from '#config/env';
import { type ChainReport, isChained, verifyChain } from '#domain/chain';
import { certificateSubject, fromPem } from '#evidence/certificate';
import { KmsSigner } from '#evidence/kms-signer';
import { appendPages, sealPdf } from '#evidence/seal';
import { loadLocalSigner, type SealSigner } from '#evidence/signer';
import { renderCertificatePdf } from '#render/pdf';
import { DEFAULT_TEMPLATE_ID, getTemplate } from '#render/templates';
import type { DealEvent } from '#schemas/deals';
import type { Quote } from '#schemas/quotes';
import { listEvents } from '#store/deals';
import { getDocument, putDocument } from '#store/objects';
import { getQuoteAt, recordSignedCopy } from '#store/quotes';
import { publicBaseUrl, viewOf } from './quotes.ts';

/**
 * The evidence a quote leaves: the exact PDF that was sent (stored once, served from storage), the
 * sealed signed copy (built once, at signing), and the hash-chained history. Nothing here
 * re-renders a sent quote.
 */

export class MissingDocumentError extends Error {}

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
 * the sealing function (`pages`, which signs) builds a missing copy (`build`); elsewhere a signed
 * quote whose copy is not recorded yet is an error to retry (notify) or a 5xx.
 */
export async function customerPdf(
  quote: Quote,
  options: { build?: boolean } = {},
): Promise<{ bytes: Buffer; signed: boolean }> {
  if (quote.status === 'signed') {
    const { signedCopyHash } = options.build ? await ensureSignedCopy(quote) : quote;
    if (!signedCopyHash) throw new SignedCopyPendingError(`quote ${quote.id} is not sealed yet`);
    const bytes = signedCopyHash ? await getDocument(signedCopyHash) : undefined;
    if (!bytes) throw new MissingDocumentError(`the signed copy of quote ${quote.id} is not in the store`);
    return { bytes, signed: true };
  }
  return { bytes: await storedQuotePdf(quote), signed: false };
}

/**
 * A signed quote with its sealed copy: built, stored and recorded now unless it already is. Signing
 * calls it right after the signature is written; the PDF routes and `notify` call it too, so a
 * copy whose build was interrupted is made on the next request. Of two builders, the first to
 * record wins and the other's object is never issued.
 */
export async function ensureSignedCopy(quote: Quote): Promise<Quote> {
  if (quote.status !== 'signed' || quote.signedCopyHash) return quote;
  const events = await dealEvents(quote.dealId);
  const copy = await buildSignedCopy(quote, events, quote.chainHead);
  const recorded = await recordSignedCopy(quote, {
    sha256: copy.sha256,
    kind: 'signed_copy',
    quoteId: quote.id,
    dealId: quote.dealId,
    issuedAt: new Date().toISOString(),
    sealSubject: copy.sealSubject,
  });
  if (recorded) return { ...quote, signedCopyHash: copy.sha256 };
  const current = await getQuoteAt(quote.dealId, quote.id);
  if (!current?.signedCopyHash) throw new Error(`quote ${quote.id} could not record its signed copy`);
  return current;
}

let signer: SealSigner | undefined;

/** The seal: the KMS key in the cloud (`SEAL_KMS_KEY_ID`), else the local key (`SEAL_DIR`). */
export function sealSigner(): SealSigner {
  if (signer) return signer;
  const keyId = process.env.SEAL_KMS_KEY_ID;
  if (keyId) {
    const secretArn = process.env.SEAL_CERTIFICATE_SECRET_ARN;
    signer = new KmsSigner(new KMSClient({}), {
      keyId,
      organisation: getTemplate(DEFAULT_TEMPLATE_ID).seller.name,
      ...(secretArn ? { chain: () => certificateChainFromSecret(secretArn) } : {}),
    });
  } else {
    signer = loadLocalSigner(getStringFromEnv('SEAL_DIR'));
  }
  return signer;
}

/** Replaces the seal (tests, benchmarks). */
export function useSealSigner(next: SealSigner | undefined): void {
  signer = next;
}

async function certificateChainFromSecret(arn: string): Promise<Uint8Array[]> {
  const out = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: arn }));
  const chain = fromPem(out.SecretString ?? '');
  if (chain.length === 0) throw new Error('the seal certificate secret holds no PEM certificate');
  return chain;
}

export async function sealSubject(): Promise<string> {
  const [leaf] = await sealSigner().certificates();
  if (!leaf) throw new Error('the seal has no certificate');
  return certificateSubject(leaf);
}

export function verifyUrl(sha256?: string): string {
  return `${publicBaseUrl()}/verify${sha256 ? `/${sha256}` : ''}`;
}

/** Every event of the deal (the chain needs all of a quote's, whatever their number). */
export async function dealEvents(dealId: string): Promise<DealEvent[]> {
  const events: DealEvent[] = [];
  let cursor: string | undefined;
  do {
    const page = await listEvents(dealId, cursor, 200);
    events.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return events.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export function quoteChain(quote: Quote, events: readonly DealEvent[]): ChainReport {
  return verifyChain(events, quote.id, quote.chainHead);
}

/**
 * Builds the signed copy once: the stored PDF, unchanged, plus the certificate page appended as an
 * incremental update, sealed with a PAdES signature (timestamped when `SEAL_TIMESTAMP_URL` is
 * set), and stored. `history` is the quote's events including the `quote.signed` being written,
 * and `chainHead` the head they lead to. Returns the copy's SHA-256 and the seal's subject.
 */
export async function buildSignedCopy(
  signed: Quote,
  history: readonly DealEvent[],
  chainHead: string | undefined,
): Promise<{ sha256: string; sealSubject: string; bytes: Uint8Array }> {
  const signature = signed.signature;
  if (!signature) throw new Error(`quote ${signed.id} has no signature`);
  const original = await storedQuotePdf(signed);
  const certificate = await renderCertificatePdf(viewOf(signed), {
    signerName: signature.name,
    ...(signature.email ? { signerEmail: signature.email } : {}),
    signedAt: signature.at,
    ip: signature.ip,
    userAgent: signature.userAgent,
    documentHash: signature.documentHash,
    method: signature.method,
    ...(signature.image ? { signatureImage: signature.image } : {}),
    events: history
      .filter((e) => isChained(e, signed.id))
      .map((e) => ({ at: e.at, type: e.type, actor: e.actor })),
    ...(chainHead ? { chainHead } : {}),
    verifyUrl: verifyUrl(signature.documentHash),
  });
  const appended = await appendPages(new Uint8Array(original), new Uint8Array(certificate));
  const timestampUrl = process.env.SEAL_TIMESTAMP_URL;
  const sealed = await sealPdf(appended, sealSigner(), {
    reason: `Signed by ${signature.name}: quote ${signed.number} v${signed.version}`,
    signingTime: new Date(signature.at),
    ...(timestampUrl ? { timestampUrl } : {}),
  });
  const sha256 = await putDocument(sealed, { quote: signed.id, kind: 'signed_copy' });
  return { sha256, sealSubject: await sealSubject(), bytes: sealed };
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
