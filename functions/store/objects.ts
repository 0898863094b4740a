import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getStringFromEnv } from '#config/env';
import { sha256Hex } from '#domain/tokens';

/**
 * The object store that keeps the exact PDFs: S3 in the cloud (`DOCUMENTS_BUCKET`), the s3rver
 * emulator locally (`S3_ENDPOINT`). Documents are content-addressed — the key is the SHA-256 of
 * the bytes — so a write is idempotent, a stored document is never replaced, and a read can prove
 * it got the bytes it asked for.
 */
function createClient(): S3Client {
  const endpoint = process.env.S3_ENDPOINT;
  return new S3Client({
    // Plain PUTs with a Content-MD5-free body: what both S3 and the emulator accept.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...(endpoint
      ? {
          endpoint,
          forcePathStyle: true,
          region: process.env.AWS_REGION ?? 'local',
          credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
        }
      : {}),
  });
}

const s3 = createClient();

let bucketName: string | undefined;
function bucket(): string {
  bucketName ??= getStringFromEnv('DOCUMENTS_BUCKET');
  return bucketName;
}

export class StoredDocumentError extends Error {}

/** What is stored: PDFs (quotes as sent, signed copies) and the seal's certificate chains (PEM). */
export type DocumentType = 'pdf' | 'pem';

const CONTENT_TYPES: Record<DocumentType, string> = {
  pdf: 'application/pdf',
  pem: 'application/x-pem-file',
};

export const documentKey = (sha256: string, type: DocumentType = 'pdf') => `documents/${sha256}.${type}`;

/** Stores a document under its SHA-256 and returns the hash. */
export async function putDocument(
  bytes: Uint8Array,
  metadata: Record<string, string> = {},
  type: DocumentType = 'pdf',
): Promise<string> {
  const hash = sha256Hex(Buffer.from(bytes));
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket(),
      Key: documentKey(hash, type),
      Body: bytes,
      ContentType: CONTENT_TYPES[type],
      Metadata: { sha256: hash, ...metadata },
    }),
  );
  return hash;
}

/**
 * The stored document whose SHA-256 is `sha256`, checked against it; undefined when there is none.
 * Bytes that do not hash to their key mean the store was tampered with: that throws.
 */
export async function getDocument(sha256: string, type: DocumentType = 'pdf'): Promise<Buffer | undefined> {
  if (!/^[0-9a-f]{64}$/.test(sha256)) return undefined;
  let body: Uint8Array;
  try {
    const out = await s3.send(new GetObjectCommand({ Bucket: bucket(), Key: documentKey(sha256, type) }));
    if (!out.Body) return undefined;
    body = await out.Body.transformToByteArray();
  } catch (error) {
    if (error instanceof NoSuchKey) return undefined;
    throw error;
  }
  const bytes = Buffer.from(body);
  if (sha256Hex(bytes) !== sha256) {
    throw new StoredDocumentError(`stored document ${sha256} does not match its hash`);
  }
  return bytes;
}
