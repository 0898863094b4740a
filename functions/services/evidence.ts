import { KMSClient } from '@aws-sdk/client-kms';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { getStringFromEnv } from '#config/env';
import { type ChainReport, isChained, verifyChain } from '#domain/chain';
import { renderCertificatePdf } from '#render/pdf';
import { DEFAULT_TEMPLATE_ID, getTemplate } from '#render/templates';
import type { DealEvent } from '#schemas/deals';
import type { Quote } from '#schemas/quotes';
import { listEvents } from '#store/deals';
import { getDocument, putDocument } from '#store/objects';
import { getQuoteAt, recordSignedCopy } from '#store/quotes';
import { certificateSubject, fromPem } from '../evidence/certificate.ts';
import { KmsSigner } from '../evidence/kms-signer.ts';
import { appendPages, sealPdf } from '../evidence/seal.ts';
import { loadLocalSigner, type SealSigner } from '../evidence/signer.ts';
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

/** The sealed signed copy once signed, else the stored quote PDF: what the customer downloads. */
export async function customerPdf(quote: Quote): Promise<{ bytes: Buffer; signed: boolean }> {
  if (quote.status === 'signed') {
    const { signedCopyHash } = await ensureSignedCopy(quote);
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
