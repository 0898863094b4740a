import { createHash } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { eventHash } from '#domain/chain';
import { getTemplate } from '#render/templates';
import { quotePdf } from '#services/documents';
import { dealEvents, quoteChain } from '#services/history';
import { db, table } from '#store/client';
import { keys } from '#store/keys';
import { getDocument } from '#store/objects';
import { getQuote } from '#store/quotes';
import { call } from '#test/api';
import { rep, sentQuote } from '#test/fixtures';
import { flipByte, pageCount, pdfsig, pdfText, qpdfCheck } from '#test/pdf-tools';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const bytesOf = (text: string) => Buffer.from(text, 'latin1');

async function signedQuote() {
  const owner = rep();
  const sent = await sentQuote(owner);
  const sign = await call('POST', `/q/${sent.token}/sign`, {
    body: { name: 'Jeanne Dupont', consent: true },
  });
  expect(sign.status).toBe(200);
  const quote = await getQuote(sent.quote.id);
  if (!quote) throw new Error('quote vanished');
  return { ...sent, owner, quote };
}

describe('stored documents', () => {
  it('stores the PDF when sending, under the documentHash it records', async () => {
    const owner = rep();
    const { quote } = await sentQuote(owner);

    const stored = await getQuote(quote.id);

    expect(stored?.documentHash).toMatch(/^[0-9a-f]{64}$/);
    const object = await getDocument(String(stored?.documentHash));
    expect(object).toBeDefined();
    expect(sha256(object as Buffer)).toBe(stored?.documentHash);
  });

  it('serves the stored bytes on every PDF route, every time', async () => {
    const owner = rep();
    const { quote, token } = await sentQuote(owner);
    const stored = (await getDocument(String((await getQuote(quote.id))?.documentHash))) as Buffer;

    const responses = [
      await call('GET', `/quotes/${quote.id}/pdf`, { user: owner }),
      await call('GET', `/quotes/${quote.id}/pdf`, { user: owner }),
      await call('GET', `/q/${token}/pdf`),
      await call('GET', `/q/${token}/pdf`),
    ];

    for (const response of responses) {
      expect(response.status).toBe(200);
      expect(Buffer.compare(bytesOf(response.text), stored)).toBe(0);
    }
  });

  it('keeps serving what was sent after the template changes', async () => {
    const owner = rep();
    const { quote, token } = await sentQuote(owner);
    const sent = (await getQuote(quote.id)) as NonNullable<Awaited<ReturnType<typeof getQuote>>>;
    const template = getTemplate(sent.templateId);
    const primary = template.colors.primary;
    try {
      template.colors.primary = primary === '#aa0000' ? '#00aa00' : '#aa0000';
      // A render today would differ from what the customer was sent...
      expect(sha256(await quotePdf(sent))).not.toBe(sent.documentHash);

      const customer = await call('GET', `/q/${token}/pdf`);
      const repCopy = await call('GET', `/quotes/${quote.id}/pdf`, { user: owner });

      // ...but every route serves the stored bytes, and signing still matches them.
      expect(sha256(bytesOf(customer.text))).toBe(sent.documentHash);
      expect(sha256(bytesOf(repCopy.text))).toBe(sent.documentHash);
      const sign = await call('POST', `/q/${token}/sign`, {
        body: { name: 'Jeanne Dupont', consent: true, documentHash: sent.documentHash },
      });
      expect(sign.status).toBe(200);
    } finally {
      template.colors.primary = primary;
    }
  });
});

describe('the sealed signed copy', () => {
  it('keeps the stored pages as a prefix, adds the certificate page and a seal pdfsig validates', async () => {
    const { quote, token } = await signedQuote();
    const original = (await getDocument(String(quote.documentHash))) as Buffer;

    const response = await call('GET', `/q/${token}/pdf`);
    const copy = bytesOf(response.text);

    expect(quote.signedCopyHash).toBe(sha256(copy));
    expect(Buffer.compare(copy.subarray(0, original.length), original)).toBe(0);
    expect(pageCount(copy)).toBe(pageCount(original) + 1);
    const report = pdfsig(copy);
    expect(report.valid, report.output).toBe(true);
    expect(report.wholeDocument, report.output).toBe(true);
    expect(report.signatureType).toBe('ETSI.CAdES.detached');
    expect(qpdfCheck(copy).ok).toBe(true);
    const text = pdfText(copy);
    expect(text).toContain('Jeanne Dupont');
    expect(text).toContain(String(quote.documentHash));
    expect(text).toContain(String(quote.chainHead));
    expect(text).toContain(`/verify/${quote.documentHash}`);
    // Served again, it is the same object: built once, at signing.
    expect(sha256(bytesOf((await call('GET', `/q/${token}/pdf`)).text))).toBe(quote.signedCopyHash);
  });

  it('is reported invalid by pdfsig once one byte changes', async () => {
    const { token } = await signedQuote();
    const copy = bytesOf((await call('GET', `/q/${token}/pdf`)).text);

    const report = pdfsig(flipByte(copy, 300));

    expect(report.valid, report.output).toBe(false);
  });
});

describe('the event hash chain', () => {
  it('chains every quote event from quote.created and catches an altered stored event', async () => {
    const { quote } = await signedQuote();
    const events = await dealEvents(quote.dealId);
    const report = quoteChain(quote, events);
    expect(report).toMatchObject({ valid: true, head: quote.chainHead });
    expect(report.length).toBe(3); // created, sent, signed
    const created = events.find((e) => e.type === 'quote.created' && e.data.quoteId === quote.id);
    expect(created?.data.prevHash).toBeNull();
    const sent = events.find((e) => e.type === 'quote.sent' && e.data.quoteId === quote.id);
    expect(sent?.data.prevHash).toBe(eventHash(created as never));

    // Someone with table access rewrites history: the sending time moves.
    await db.send(
      new UpdateCommand({
        TableName: table(),
        Key: keys.event(quote.dealId, String(sent?.id)),
        UpdateExpression: 'SET #at = :at',
        ExpressionAttributeNames: { '#at': 'at' },
        ExpressionAttributeValues: { ':at': '2020-01-01T00:00:00.000Z' },
      }),
    );

    const altered = quoteChain(quote, await dealEvents(quote.dealId));
    expect(altered.valid).toBe(false);
    // The altered event still links to its predecessor, but its successor no longer links to it.
    expect(altered.problem?.eventId).toBe(sent?.id);
  });
});
