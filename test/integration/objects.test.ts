import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

/**
 * The object store's two calls against a stand-in for S3 that records what it receives and answers
 * what the test queues. s3rver (the other tests' store) does not check SigV4 signatures, so this
 * checks them the way S3 does: rebuilt from the request as received, with the secret.
 */

interface Received {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

const received: Received[] = [];
const answers: { status: number; body?: string }[] = [];
const stored = new Map<string, Buffer>();
let server: Server;
let objects: typeof import('#store/objects');
const saved = { S3_ENDPOINT: process.env.S3_ENDPOINT, DOCUMENTS_BUCKET: process.env.DOCUMENTS_BUCKET };

const xmlError = (code: string, message: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      received.push({
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body,
      });
      const queued = answers.shift();
      if (queued) {
        response.writeHead(queued.status, { 'content-type': 'application/xml' }).end(queued.body ?? '');
        return;
      }
      const path = request.url ?? '';
      if (request.method === 'PUT') {
        stored.set(path, body);
        response.writeHead(200).end();
      } else if (stored.has(path)) {
        response.writeHead(200, { 'content-type': 'application/pdf' }).end(stored.get(path));
      } else {
        response.writeHead(404).end(xmlError('NoSuchKey', 'The specified key does not exist.'));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // Read once, when the module first calls the store: set before it is imported here.
  process.env.S3_ENDPOINT = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.env.DOCUMENTS_BUCKET = 'closer-documents';
  vi.resetModules();
  objects = await import('#store/objects');
});

afterAll(async () => {
  Object.assign(process.env, saved);
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  received.length = 0;
  answers.length = 0;
});

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();

/** The SigV4 signature S3 computes for a request as it arrives (secret S3RVER, the local one). */
function expectedSignature(request: Received): { given: string; computed: string } {
  const authorization = String(request.headers.authorization);
  const [, credential, signedHeaders, given] =
    /^AWS4-HMAC-SHA256 Credential=([^,]+), SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
      authorization,
    ) ?? [];
  if (!credential || !signedHeaders || !given) throw new Error(`not a SigV4 header: ${authorization}`);
  const [, day, region, service] = credential.split('/');
  const amzDate = String(request.headers['x-amz-date']);
  const canonical = [
    request.method,
    request.path,
    '',
    ...signedHeaders.split(';').map((name) => `${name}:${String(request.headers[name]).trim()}`),
    '',
    signedHeaders,
    String(request.headers['x-amz-content-sha256']),
  ].join('\n');
  const scope = `${day}/${region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  let key: Buffer = hmac('AWS4S3RVER', day ?? '');
  for (const part of [region ?? '', service ?? '', 'aws4_request']) key = hmac(key, part);
  return { given, computed: createHmac('sha256', key).update(toSign).digest('hex') };
}

describe('the object store', () => {
  it('signs its requests as S3 checks them, with the hash of the body S3 receives', async () => {
    // Arrange
    const pdf = Buffer.from('%PDF-1.7 a stored quote');

    // Act
    const hash = await objects.putDocument(pdf, { quoteId: 'Q1' });
    const back = await objects.getDocument(hash);

    // Assert
    expect(back?.equals(pdf)).toBe(true);
    const [put, get] = received;
    if (!put || !get) throw new Error('two requests expected');
    expect(put.path).toBe(`/closer-documents/documents/${hash}.pdf`);
    expect(put.headers['x-amz-content-sha256']).toBe(sha256(put.body));
    expect(put.headers['x-amz-meta-sha256']).toBe(hash);
    expect(put.headers['x-amz-meta-quoteid']).toBe('Q1');
    expect(put.headers['content-type']).toBe('application/pdf');
    for (const request of [put, get]) {
      const { given, computed } = expectedSignature(request);
      expect(given).toBe(computed);
    }
    expect(String(put.headers.authorization)).toContain('/s3/aws4_request');
  });

  it('answers no document for a missing key, and refuses bytes that do not match their key', async () => {
    expect(await objects.getDocument('0'.repeat(64))).toBeUndefined();

    const path = `/closer-documents/documents/${'1'.repeat(64)}.pdf`;
    stored.set(path, Buffer.from('not what was stored'));
    await expect(objects.getDocument('1'.repeat(64))).rejects.toThrow(/does not match its hash/);
  });

  it('tries again when S3 slows down or fails, and gives up after three tries', async () => {
    // Arrange: two failures that can pass, then the store answers.
    answers.push(
      { status: 503, body: xmlError('SlowDown', 'Please reduce your request rate.') },
      { status: 500, body: xmlError('InternalError', 'We encountered an internal error.') },
    );

    // Act
    const hash = await objects.putDocument(Buffer.from('%PDF retried'));

    // Assert
    expect(received.map((r) => r.method)).toEqual(['PUT', 'PUT', 'PUT']);
    expect(await objects.getDocument(hash)).toBeDefined();

    // Three failures: the last one, named as S3 names it, with the status the retries read.
    answers.push(
      ...Array.from({ length: 3 }, () => ({ status: 503, body: xmlError('SlowDown', 'Slow down.') })),
    );
    const failure = await objects.putDocument(Buffer.from('%PDF never')).catch((error: unknown) => error);
    expect(failure).toMatchObject({ name: 'SlowDown', $metadata: { httpStatusCode: 503 } });
  });

  it('does not retry a refusal, and says a missing bucket is a fault, not a missing document', async () => {
    answers.push({ status: 403, body: xmlError('AccessDenied', 'Access Denied') });
    await expect(objects.putDocument(Buffer.from('%PDF denied'))).rejects.toMatchObject({
      name: 'AccessDenied',
    });
    expect(received).toHaveLength(1);

    answers.push({ status: 404, body: xmlError('NoSuchBucket', 'The specified bucket does not exist') });
    await expect(objects.getDocument('2'.repeat(64))).rejects.toMatchObject({ name: 'NoSuchBucket' });
  });
});
