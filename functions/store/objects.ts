import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { SignatureV4 } from '@smithy/signature-v4';
import { getStringFromEnv } from '#config/env';
import { isTransientFailure } from '#domain/retry';
import { sha256Hex } from '#domain/tokens';

/**
 * The object store that keeps the exact PDFs: S3 in the cloud (`DOCUMENTS_BUCKET`), the s3rver
 * emulator locally (`S3_ENDPOINT`). Documents are content-addressed — the key is the SHA-256 of
 * the bytes — so a write is idempotent, a stored document is never replaced, and a read can prove
 * it got the bytes it asked for.
 *
 * Two calls, GetObject and PutObject, as plain HTTPS requests signed with the SDK's own SigV4
 * signer: the S3 client (155 KB with its checksums, XML and middleware) was almost a fifth of the
 * documents bundle, for these two calls. Credentials are the function's (Lambda puts its role's
 * in the environment); requests that fail for a reason that can pass (5xx, 429, a dropped
 * connection) are tried three times.
 */

type SourceData = string | ArrayBuffer | ArrayBufferView;

/** SHA-256 and HMAC-SHA-256 over node:crypto, in the shape the signer asks for. */
class NodeSha256 {
  private readonly hash: Hash | Hmac;
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytesOf(secret));
  }
  update(data: SourceData): void {
    this.hash.update(bytesOf(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

function bytesOf(data: SourceData): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

interface Store {
  /** The bucket's base URL (path-style locally, virtual-hosted in the cloud). */
  base: URL;
  signer: SignatureV4;
}

let store: Store | undefined;
function objectStore(): Store {
  if (store) return store;
  const endpoint = process.env.S3_ENDPOINT;
  const region = endpoint ? (process.env.AWS_REGION ?? 'local') : getStringFromEnv('AWS_REGION');
  const signer = new SignatureV4({
    service: 's3',
    region,
    sha256: NodeSha256,
    // S3 signs the path as sent (no second encoding) and wants the payload's hash in a header.
    uriEscapePath: false,
    applyChecksum: true,
    credentials: endpoint
      ? { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }
      : async () => {
          const accessKeyId = getStringFromEnv('AWS_ACCESS_KEY_ID');
          const secretAccessKey = getStringFromEnv('AWS_SECRET_ACCESS_KEY');
          const sessionToken = process.env.AWS_SESSION_TOKEN;
          return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
        },
  });
  const base = endpoint
    ? new URL(`${endpoint.replace(/\/$/, '')}/${bucket()}/`)
    : new URL(`https://${bucket()}.s3.${region}.amazonaws.com/`);
  store = { base, signer };
  return store;
}

/** An S3 error answer: its code (`NoSuchKey`, `SlowDown`…) as the name, its status as the SDK's errors carry it. */
export class ObjectStoreError extends Error {
  readonly $metadata: { httpStatusCode: number };
  readonly $retryable: boolean;
  constructor(code: string, status: number, message: string) {
    super(message);
    this.name = code;
    this.$metadata = { httpStatusCode: status };
    this.$retryable = status >= 500 || status === 429 || code === 'SlowDown';
  }
}

const ATTEMPTS = 3;

/** The error an S3 answer carries in its XML body (`<Code>`, `<Message>`). */
function errorOf(method: string, key: string, answer: { status: number; body: Buffer }): ObjectStoreError {
  const text = answer.body.toString('utf8');
  const code = /<Code>([^<]+)<\/Code>/.exec(text)?.[1] ?? `HTTP${answer.status}`;
  const message = /<Message>([^<]+)<\/Message>/.exec(text)?.[1] ?? `S3 answered ${answer.status}`;
  return new ObjectStoreError(code, answer.status, `${method} ${key}: ${message}`);
}

async function send(
  method: 'GET' | 'PUT',
  key: string,
  headers: Record<string, string> = {},
  body?: Buffer,
): Promise<{ status: number; body: Buffer }> {
  const { base, signer } = objectStore();
  const url = new URL(key, base);
  const signed = await signer.sign({
    method,
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port ? { port: Number(url.port) } : {}),
    path: url.pathname,
    query: {},
    headers: {
      host: url.host,
      'x-amz-content-sha256': sha256Hex(body ?? Buffer.alloc(0)),
      ...(body ? { 'content-length': String(body.byteLength) } : {}),
      ...headers,
    },
    ...(body ? { body } : {}),
  });
  return new Promise((resolve, reject) => {
    const call = (url.protocol === 'https:' ? httpsRequest : httpRequest)(
      url,
      { method, headers: signed.headers, timeout: 10_000 },
      (response: IncomingMessage) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks) }));
        response.on('error', reject);
      },
    );
    call.on('timeout', () =>
      call.destroy(Object.assign(new Error('S3 request timed out'), { code: 'ETIMEDOUT' })),
    );
    call.on('error', reject);
    call.end(body);
  });
}

/** `send`, tried again while S3 answers a failure that can pass; a 2xx or 404 answer is returned as is. */
async function call(
  method: 'GET' | 'PUT',
  key: string,
  headers?: Record<string, string>,
  body?: Buffer,
): Promise<{ status: number; body: Buffer }> {
  for (let attempt = 1; ; attempt += 1) {
    let failure: unknown;
    try {
      const answer = await send(method, key, headers, body);
      if ((answer.status >= 200 && answer.status < 300) || answer.status === 404) return answer;
      failure = errorOf(method, key, answer);
    } catch (error) {
      failure = error;
    }
    if (!isTransientFailure(failure)) throw failure;
    if (attempt >= ATTEMPTS) throw failure;
    await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** (attempt - 1) * (0.5 + Math.random())));
  }
}

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
  const meta = Object.fromEntries(
    Object.entries({ sha256: hash, ...metadata }).map(([name, value]) => [
      `x-amz-meta-${name.toLowerCase()}`,
      value,
    ]),
  );
  await call(
    'PUT',
    documentKey(hash, type),
    { 'content-type': CONTENT_TYPES[type], ...meta },
    Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
  );
  return hash;
}

/**
 * The stored document whose SHA-256 is `sha256`, checked against it; undefined when there is none.
 * Bytes that do not hash to their key mean the store was tampered with: that throws.
 */
export async function getDocument(sha256: string, type: DocumentType = 'pdf'): Promise<Buffer | undefined> {
  if (!/^[0-9a-f]{64}$/.test(sha256)) return undefined;
  const answer = await call('GET', documentKey(sha256, type));
  if (answer.status === 404) {
    // No such document; another 404 (a bucket that does not exist) is a fault, not an absence.
    const failure = errorOf('GET', documentKey(sha256, type), answer);
    if (failure.name === 'NoSuchKey') return undefined;
    throw failure;
  }
  const bytes = answer.body;
  if (sha256Hex(bytes) !== sha256) {
    throw new StoredDocumentError(`stored document ${sha256} does not match its hash`);
  }
  return bytes;
}
