import { describe, expect, it } from 'vitest';
import { computeTotals } from '#domain/money';
import { hashToken } from '#domain/tokens';
import { Quote } from '#schemas/quotes';
import { getLink } from '#store/quotes';
import { call, users } from '#test/api';
import { quotableDeal, rep } from '#test/fixtures';

describe('quotes', () => {
  it('creates a draft that freezes the deal and numbers it Q-<year>-<n>', async () => {
    const owner = rep();
    const { deal, contact, company } = await quotableDeal(owner, { locale: 'fr' });

    const res = await call('POST', `/deals/${deal.id}/quotes`, { user: owner, body: {} });

    expect(res.status).toBe(201);
    expect(Quote.safeParse(res.body).success).toBe(true);
    const year = new Date().getUTCFullYear();
    expect(res.body.number).toMatch(new RegExp(`^Q-${year}-\\d{4,}$`));
    expect(res.body).toMatchObject({
      dealId: deal.id,
      version: 1,
      status: 'draft',
      templateId: 'classic',
      locale: 'fr',
      currency: 'EUR',
      recipient: { name: contact.name, email: contact.email },
      client: { name: contact.name, companyName: company.name, vatNumber: 'FR12345678901' },
      totals: computeTotals(deal.lines, deal.discountPercent),
    });
    expect(res.body.intro).toEqual(expect.any(String));
    expect(res.body.terms).toEqual(expect.any(String));
    const in30 = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    expect(res.body.validUntil).toBe(in30);
  });

  it('never changes a sent quote when the deal is edited', async () => {
    const owner = rep();
    const { deal } = await quotableDeal(owner);
    const quote = (await call('POST', `/deals/${deal.id}/quotes`, { user: owner, body: {} })).body;
    await call('POST', `/quotes/${quote.id}/send`, { user: owner, body: { channel: 'link' } });

    await call('PUT', `/deals/${deal.id}/lines`, {
      user: owner,
      body: [{ name: 'Other', quantity: 1, unitPrice: 1, taxRate: 0 }],
    });

    const after = (await call('GET', `/quotes/${quote.id}`, { user: owner })).body;
    expect(after.lines).toEqual(quote.lines);
    expect(after.totals).toEqual(quote.totals);
  });

  it('sends by link: a capability URL whose token resolves to the quote, only its hash stored', async () => {
    const owner = rep();
    const { deal } = await quotableDeal(owner);
    const quote = (await call('POST', `/deals/${deal.id}/quotes`, { user: owner, body: {} })).body;

    const res = await call('POST', `/quotes/${quote.id}/send`, { user: owner, body: { channel: 'link' } });

    expect(res.status).toBe(200);
    expect(res.body.status).toBe('sent');
    const token = res.body.url.split('/q/')[1];
    expect(res.body.url).toBe(`http://localhost:3000/q/${token}`);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await getLink(hashToken(token))).toEqual({ quoteId: quote.id, dealId: deal.id });
    const sent = (await call('GET', `/quotes/${quote.id}`, { user: owner })).body;
    expect(sent.status).toBe('sent');
    expect(sent.sentAt).toEqual(expect.any(String));
    expect(sent.documentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(sent.seller.name).toEqual(expect.any(String));
    expect(JSON.stringify(sent)).not.toContain(token);
    const movedDeal = (await call('GET', `/deals/${deal.id}`, { user: owner })).body;
    expect(movedDeal.stageId).toBe('contract-sent');
    const timeline = (await call('GET', `/deals/${deal.id}/timeline`, { user: owner })).body.items;
    expect(timeline.map((e: { type: string }) => e.type).slice(0, 3)).toEqual(
      expect.arrayContaining(['quote.sent', 'deal.stage_changed']),
    );
    expect(JSON.stringify(timeline)).not.toContain(token);
  });

  it('serves a deterministic PDF whose hash is the one recorded at sending', async () => {
    const owner = rep();
    const { deal } = await quotableDeal(owner);
    const quote = (await call('POST', `/deals/${deal.id}/quotes`, { user: owner, body: {} })).body;
    await call('POST', `/quotes/${quote.id}/send`, { user: owner, body: { channel: 'link' } });
    const sent = (await call('GET', `/quotes/${quote.id}`, { user: owner })).body;

    const first = await call('GET', `/quotes/${quote.id}/pdf`, { user: owner });
    const second = await call('GET', `/quotes/${quote.id}/pdf`, { user: owner });

    expect(first.status).toBe(200);
    expect(first.headers['content-type']).toBe('application/pdf');
    expect(first.headers['content-disposition']).toBe(`attachment; filename="${quote.number}-v1.pdf"`);
    const bytes = Buffer.from(first.text, 'latin1');
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    expect(first.text).toBe(second.text);
    const { createHash } = await import('node:crypto');
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(sent.documentHash);
  });

  it('previews the HTML the customer will see, with user data escaped', async () => {
    const owner = rep();
    const { deal } = await quotableDeal(owner, { contactName: '<script>alert(1)</script>' });
    const quote = (
      await call('POST', `/deals/${deal.id}/quotes`, {
        user: owner,
        body: { intro: '"><img src=x onerror=alert(1)>' },
      })
    ).body;

    const res = await call('GET', `/quotes/${quote.id}/preview`, { user: owner });

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.text).toContain(quote.number);
    expect(res.text).not.toContain('<script>alert(1)</script>');
    expect(res.text).not.toContain('<img src=x');
    expect(res.text).toContain('&lt;script&gt;');
  });

  it('revises a sent quote into version 2 with the same number and the current lines', async () => {
    const owner = rep();
    const { deal } = await quotableDeal(owner);
    const v1 = (await call('POST', `/deals/${deal.id}/quotes`, { user: owner, body: {} })).body;
    const draftRevise = await call('POST', `/quotes/${v1.id}/revise`, { user: owner });
    await call('POST', `/quotes/${v1.id}/send`, { user: owner, body: { channel: 'link' } });
    await call('PUT', `/deals/${deal.id}/lines`, {
      user: owner,
      body: [{ name: 'Revised', quantity: 1, unitPrice: 99_900, taxRate: 20 }],
    });

    const v2 = await call('POST', `/quotes/${v1.id}/revise`, { user: owner });

    expect(draftRevise.status).toBe(409);
    expect(v2.status).toBe(201);
    expect(v2.body).toMatchObject({ number: v1.number, version: 2, status: 'draft' });
    expect(v2.body.lines.map((l: { name: string }) => l.name)).toEqual(['Revised']);
    expect((await call('GET', `/quotes/${v1.id}`, { user: owner })).body.status).toBe('superseded');
    const again = await call('POST', `/quotes/${v1.id}/revise`, { user: owner });
    expect(again.status).toBe(409);
    expect(again.body.error.details).toEqual({ status: 'superseded' });
    const list = (await call('GET', `/deals/${deal.id}/quotes`, { user: owner })).body.items;
    expect(list.map((q: { version: number }) => q.version)).toEqual([2, 1]);
  });

  it('withdraws a sent quote, and refuses to withdraw a draft or twice', async () => {
    const owner = rep();
    const { deal } = await quotableDeal(owner);
    const quote = (await call('POST', `/deals/${deal.id}/quotes`, { user: owner, body: {} })).body;
    const draft = await call('POST', `/quotes/${quote.id}/withdraw`, { user: owner });
    await call('POST', `/quotes/${quote.id}/send`, { user: owner, body: { channel: 'link' } });

    const first = await call('POST', `/quotes/${quote.id}/withdraw`, { user: owner });
    const second = await call('POST', `/quotes/${quote.id}/withdraw`, { user: owner });
    const resend = await call('POST', `/quotes/${quote.id}/send`, { user: owner, body: { channel: 'link' } });

    expect(draft.status).toBe(409);
    expect(first.status).toBe(200);
    expect(first.body.status).toBe('withdrawn');
    expect(second.status).toBe(409);
    expect(resend.status).toBe(409);
  });

  it('gives 20 concurrent quote creations 20 distinct numbers', async () => {
    const owner = rep();
    const { deal } = await quotableDeal(owner);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => call('POST', `/deals/${deal.id}/quotes`, { user: owner, body: {} })),
    );
    expect(results.map((r) => r.status)).toEqual(results.map(() => 201));
    expect(new Set(results.map((r) => r.body.number)).size).toBe(20);
  });

  it('answers 404 to a rep who is neither owner, observer nor manager', async () => {
    const owner = rep();
    const stranger = rep('stranger');
    const { deal } = await quotableDeal(owner);
    const quote = (await call('POST', `/deals/${deal.id}/quotes`, { user: owner, body: {} })).body;

    const attempts = await Promise.all([
      call('POST', `/deals/${deal.id}/quotes`, { user: stranger, body: {} }),
      call('GET', `/quotes/${quote.id}`, { user: stranger }),
      call('GET', `/quotes/${quote.id}/pdf`, { user: stranger }),
      call('GET', `/quotes/${quote.id}/preview`, { user: stranger }),
      call('POST', `/quotes/${quote.id}/send`, { user: stranger, body: { channel: 'link' } }),
      call('POST', `/quotes/${quote.id}/revise`, { user: stranger }),
      call('POST', `/quotes/${quote.id}/withdraw`, { user: stranger }),
    ]);

    expect(attempts.map((a) => a.status)).toEqual(attempts.map(() => 404));
    expect((await call('GET', `/quotes/${quote.id}`, { user: users.maya })).status).toBe(200);
  });

  it('refuses a deal without lines, an unknown template and a past validity date', async () => {
    const owner = rep();
    const empty = (await call('POST', '/deals', { user: owner, body: { name: 'Empty' } })).body;
    const { deal } = await quotableDeal(owner);
    const noLines = await call('POST', `/deals/${empty.id}/quotes`, {
      user: owner,
      body: { recipient: { name: 'A', email: 'a@example.com' } },
    });
    const badTemplate = await call('POST', `/deals/${deal.id}/quotes`, {
      user: owner,
      body: { templateId: 'nope' },
    });
    const past = await call('POST', `/deals/${deal.id}/quotes`, {
      user: owner,
      body: { validUntil: '2020-01-01' },
    });
    expect([noLines.status, badTemplate.status, past.status]).toEqual([422, 422, 422]);
    expect((await call('GET', `/deals/${deal.id}/quotes`, { user: owner })).body.items).toEqual([]);
  });

  it('lists the templates', async () => {
    const res = await call('GET', '/templates', { user: users.alice });
    expect(res.body.items.map((t: { id: string }) => t.id)).toEqual(
      expect.arrayContaining(['classic', 'modern']),
    );
  });
});
