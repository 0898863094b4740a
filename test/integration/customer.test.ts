import { ulid } from 'ulid';
import { describe, expect, it } from 'vitest';
import { canonicalSignature } from '#domain/signature';
import { Quote } from '#schemas/quotes';
import { expireQuotes } from '#services/expiry';
import { type CallOptions, call, users } from '#test/api';
import { backdateQuote, quotableDeal, rep, sealedQuote, sentQuote } from '#test/fixtures';
import { emails, to, waitForEmails } from '#test/mail';
import { hostileSignatures, SIGNATURE } from '#test/signature';

const timelineOf = async (owner: CallOptions, dealId: string) =>
  (await call('GET', `/deals/${dealId}/timeline`, owner)).body.items as {
    type: string;
    data: Record<string, unknown>;
    actor: { type: string };
  }[];

describe('signing', () => {
  it('signs with evidence, wins the deal, and emails the signed copy and the rep', async () => {
    // Arrange
    const owner = rep();
    const { deal, quote, token, contact } = await sentQuote(owner);
    const page = await call('GET', `/q/${token}`);
    expect(page.status).toBe(200);
    // The page reports that a person sees it.
    const seen = await call('POST', `/q/${token}/view`, { headers: { 'sec-fetch-site': 'same-origin' } });
    expect(seen.status).toBe(204);

    // Act
    const res = await call('POST', `/q/${token}/sign`, {
      body: { name: 'Jeanne Dupont', email: contact.email, signature: SIGNATURE, consent: true },
      headers: { 'user-agent': 'vitest' },
    });

    // Assert
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'signed',
      number: quote.number,
      version: 1,
      pdfUrl: `/q/${token}/pdf`,
    });
    const signed = (await call('GET', `/quotes/${quote.id}`, { user: owner })).body;
    expect(Quote.safeParse(signed).success).toBe(true);
    expect(signed.signature).toMatchObject({
      name: 'Jeanne Dupont',
      email: contact.email,
      image: canonicalSignature(SIGNATURE),
      method: 'drawn',
      consent: true,
      ip: '127.0.0.1',
      userAgent: 'vitest',
      documentHash: signed.documentHash,
    });
    expect(signed.signedAt).toBe(signed.signature.at);
    const wonDeal = (await call('GET', `/deals/${deal.id}`, { user: owner })).body;
    expect(wonDeal).toMatchObject({ stageId: 'closed-won', status: 'won' });
    expect(wonDeal.closedAt).toEqual(expect.any(String));
    const types = (await timelineOf({ user: owner }, deal.id)).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['quote.signed', 'quote.viewed', 'deal.stage_changed']));

    const [copy] = await waitForEmails(to(contact.email));
    expect(copy?.attachments.map((a) => a.filename)).toEqual([`${quote.number}-v1-signed.pdf`]);
    const [notice] = await waitForEmails(to(owner.email));
    expect(notice?.subject).toContain(quote.number);
    // The answer waits for the sealed copy; the first signature of a process also loads the seal code.
  }, 60_000);

  it('serves the signed copy as the PDF once signed, and the original hash still matches the quote PDF', async () => {
    const owner = rep();
    const { quote, token } = await sentQuote(owner);
    const before = await call('GET', `/q/${token}/pdf`);
    await call('POST', `/q/${token}/sign`, { body: { name: 'Typed Signer', consent: true } });
    await sealedQuote(quote.id);
    const after = await call('GET', `/q/${token}/pdf`);
    const repPdf = await call('GET', `/quotes/${quote.id}/pdf`, { user: owner });

    expect(before.headers['content-disposition']).toContain(`${quote.number}-v1.pdf`);
    expect(after.headers['content-disposition']).toContain(`${quote.number}-v1-signed.pdf`);
    expect(after.headers['cache-control']).toBe('no-store');
    expect(repPdf.text).toBe(before.text);
    const { createHash } = await import('node:crypto');
    const signed = (await call('GET', `/quotes/${quote.id}`, { user: owner })).body;
    expect(createHash('sha256').update(Buffer.from(before.text, 'latin1')).digest('hex')).toBe(
      signed.signature.documentHash,
    );
    expect(signed.signature.method).toBe('typed');
  });

  it('answers a retried identical sign with the same result and sends no second email', async () => {
    const owner = rep();
    const { token, contact, deal } = await sentQuote(owner);
    const body = { name: 'Jeanne Dupont', email: contact.email, consent: true };
    const first = await call('POST', `/q/${token}/sign`, { body });
    const second = await call('POST', `/q/${token}/sign`, { body });
    const other = await call('POST', `/q/${token}/sign`, { body: { ...body, name: 'Someone Else' } });

    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);
    expect(other.status).toBe(409);
    await waitForEmails(to(contact.email));
    await new Promise((r) => setTimeout(r, 1500));
    expect((await emails()).filter(to(contact.email))).toHaveLength(1);
    expect(
      (await timelineOf({ user: owner }, deal.id)).filter((e) => e.type === 'quote.signed'),
    ).toHaveLength(1);
  });

  it('lets exactly one of 50 concurrent sign and decline requests win', async () => {
    const owner = rep();
    const { token, quote, deal, contact } = await sentQuote(owner);

    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        i % 2 === 0
          ? call('POST', `/q/${token}/sign`, {
              body: { name: `Signer ${i}`, consent: true, email: contact.email },
            })
          : call('POST', `/q/${token}/decline`, { body: { reason: 'price', message: `no ${i}` } }),
      ),
    );

    const ok = results.filter((r) => r.status === 200);
    expect(ok).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(49);
    const final = (await call('GET', `/quotes/${quote.id}`, { user: owner })).body;
    expect(final.status).toBe(ok[0]?.body.status);
    const timeline = await timelineOf({ user: owner }, deal.id);
    expect(timeline.filter((e) => e.type === 'quote.signed' || e.type === 'quote.declined')).toHaveLength(1);
    expect(
      timeline.filter((e) => e.type === 'deal.stage_changed' && e.actor.type === 'customer'),
    ).toHaveLength(1);
    await waitForEmails(to(owner.email));
    await new Promise((r) => setTimeout(r, 1500));
    expect((await emails()).filter(to(owner.email))).toHaveLength(1);
  });
});

