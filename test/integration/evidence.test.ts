import { createHash } from 'node:crypto';
import { DeleteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { linkKey } from '#config/link-key';
import { eventHash } from '#domain/chain';
import { sealToken } from '#domain/tokens';
import { pageLabels } from '#render/page';
import { getTemplate } from '#render/templates';
import { quotePdf } from '#services/documents';
import { dealEvents, quoteChain } from '#services/history';
import { db, table } from '#store/client';
import { keys } from '#store/keys';
import { getDocument } from '#store/objects';
import { getQuote } from '#store/quotes';
import { scheduleWork } from '#store/work';
import { call } from '#test/api';
import { rep, sealedQuote, sentQuote } from '#test/fixtures';
import { to, waitForEmails } from '#test/mail';
import { flipByte, pageCount, pdfsig, pdfText, qpdfCheck } from '#test/pdf-tools';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const bytesOf = (text: string) => Buffer.from(text, 'latin1');

async function signedQuote(options: { locale?: 'en' | 'fr' } = {}) {
  const owner = rep();
  const sent = await sentQuote(owner, options);
  const sign = await call('POST', `/q/${sent.token}/sign`, {
    body: { name: 'Jeanne Dupont', consent: true },
  });
  expect(sign.status).toBe(200);
  // notify seals the copy when it reads quote.signed from the stream.
  const quote = await sealedQuote(sent.quote.id);
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
    // Served again, it is the same object: built once, after signing.
    expect(sha256(bytesOf((await call('GET', `/q/${token}/pdf`)).text))).toBe(quote.signedCopyHash);
  });

  it('is reported invalid by pdfsig once one byte changes', async () => {
    const { token } = await signedQuote();
    const copy = bytesOf((await call('GET', `/q/${token}/pdf`)).text);

    const report = pdfsig(flipByte(copy, 300));

    expect(report.valid, report.output).toBe(false);
  });
});

/**
 * Makes a signed quote look as it does between the signature and its seal: no copy recorded. Waits
 * first for notify's signed-copy email, which would otherwise seal it again (as it should).
 */
async function unsealed(quote: { dealId: string; id: string; signedCopyHash?: string }, email: string) {
  await waitForEmails((e) => to(email)(e) && e.attachments.some((a) => a.filename.endsWith('-signed.pdf')));
  await db.send(
    new UpdateCommand({
      TableName: table(),
      Key: keys.quote(quote.dealId, quote.id),
      UpdateExpression: 'REMOVE signedCopyHash',
    }),
  );
  await db.send(new DeleteCommand({ TableName: table(), Key: keys.document(String(quote.signedCopyHash)) }));
}

describe('a signed copy not sealed yet', () => {
  it('is announced on the page, and its PDF link answers 503 with Retry-After in the quote language', async () => {
    const { quote, token, contact } = await signedQuote({ locale: 'fr' });
    await unsealed(quote, contact.email);

    const page = await call('GET', `/q/${token}`);
    const html = await call('GET', `/q/${token}/pdf`);
    const json = await call('GET', `/q/${token}/pdf`, { headers: { accept: 'application/json' } });

    expect(page.status).toBe(200);
    expect(page.text).toContain(pageLabels('fr').copyPendingNote);
    expect(page.text).not.toContain(`href="/q/${token}/pdf"`);
    expect(html.status).toBe(503);
    expect(html.headers['retry-after']).toBe('5');
    expect(html.headers['content-type']).toContain('text/html');
    expect(html.headers['content-security-policy']).toContain("default-src 'none'");
    expect(html.text).toContain('<html lang="fr');
    expect(html.text).toContain(pageLabels('fr').copyPendingTitle);
    expect(json.status).toBe(503);
    expect(json.headers['retry-after']).toBe('5');
    expect(json.body).toEqual({
      error: {
        code: 'signed_copy_pending',
        message: 'the signed copy is being prepared: retry in a few seconds',
      },
    });
  });

  it('is sealed by the signed-copy email when notify could not seal it (a retry by deliver)', async () => {
    const { quote, token, contact } = await signedQuote();
    await unsealed(quote, contact.email);
    const { EMAIL_WORK } = await import('#services/notify');
    await import('#services/email-documents');
    const { runWorkItems } = await import('#services/work');
    const id = `retry-${quote.id}.signed-copy`;
    await scheduleWork(
      {
        id,
        kind: EMAIL_WORK,
        payload: {
          mail: 'signed-copy',
          dealId: quote.dealId,
          quoteId: quote.id,
          cause: `retry-${quote.id}`,
          causeType: 'quote.signed',
          to: { email: 'retry@example.com' },
          sealedToken: sealToken(token, await linkKey()),
        },
      },
      new Date().toISOString(),
    );

    await runWorkItems([id]);

    const resealed = await getQuote(quote.id);
    expect(resealed?.signedCopyHash).toMatch(/^[0-9a-f]{64}$/);
    const [email] = await waitForEmails(to('retry@example.com'));
    const attached = Buffer.from(String(email?.attachments[0]?.content), 'base64');
    expect(sha256(attached)).toBe(resealed?.signedCopyHash);
    expect(pdfsig(attached).valid).toBe(true);
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
