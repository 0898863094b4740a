import { DeleteObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DeleteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { migrateDocuments } from '#services/migrate-documents';
import { db, table } from '#store/client';
import { keys } from '#store/keys';
import { documentKey, getDocument } from '#store/objects';
import { getQuote } from '#store/quotes';
import { call } from '#test/api';
import { rep, sentQuote } from '#test/fixtures';

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
    const signed = await getQuote(quote.id);
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
    expect((await call('GET', `/q/${token}/pdf`)).status).toBe(500);

    const report = await migrateDocuments();

    expect(report.stored).toContain(quote.id);
    expect(report.sealed).toContain(quote.id);
    const copyHash = String((await getQuote(quote.id))?.signedCopyHash);
    const copy = await getDocument(copyHash);
    const original = await getDocument(hash);
    expect(copy?.subarray(0, original?.length).equals(original as Buffer)).toBe(true);
    const verify = await call('GET', `/verify/${copyHash}`, { headers: { accept: 'application/json' } });
    expect(verify.body).toMatchObject({
      issued: true,
      kind: 'signed_copy',
      signedBy: { name: 'Jeanne Dupont' },
    });
    expect((await migrateDocuments()).sealed).not.toContain(quote.id);
  });
});