describe('notices', () => {
  it('reach the rep who sent the quote when the owner never signed in', async () => {
    const manager = { ...rep('manager'), manager: true };
    const absent = rep('absent');
    const { deal } = await quotableDeal(manager);
    await call('PATCH', `/deals/${deal.id}`, { user: manager, body: { ownerId: absent.id } });
    const quote = (await call('POST', `/deals/${deal.id}/quotes`, { user: manager, body: {} })).body;
    const sent = await call('POST', `/quotes/${quote.id}/send`, { user: manager, body: { channel: 'link' } });
    const token = String(sent.body.url).split('/q/')[1];

    await call('POST', `/q/${token}/decline`, { body: { reason: 'timing' } });

    const [notice] = await waitForEmails(to(manager.email));
    expect(notice?.subject).toContain(quote.number);
    expect((await call('GET', `/quotes/${quote.id}`, { user: manager })).body.sentBy).toEqual({
      id: manager.id,
      name: manager.name,
      email: manager.email,
    });
  });
});

describe('requesting changes', () => {
  it('records the message, keeps the deal open and notifies the rep; the revision replaces the link', async () => {
    const owner = rep();
    const { token, quote, deal } = await sentQuote(owner);

    const res = await call('POST', `/q/${token}/changes`, {
      body: { message: 'Could you add <b>two</b> seats?' },
    });

    expect(res.status).toBe(200);
    expect(res.body.status).toBe('changes_requested');
    const after = (await call('GET', `/quotes/${quote.id}`, { user: owner })).body;
    expect(after.changeRequests).toEqual([
      { at: expect.any(String), message: 'Could you add <b>two</b> seats?' },
    ]);
    expect((await call('GET', `/deals/${deal.id}`, { user: owner })).body.status).toBe('open');
    const event = (await timelineOf({ user: owner }, deal.id)).find(
      (e) => e.type === 'quote.changes_requested',
    );
    expect(event?.data.message).toBe('Could you add <b>two</b> seats?');
    const [notice] = await waitForEmails(to(owner.email));
    expect(notice?.body.html).not.toContain('<b>two</b>');
    expect(notice?.body.html).toContain('&lt;b&gt;two&lt;/b&gt;');

    const v2 = (await call('POST', `/quotes/${quote.id}/revise`, { user: owner })).body;
    const sent = await call('POST', `/quotes/${v2.id}/send`, { user: owner, body: { channel: 'link' } });
    const newToken = String(sent.body.url).split('/q/')[1];
    expect((await call('POST', `/q/${token}/sign`, { body: { name: 'Old', consent: true } })).status).toBe(
      409,
    );
    expect((await call('POST', `/q/${newToken}/sign`, { body: { name: 'New', consent: true } })).status).toBe(
      200,
    );
  });

  it('refuses an empty or too long message', async () => {
    const owner = rep();
    const { token, quote } = await sentQuote(owner);
    expect((await call('POST', `/q/${token}/changes`, { body: { message: '  ' } })).status).toBe(422);
    expect((await call('POST', `/q/${token}/changes`, { body: { message: 'x'.repeat(5001) } })).status).toBe(
      422,
    );
    expect((await call('GET', `/quotes/${quote.id}`, { user: owner })).body.status).toBe('sent');
  });
});

