import { KMSClient } from '@aws-sdk/client-kms';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { getStringFromEnv } from '#config/env';
import { isChained } from '#domain/chain';
import { isSignedCopyPending } from '#domain/quotes';
import { certificateSubject, fromPem, sealCertificatesOf, toPem } from '#evidence/certificate';
import { KmsSigner } from '#evidence/kms-signer';
import { appendPages, sealPdf } from '#evidence/seal';
import { loadLocalSigner, type SealSigner } from '#evidence/signer';
import { renderCertificatePdf } from '#render/pdf';
import { DEFAULT_TEMPLATE_ID, getTemplate } from '#render/templates';
import type { DealEvent } from '#schemas/deals';
import type { Quote } from '#schemas/quotes';
import { getDocument, putDocument } from '#store/objects';
import { getIssuedDocument, getQuoteAt, recordSealChain, recordSignedCopy } from '#store/quotes';
import { storedQuotePdf, verifyUrl } from './evidence.ts';
import { dealEvents } from './history.ts';
import { viewOf } from './quotes.ts';

/**
 * The sealed signed copy: the PDF work (@libpdf/core, and our renderer for the certificate page), the
 * seal (a local key, or AWS KMS) and the certificate code. Heavy, so it is loaded on demand
 * (`await import('./seal.ts')`) by the outbox's signed-copy work (services/notify.ts, run by
 * `notify` and `deliver`) and by the document migration; the HTTP functions (pages, documents,
 * verify, api) never import it.
 */

/**
 * A signed quote with its sealed copy: built, stored and recorded now unless it already is. The
 * outbox calls it when it reads `quote.signed` (before the signed-copy email, or in it), and again on
 * every retry of that email until the copy is recorded. Of two builders, the first to record wins and
 * the other's object is never issued.
 */
export async function ensureSignedCopy(signed: Quote): Promise<Quote> {
  if (!isSignedCopyPending(signed)) return signed;
  // As stored: the write that signed it moved its chain head past the caller's copy.
  const quote = (await getQuoteAt(signed.dealId, signed.id)) ?? signed;
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
    sealChainHash: copy.sealChainHash,
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
): Promise<{ sha256: string; sealSubject: string; sealChainHash: string; bytes: Uint8Array }> {
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
    ...(signature.verification
      ? { verification: { to: signature.verification.to, sentAt: signature.verification.sentAt } }
      : {}),
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
  const sealChainHash = await putSealChain(sealed);
  return { sha256, sealSubject: await sealSubject(), sealChainHash, bytes: sealed };
}

/**
 * Stores the certificate chain that sealed `copy` (read from its own signature, PEM, leaf first)
 * beside the PDFs, under its SHA-256, so the evidence bundle serves it without parsing anything.
 */
async function putSealChain(copy: Uint8Array): Promise<string> {
  const pem = sealCertificatesOf(copy).map(toPem).join('');
  if (!pem) throw new Error('the sealed copy carries no certificate');
  return putDocument(new TextEncoder().encode(pem), { kind: 'seal_chain' }, 'pem');
}

/**
 * A signed copy sealed before chains were kept gets its chain stored and recorded (the document
 * migration). True when it was recorded now; false when there is nothing to do.
 */
export async function backfillSealChain(quote: Quote): Promise<boolean> {
  if (!quote.signedCopyHash) return false;
  const issued = await getIssuedDocument(quote.signedCopyHash);
  if (issued?.kind !== 'signed_copy' || issued.sealChainHash) return false;
  const copy = await getDocument(quote.signedCopyHash);
  if (!copy) throw new Error(`the signed copy of quote ${quote.id} is not in the store`);
  return recordSealChain(quote.signedCopyHash, await putSealChain(new Uint8Array(copy)));
}
