import { DeleteObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { migrateDocuments } from '#services/migrate-documents';
import { db, table } from '#store/client';
import { keys } from '#store/keys';
import { documentKey, getDocument } from '#store/objects';
import { getQuote } from '#store/quotes';
import { call } from '#test/api';
import { rep, sentQuote } from '#test/fixtures';

describe('document migration', () => {
  it('stores the PDF of a quote sent before documents were kept, once, under its recorded hash', async () => {
    const owner = rep();
    const { quote, token } = await sentQuote(owner);
    const hash = String((await getQuote(quote.id))?.documentHash);
    // A quote "from before": its hash recorded, no object and no lookup.
    const s3 = new S3Client({
      endpoint: process.env.S3_ENDPOINT,
      forcePathStyle: true,
      region: 'local',
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    await s3.send(new DeleteObjectCommand({ Bucket: process.env.DOCUMENTS_BUCKET, Key: documentKey(hash) }));
    await db.send(new DeleteCommand({ TableName: table(), Key: keys.document(hash) }));
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
});