describe('declining', () => {
  it('declines with a reason from the list and loses the deal with it', async () => {
    const owner = rep();
    const { token, deal } = await sentQuote(owner);
    const bad = await call('POST', `/q/${token}/decline`, { body: { reason: 'because' } });
    const res = await call('POST', `/q/${token}/decline`, {
      body: { reason: 'competitor', message: 'Went with Globex' },
    });

    expect(bad.status).toBe(422);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('declined');
    const lost = (await call('GET', `/deals/${deal.id}`, { user: owner })).body;
    expect(lost).toMatchObject({ status: 'lost', stageId: 'closed-lost', lossReason: 'competitor' });
    await waitForEmails(to(owner.email));
    expect((await call('POST', `/q/${token}/changes`, { body: { message: 'wait' } })).status).toBe(409);
  });
});

describe('expiry', () => {
  it('refuses actions past the validity date with 410, even before the job ran', async () => {
    const owner = rep();
    const { token, deal, quote } = await sentQuote(owner);
    await backdateQuote(deal.id, quote.id);
    const res = await call('POST', `/q/${token}/sign`, { body: { name: 'Late', consent: true } });
    expect(res.status).toBe(410);
    expect((await call('GET', `/quotes/${quote.id}`, { user: owner })).body.status).toBe('sent');
  });

  it('expires overdue quotes through the sparse index, moves the deal, and does nothing the second time', async () => {
    const pipeline = await call('POST', '/pipelines', {
      user: users.maya,
      body: {
        name: `Expiring ${ulid()}`,
        stages: [
          { name: 'Open', probability: 30, kind: 'open' },
          { name: 'Won', probability: 100, kind: 'won' },
          { name: 'Lost', probability: 0, kind: 'lost' },
          { name: 'Stale', probability: 10, kind: 'open' },
        ],
        onQuoteExpired: 'stale',
      },
    });
    const owner = rep();
    const { deal, quote } = await sentQuote(owner, { pipelineId: pipeline.body.id });
    await backdateQuote(deal.id, quote.id);

    await expireQuotes();
    await expireQuotes();

    expect((await call('GET', `/quotes/${quote.id}`, { user: owner })).body.status).toBe('expired');
    expect((await call('GET', `/deals/${deal.id}`, { user: owner })).body.stageId).toBe('stale');
    const timeline = await timelineOf({ user: owner }, deal.id);
    expect(timeline.filter((e) => e.type === 'quote.expired')).toHaveLength(1);
    const [notice] = await waitForEmails(to(owner.email));
    expect(notice?.subject).toContain(quote.number);
  });
});

