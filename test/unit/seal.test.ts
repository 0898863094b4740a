import { execFileSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetPublicKeyCommand, SignCommand } from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderCertificatePdf, renderQuotePdf } from '#render/pdf';
import { viewOf } from '#services/quotes';
import { flipByte, pageCount, pdfsig, pdfText, qpdfCheck } from '#test/pdf-tools';
import { certificateSubject, fromPem } from '../../functions/evidence/certificate.ts';
import { type KmsLike, KmsSigner } from '../../functions/evidence/kms-signer.ts';
import { appendPages, sealPdf, startsWith } from '../../functions/evidence/seal.ts';
import { ensureLocalSeal, loadLocalSigner, signDigestWithKey } from '../../functions/evidence/signer.ts';
import { makeQuote } from './render-fixtures.ts';

let dir: string;
let quotePdf: Uint8Array;
let certificatePdf: Uint8Array;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'closer-seal-'));
  const quote = makeQuote();
  quotePdf = new Uint8Array(await renderQuotePdf(viewOf(quote)));
  certificatePdf = new Uint8Array(
    await renderCertificatePdf(viewOf(quote), {
      signerName: 'Jeanne Dupont',
      signedAt: '2026-05-04T10:00:00.000Z',
      ip: '203.0.113.7',
      userAgent: 'Firefox',
      documentHash: 'a'.repeat(64),
      method: 'typed',
      events: [
        { at: '2026-05-04T09:00:00.000Z', type: 'quote.sent', actor: { type: 'user', name: 'Alice' } },
      ],
      chainHead: 'b'.repeat(64),
      verifyUrl: `https://quotes.example.com/verify/${'a'.repeat(64)}`,
    }),
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('appendPages', () => {
  it('adds the certificate page as an incremental update: the stored PDF stays a byte prefix', async () => {
    const appended = await appendPages(quotePdf, certificatePdf);

    expect(startsWith(appended, quotePdf)).toBe(true);
    expect(pageCount(appended)).toBe(pageCount(quotePdf) + 1);
    expect(qpdfCheck(appended).ok).toBe(true);
    const text = pdfText(appended);
    expect(text).toContain('Jeanne Dupont');
    expect(text).toContain(`https://quotes.example.com/verify/${'a'.repeat(64)}`);
    expect(text).toContain('b'.repeat(64));
  });
});

describe('sealPdf with the local key', () => {
  it('makes a PAdES signature over the whole file that pdfsig validates, and qpdf accepts', async () => {
    await ensureLocalSeal(join(dir, 'seal'), 'Atelier Closer SAS');
    const signer = loadLocalSigner(join(dir, 'seal'));
    const appended = await appendPages(quotePdf, certificatePdf);

    const sealed = await sealPdf(appended, signer, { reason: 'test' });

    expect(startsWith(sealed, appended)).toBe(true);
    const report = pdfsig(sealed);
    expect(report.valid, report.output).toBe(true);
    expect(report.wholeDocument, report.output).toBe(true);
    expect(report.signatureType).toBe('ETSI.CAdES.detached');
    expect(report.signer).toBe('Atelier Closer SAS');
    expect(qpdfCheck(sealed).ok).toBe(true);
  });

  it('is reported invalid by pdfsig when one byte of the signed range changes', async () => {
    const signer = loadLocalSigner(join(dir, 'seal'));
    const sealed = await sealPdf(await appendPages(quotePdf, certificatePdf), signer);

    const tampered = flipByte(sealed, 200);

    expect(pdfsig(sealed).valid).toBe(true);
    const report = pdfsig(tampered);
    expect(report.valid, report.output).toBe(false);
  });

  it('keeps the key and certificate it generated on first use', async () => {
    const sealDir = join(dir, 'seal-2');
    expect(await ensureLocalSeal(sealDir, 'Org One')).toEqual({ created: true });
    const first = readFileSync(join(sealDir, 'seal-certificate.pem'), 'utf8');
    expect(await ensureLocalSeal(sealDir, 'Org Two')).toEqual({ created: false });
    expect(readFileSync(join(sealDir, 'seal-certificate.pem'), 'utf8')).toBe(first);
    const [leaf] = fromPem(first);
    expect(certificateSubject(leaf as Uint8Array)).toContain('CN=Org One');
    // openssl reads it as a certificate for document signing, valid now.
    writeFileSync(join(dir, 'leaf.pem'), first);
    const text = execFileSync('openssl', ['x509', '-in', join(dir, 'leaf.pem'), '-noout', '-text'], {
      encoding: 'utf8',
    });
    expect(text).toContain('Digital Signature, Non Repudiation');
    expect(text).toContain('CA:FALSE');
  });
});

/**
 * KMS cannot run here: a fake client answers Sign and GetPublicKey the way KMS does (PKCS#1 v1.5
 * over the digest it is given, DER SubjectPublicKeyInfo) with a real local RSA key.
 */
class FakeKms implements KmsLike {
  readonly calls: string[] = [];
  constructor(private readonly key: KeyObject) {}
  async send(command: unknown): Promise<never> {
    if (command instanceof SignCommand) {
      const input = command.input;
      this.calls.push(`Sign:${input.MessageType}:${input.SigningAlgorithm}`);
      if (input.MessageType !== 'DIGEST' || input.SigningAlgorithm !== 'RSASSA_PKCS1_V1_5_SHA_256') {
        throw new Error('unexpected Sign parameters');
      }
      return { Signature: signDigestWithKey(this.key, input.Message as Uint8Array) } as never;
    }
    if (command instanceof GetPublicKeyCommand) {
      this.calls.push('GetPublicKey');
      const spki = new Uint8Array(createPublicKey(this.key).export({ type: 'spki', format: 'der' }));
      return { PublicKey: spki, KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' } as never;
    }
    throw new Error('unexpected KMS command');
  }
}

describe('KmsSigner', () => {
  it('seals with the digest signed by KMS and a self-signed certificate it rebuilds identically', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const kms = new FakeKms(privateKey);
    const signer = new KmsSigner(kms, { keyId: 'alias/closer-seal', organisation: 'Atelier Closer SAS' });

    const sealed = await sealPdf(await appendPages(quotePdf, certificatePdf), signer);

    const report = pdfsig(sealed);
    expect(report.valid, report.output).toBe(true);
    expect(report.wholeDocument).toBe(true);
    expect(report.signer).toBe('Atelier Closer SAS');
    expect(kms.calls).toContain('GetPublicKey');
    expect(kms.calls).toContain('Sign:DIGEST:RSASSA_PKCS1_V1_5_SHA_256');
    const again = new KmsSigner(kms, { keyId: 'alias/closer-seal', organisation: 'Atelier Closer SAS' });
    expect(Buffer.from((await again.certificates())[0] as Uint8Array)).toEqual(
      Buffer.from((await signer.certificates())[0] as Uint8Array),
    );
  });

  it('uses the certificate chain ops provide instead of generating one', async () => {
    const local = join(dir, 'ops');
    await ensureLocalSeal(local, 'Provided By Ops');
    const chain = fromPem(readFileSync(join(local, 'seal-certificate.pem'), 'utf8'));
    const kms = new FakeKms(createPrivateKey(readFileSync(join(local, 'seal-key.pem'))));
    const signer = new KmsSigner(kms, { keyId: 'k', organisation: 'ignored', chain: async () => chain });

    const sealed = await sealPdf(await appendPages(quotePdf, certificatePdf), signer);

    expect(pdfsig(sealed).signer).toBe('Provided By Ops');
    expect(kms.calls).not.toContain('GetPublicKey');
  });
});

/** A local RFC 3161 time-stamping authority: `openssl ts -reply` behind a small HTTP server. */
function startTsa(root: string): Promise<{ url: string; requests: () => number; server: Server }> {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      join(root, 'tsa.key'),
      '-out',
      join(root, 'tsa.crt'),
      '-subj',
      '/CN=Closer Test TSA',
      '-days',
      '2',
      '-addext',
      'extendedKeyUsage=critical,timeStamping',
      '-addext',
      'basicConstraints=CA:FALSE',
    ],
    { stdio: 'ignore' },
  );
  writeFileSync(join(root, 'serial'), '01\n');
  writeFileSync(
    join(root, 'tsa.cnf'),
    [
      '[ tsa ]',
      'default_tsa = tsa1',
      '[ tsa1 ]',
      `dir = ${root}`,
      'serial = $dir/serial',
      'crypto_device = builtin',
      'signer_cert = $dir/tsa.crt',
      'certs = $dir/tsa.crt',
      'signer_key = $dir/tsa.key',
      'signer_digest = sha256',
      'default_policy = 1.2.3.4.1',
      'digests = sha256',
      'accuracy = secs:1',
      'ordering = yes',
      'tsa_name = yes',
      'ess_cert_id_chain = no',
      'ess_cert_id_alg = sha256',
      '',
    ].join('\n'),
  );
  let count = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      count += 1;
      const query = join(root, `q${count}.tsq`);
      const reply = join(root, `r${count}.tsr`);
      writeFileSync(query, Buffer.concat(chunks));
      execFileSync(
        'openssl',
        ['ts', '-reply', '-config', join(root, 'tsa.cnf'), '-queryfile', query, '-out', reply],
        {
          stdio: 'ignore',
        },
      );
      res.writeHead(200, { 'content-type': 'application/timestamp-reply' });
      res.end(readFileSync(reply));
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolve({ url: `http://127.0.0.1:${port}/tsr`, requests: () => count, server });
    }),
  );
}

describe('RFC 3161 timestamp', () => {
  it('carries a timestamp token from the configured authority, and still validates', async () => {
    const root = mkdtempSync(join(tmpdir(), 'closer-tsa-'));
    const tsa = await startTsa(root);
    try {
      const signer = loadLocalSigner(join(dir, 'seal'));
      const sealed = await sealPdf(await appendPages(quotePdf, certificatePdf), signer, {
        timestampUrl: tsa.url,
      });

      expect(tsa.requests()).toBe(1);
      const report = pdfsig(sealed);
      expect(report.valid, report.output).toBe(true);
      // The signature's unsigned attributes hold id-aa-timeStampToken with the TSA's token.
      const contents =
        /\/Contents\s*<([0-9a-fA-F]+)>/.exec(Buffer.from(sealed).toString('latin1'))?.[1] ?? '';
      const der = Buffer.from(contents, 'hex');
      expect(der.includes(Buffer.from('060b2a864886f70d010910020e', 'hex'))).toBe(true);
      expect(der.includes(Buffer.from('Closer Test TSA'))).toBe(true);
    } finally {
      tsa.server.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
