import { DeleteObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DeleteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { migrateDocuments } from '#services/migrate-documents';
import { db, table } from '#store/client';
import { keys } from '#store/keys';
import { documentKey, getDocument } from '#store/objects';
import { getQuote } from '#store/quotes';
import { call } from '#test/api';
import { rep, sealedQuote, sentQuote } from '#test/fixtures';
import { dumpedSealCertificates } from '#test/pdf-tools';

const s3 = () =>
  new S3Client({
    endpoint: process.env.S3_ENDPOINT,
    forcePathStyle: true,
    region: 'local',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });

/** Makes a quote look as it did before documents were kept: its hash recorded, no object, no lookup. */
async function forgetDocument(hash: string) {
  await s3().send(new DeleteObjectCommand({ Bucket: process.env.DOCUMENTS_BUCKET, Key: documentKey(hash) }));
  await db.send(new DeleteCommand({ TableName: table(), Key: keys.document(hash) }));
}

describe('document migration', () => {
  it('stores the PDF of a quote sent before documents were kept, once, under its recorded hash', async () => {
    const owner = rep();
    const { quote, token } = await sentQuote(owner);
    const hash = String((await getQuote(quote.id))?.documentHash);
    // A quote "from before": its hash recorded, no object and no lookup.
    await forgetDocument(hash);
    expect(await getDocument(hash)).toBeUndefined();
    expect((await call('GET', `/q/${token}/pdf`)).status).toBe(500);

    const first = await migrateDocuments();
    const second = await migrateDocuments();

    expect(first.stored).toContain(quote.id);
    expect(second.stored).not.toContain(quote.id);
    expect(second.present).toContain(quote.id);
    expect(await getDocument(hash)).toBeDefined();
    const pdf = await call('GET', `/q/${token}/pdf`);
    expect(pdf.status).toBe(200);
    const verify = await call('GET', `/verify/${hash}`, { headers: { accept: 'application/json' } });
    expect(verify.body).toMatchObject({ issued: true, kind: 'quote' });
  });

  it('seals the signed copy of a quote signed before signed copies were kept', async () => {
    const owner = rep();
    const { quote, token } = await sentQuote(owner);
    expect(
      (await call('POST', `/q/${token}/sign`, { body: { name: 'Jeanne Dupont', consent: true } })).status,
    ).toBe(200);
    const signed = await sealedQuote(quote.id);
    const hash = String(signed?.documentHash);
    // Signed "before": no stored PDF, no sealed copy recorded.
    await forgetDocument(hash);
    await forgetDocument(String(signed?.signedCopyHash));
    await db.send(
      new UpdateCommand({
        TableName: table(),
        Key: keys.quote(quote.dealId, quote.id),
        UpdateExpression: 'REMOVE signedCopyHash',
      }),
    );
    // Never sealed, so "being prepared" (logged as stuck) until the migration seals it.
    expect((await call('GET', `/q/${token}/pdf`)).status).toBe(503);

    const report = await migrateDocuments();

    expect(report.stored).toContain(quote.id);
    expect(report.sealed).toContain(quote.id);
    const copyHash = String((await getQuote(quote.id))?.signedCopyHash);
    const copy = await getDocument(copyHash);
    const original = await getDocument(hash);
    expect(copy?.subarray(0, original?.length).equals(original as Buffer)).toBe(true);
    expect((await call('GET', `/q/${token}/pdf`)).status).toBe(200);
    const verify = await call('GET', `/verify/${copyHash}`, { headers: { accept: 'application/json' } });
    expect(verify.body).toMatchObject({
      issued: true,
      kind: 'signed_copy',
      signedBy: { name: 'Jeanne Dupont' },
    });
    expect((await migrateDocuments()).sealed).not.toContain(quote.id);
  });

  it("stores the seal's certificate chain of a copy sealed before chains were kept", async () => {
    const owner = rep();
    const { quote, token } = await sentQuote(owner);
    await call('POST', `/q/${token}/sign`, { body: { name: 'Jeanne Dupont', consent: true } });
    const signed = await sealedQuote(quote.id);
    const copyHash = String(signed.signedCopyHash);
    const bundleOf = async () => {
      const response = await call('GET', `/quotes/${quote.id}/evidence`, { user: owner });
      expect(response.status).toBe(200);
      return unzipSync(Buffer.from(response.text, 'latin1'));
    };
    // Sealed "before": the copy's record names no chain.
    await db.send(
      new UpdateCommand({
        TableName: table(),
        Key: keys.document(copyHash),
        UpdateExpression: 'REMOVE sealChainHash',
      }),
    );
    const before = await bundleOf();
    const base = `${quote.number}-v1`;
    expect(before['seal-certificate.pem']).toBeUndefined();
    const readme = strFromU8(before['README.txt'] as Uint8Array);
    expect(readme).toContain(`pdfsig -dump ${base}-signed.pdf`);
    expect(readme).toContain(`openssl pkcs7 -inform DER -in ${base}-signed.pdf.sig0 -print_certs`);
    // What the README says to run gives the seal's certificates.
    const dumped = dumpedSealCertificates(before[`${base}-signed.pdf`] as Uint8Array);
    expect(dumped.length).toBeGreaterThan(0);

    const report = await migrateDocuments();

    expect(report.chains).toContain(quote.id);
    const after = await bundleOf();
    const pem = strFromU8(after['seal-certificate.pem'] as Uint8Array);
    expect(pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)?.map(oneLine)).toEqual(
      dumped.map(oneLine),
    );
    expect((await migrateDocuments()).chains).not.toContain(quote.id);
  });
});

/** A PEM block without its line breaks (openssl and our encoder wrap at 64 columns, but be exact). */
const oneLine = (pem: string) => pem.replace(/\s+/g, '');
