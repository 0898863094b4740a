import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { call } from '#test/api';
import { rep, sealedQuote, sentQuote } from '#test/fixtures';
import { dumpedSealCertificates, flipByte } from '#test/pdf-tools';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const bytesOf = (text: string) => Buffer.from(text, 'latin1');
const asJson = { accept: 'application/json' };

function upload(file: Uint8Array, boundary = '----closer-test') {
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="q.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return {
    raw: Buffer.concat([head, Buffer.from(file), tail]).toString('latin1'),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

describe('GET /verify/{sha256}', () => {
  it('answers for the sent PDF and the sealed signed copy, and not for a changed file', async () => {
    const owner = rep();
    const { quote, token } = await sentQuote(owner);
    const original = bytesOf((await call('GET', `/q/${token}/pdf`)).text);
    await call('POST', `/q/${token}/sign`, { body: { name: 'Jeanne Dupont', consent: true } });
    const signed = await sealedQuote(quote.id);
    const copy = bytesOf((await call('GET', `/q/${token}/pdf`)).text);

    const forOriginal = await call('GET', `/verify/${sha256(original)}`, { headers: asJson });
    const forCopy = await call('GET', `/verify/${sha256(copy)}`, { headers: asJson });
    const forChanged = await call('GET', `/verify/${sha256(flipByte(copy))}`, { headers: asJson });

    expect(forOriginal.body).toMatchObject({
      issued: true,
      kind: 'quote',
      number: quote.number,
      version: 1,
      status: 'signed',
      chain: { valid: true },
    });
    expect(forOriginal.body).not.toHaveProperty('signedBy');
    expect(forCopy.body).toMatchObject({
      issued: true,
      kind: 'signed_copy',
      number: quote.number,
      signedBy: { name: 'Jeanne Dupont', at: signed?.signedAt },
      // created, sent, viewed (downloading the PDF counts as the customer's view), signed
      chain: { valid: true, length: 4 },
    });
    expect(forCopy.body.sealSubject).toContain('CN=');
    expect(forChanged.status).toBe(200);
    expect(forChanged.body).toEqual({ sha256: sha256(flipByte(copy)), issued: false });
  });

  it('says nothing but "not issued" for unknown or malformed hashes, with the public headers', async () => {
    const unknown = await call('GET', `/verify/${'0'.repeat(64)}`, { headers: asJson });
    const malformed = await call('GET', '/verify/not-a-hash', { headers: asJson });
    const page = await call('GET', `/verify/${'0'.repeat(64)}`, { headers: { 'accept-language': 'fr' } });

    expect(unknown.body).toEqual({ sha256: '0'.repeat(64), issued: false });
    expect(malformed.body.issued).toBe(false);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Non émis par ce Closer');
    expect(page.headers['content-security-policy']).toMatch(/script-src 'nonce-/);
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
  });
});

describe('GET /verify and the no-JavaScript upload', () => {
  it('serves the page in both languages', async () => {
    const en = await call('GET', '/verify');
    const fr = await call('GET', '/verify', { query: { lang: 'fr' } });

    expect(en.status).toBe(200);
    expect(en.text).toContain('enctype="multipart/form-data"');
    expect(en.text).toContain('<html lang="en');
    expect(fr.text).toContain('Vérifier un document');
  });

  it('hashes an uploaded file and answers the page with the result', async () => {
    const owner = rep();
    const { token } = await sentQuote(owner);
    const original = bytesOf((await call('GET', `/q/${token}/pdf`)).text);

    const issued = await call('POST', '/verify', upload(original));
    const changed = await call('POST', '/verify', upload(flipByte(original)));
    const empty = await call('POST', '/verify', {
      raw: '',
      headers: { 'content-type': 'multipart/form-data; boundary=x' },
    });

    expect(issued.status).toBe(200);
    expect(issued.text).toContain('Issued by this Closer');
    expect(issued.text).toContain(sha256(original));
    expect(changed.text).toContain('Not issued by this Closer');
    expect(empty.status).toBe(422);
  });
});

describe('GET /quotes/{id}/evidence', () => {
  it('bundles the stored PDFs, the chained events and the seal certificate', async () => {
    const owner = rep();
    const { quote, token } = await sentQuote(owner);
    await call('POST', `/q/${token}/sign`, { body: { name: 'Jeanne Dupont', consent: true } });
    const signed = await sealedQuote(quote.id);

    const response = await call('GET', `/quotes/${quote.id}/evidence`, { user: owner });

    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/zip');
    const { unzipSync, strFromU8 } = await import('fflate');
    const files = unzipSync(bytesOf(response.text));
    const base = `${quote.number}-v1`;
    expect(sha256(files[`${base}.pdf`] as Uint8Array)).toBe(signed?.documentHash);
    expect(sha256(files[`${base}-signed.pdf`] as Uint8Array)).toBe(signed?.signedCopyHash);
    const events = JSON.parse(strFromU8(files['events.json'] as Uint8Array));
    expect(events.chain).toMatchObject({ valid: true, head: signed?.chainHead });
    // The chain stored at sealing: the very certificates inside the copy's signature.
    const pem = strFromU8(files['seal-certificate.pem'] as Uint8Array);
    const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    const inCopy = dumpedSealCertificates(files[`${base}-signed.pdf`] as Uint8Array);
    expect(blocks.map((b) => b.replace(/\s+/g, ''))).toEqual(inCopy.map((b) => b.replace(/\s+/g, '')));
    expect(blocks.length).toBeGreaterThan(0);
    const verified = await call('GET', `/verify/${signed.signedCopyHash}`, { headers: asJson });
    expect(strFromU8(files['README.txt'] as Uint8Array)).toContain(
      `seal-certificate.pem  the seal's certificate chain (${verified.body.sealSubject})`,
    );
    expect((await call('GET', `/quotes/${quote.id}/evidence`, { user: rep('other') })).status).toBe(404);
  });
});