describe('the public surface', () => {
  it('answers 404 to unknown and malformed tokens', async () => {
    const unknown = await call('POST', `/q/${'A'.repeat(43)}/sign`, { body: { name: 'x', consent: true } });
    const malformed = await call('POST', '/q/not-a-token/decline', { body: { reason: 'price' } });
    expect(unknown.status).toBe(404);
    expect(malformed.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');
  });

  it('refuses cross-site posts and changes nothing', async () => {
    const owner = rep();
    const { token, quote } = await sentQuote(owner);
    const fetchMeta = await call('POST', `/q/${token}/sign`, {
      body: { name: 'x', consent: true },
      headers: { 'sec-fetch-site': 'cross-site' },
    });
    const origin = await call('POST', `/q/${token}/decline`, {
      body: { reason: 'price' },
      headers: { origin: 'https://evil.example' },
    });
    const same = await call('POST', `/q/${token}/changes`, {
      body: { message: 'ok' },
      headers: { 'sec-fetch-site': 'same-origin' },
    });
    expect(fetchMeta.status).toBe(403);
    expect(origin.status).toBe(403);
    expect(same.status).toBe(200);
    expect((await call('GET', `/quotes/${quote.id}`, { user: owner })).body.status).toBe('changes_requested');
  });

  it('refuses oversized bodies, bad signature images and missing consent', async () => {
    const owner = rep();
    const { token, quote } = await sentQuote(owner);
    const big = await call('POST', `/q/${token}/changes`, {
      raw: JSON.stringify({ message: 'x'.repeat(1024 * 1024) }),
      headers: { 'content-type': 'application/json' },
    });
    const notPng = await call('POST', `/q/${token}/sign`, {
      body: { name: 'x', consent: true, signature: 'data:image/jpeg;base64,AAAA' },
    });
    const hugeImage = await call('POST', `/q/${token}/sign`, {
      body: { name: 'x', consent: true, signature: `data:image/png;base64,${'A'.repeat(800 * 1024)}` },
    });
    const noConsent = await call('POST', `/q/${token}/sign`, { body: { name: 'x', consent: false } });

    expect(big.status).toBe(413);
    expect([notPng.status, hugeImage.status, noConsent.status]).toEqual([422, 422, 422]);
    expect((await call('GET', `/quotes/${quote.id}`, { user: owner })).body.status).toBe('sent');
  });

  it('decodes drawn signatures whole and refuses every hostile image with 422, changing nothing', async () => {
    // Arrange
    const owner = rep();
    const { token, quote, deal } = await sentQuote(owner);
    const before = await timelineOf({ user: owner }, deal.id);

    for (const [name, signature] of Object.entries(hostileSignatures())) {
      // Act
      const res = await call('POST', `/q/${token}/sign`, {
        body: { name: 'Jeanne', consent: true, signature },
      });

      // Assert
      expect(res.status, name).toBe(422);
      expect(res.body.error.code, name).toBe('validation_failed');
      expect(res.body.error.details, name).toEqual([{ path: 'body.signature', message: expect.any(String) }]);
    }
    expect((await call('GET', `/quotes/${quote.id}`, { user: owner })).body.status).toBe('sent');
    expect(await timelineOf({ user: owner }, deal.id)).toEqual(before);
  });

  it('stores its own re-encoding of a drawn signature, and a replayed request is the same signature', async () => {
    // Arrange: the good signature with an extra text chunk a client might add.
    const owner = rep();
    const { token, quote } = await sentQuote(owner);
    const bytes = Buffer.from(SIGNATURE.split(',')[1] ?? '', 'base64');
    const { chunk } = await import('#test/signature');
    const withText = Buffer.concat([
      bytes.subarray(0, 33),
      chunk('tEXt', Buffer.from('Comment\0hello')),
      bytes.subarray(33),
    ]);
    const body = {
      name: 'Jeanne',
      consent: true,
      signature: `data:image/png;base64,${withText.toString('base64')}`,
    };

    // Act
    const first = await call('POST', `/q/${token}/sign`, { body });
    const again = await call('POST', `/q/${token}/sign`, { body });

    // Assert
    expect([first.status, again.status]).toEqual([200, 200]);
    const stored = (await call('GET', `/quotes/${quote.id}`, { user: owner })).body.signature.image as string;
    expect(stored).toBe(canonicalSignature(body.signature));
    expect(Buffer.from(stored.split(',')[1] ?? '', 'base64').includes(Buffer.from('tEXt'))).toBe(false);
  });

  it('sets the security headers on every public answer, errors included', async () => {
    const owner = rep();
    const { token } = await sentQuote(owner);
    for (const res of [
      await call('GET', `/q/${token}`),
      await call('POST', `/q/${token}/sign`, { body: { name: '' } }),
      await call('GET', `/q/${'B'.repeat(43)}`),
    ]) {
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['x-robots-tag']).toContain('noindex');
    }
    const page = await call('GET', `/q/${token}`);
    expect(page.headers['content-security-policy']).toMatch(/script-src 'nonce-[^']+'/);
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  });

  it('refuses every action on a withdrawn quote', async () => {
    const owner = rep();
    const { token, quote } = await sentQuote(owner);
    await call('POST', `/quotes/${quote.id}/withdraw`, { user: owner });
    expect((await call('POST', `/q/${token}/sign`, { body: { name: 'x', consent: true } })).status).toBe(409);
    expect((await call('POST', `/q/${token}/decline`, { body: { reason: 'price' } })).status).toBe(409);
  });
});
