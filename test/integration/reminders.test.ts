import { describe, expect, it } from 'vitest';
import type { User } from '#contracts/actor';
import { validityEndsAt } from '#domain/quotes';
import { localDate } from '#domain/zoned';
import type { Quote } from '#schemas/quotes';
import { expireQuotes } from '#services/expiry';
import { runDueReminders } from '#services/reminders';
import { getQuoteAt, saveQuote } from '#store/quotes';
import { call } from '#test/api';
import { quotableDeal, rep } from '#test/fixtures';
import { emails, to, waitForEmails } from '#test/mail';

/**
 * The reminders job under a fake clock: the quote's sending time is set to a known day (through the
 * store, so its next reminder is derived as on any write) and the job runs at chosen instants.
 */

async function sendQuote(owner: User, body: Record<string, unknown> = {}, locale: 'en' | 'fr' = 'en') {
  const { deal, contact } = await quotableDeal(owner, { locale });
  const quote = (await call('POST', `/deals/${deal.id}/quotes`, { user: owner, body: {} })).body;
  const sent = await call('POST', `/quotes/${quote.id}/send`, {
    user: owner,
    body: { channel: 'email', ...body },
  });
  expect(sent.status).toBe(200);
  await waitForEmails(to(contact.email));
  return { deal, contact, quote, token: String(sent.body.url).split('/q/')[1] ?? '' };
}

/** Rewrites the quote (sending time, validity, time zone) through the store. */
async function setQuote(dealId: string, quoteId: string, patch: Partial<Quote>) {
  const before = (await getQuoteAt(dealId, quoteId)) as Quote;
  await saveQuote({ before, after: { ...before, ...patch }, events: [] });
  return (await getQuoteAt(dealId, quoteId)) as Quote;
}

const timeline = async (owner: User, dealId: string) =>
  (await call('GET', `/deals/${dealId}/timeline`, { user: owner, query: { limit: '200' } })).body.items as {
    type: string;
    data: Record<string, unknown>;
  }[];

const run = (now: string, quoteId: string) => runDueReminders({ now, onlyQuotes: [quoteId] });
const DAY = 86_400_000;
const parisDate = (ms: number) => localDate(new Date(ms).toISOString(), 'Europe/Paris');

describe('automatic reminders', () => {
  it('skips the weekend, stops at the maximum, and emails in the quote language', async () => {
    // Arrange: sent on Thursday 3 January 2030, 11:00 in Paris; reminded after 2 days, at most twice.
    const owner = rep();
    const { deal, contact, quote } = await sendQuote(
      owner,
      { reminders: { notOpenedDays: 2, notAnsweredDays: 0, beforeExpiryDays: 0, max: 2 } },
      'fr',
    );
    const set = await setQuote(deal.id, quote.id, {
      sentAt: '2030-01-03T10:00:00.000Z',
      validUntil: '2030-03-01',
    });
    // Saturday the 5th is moved to Monday the 7th, 09:00 in Paris.
    expect(set.reminders?.nextAt).toBe('2030-01-07T08:00:00.000Z');

    // Act / Assert: nothing on the weekend or before 09:00 Monday.
    expect((await run('2030-01-05T10:00:00.000Z', quote.id)).sent).toBe(0);
    expect((await run('2030-01-07T07:59:00.000Z', quote.id)).sent).toBe(0);
    expect((await run('2030-01-07T08:00:00.000Z', quote.id)).sent).toBe(1);
    const [first] = await waitForEmails((e) => to(contact.email)(e) && e.subject.startsWith('Rappel'));
    expect(first?.subject).toBe(`Rappel : devis ${quote.number} de Atelier Closer SAS`);
    expect(first?.body.text).toContain('/q/');
    expect(first?.body.text).toContain('il y a quelques jours');
    // The same run again, or the next minute: nothing more.
    expect((await run('2030-01-07T08:01:00.000Z', quote.id)).sent).toBe(0);
    const second = await getQuoteAt(deal.id, quote.id);
    expect(second?.reminders).toMatchObject({ sent: 1, count: 1, nextAt: '2030-01-09T08:00:00.000Z' });
    expect((await run('2030-01-09T08:00:00.000Z', quote.id)).sent).toBe(1);
    // The maximum reached: the quote leaves the index.
    expect((await getQuoteAt(deal.id, quote.id))?.reminders?.nextAt).toBeUndefined();
    expect((await run('2030-02-20T10:00:00.000Z', quote.id)).sent).toBe(0);

    await waitForEmails((e) => to(contact.email)(e) && e.subject.startsWith('Rappel'), 2);
    const events = await timeline(owner, deal.id);
    expect(events.filter((e) => e.type === 'quote.reminder_sent').map((e) => e.data.kind)).toEqual([
      'not_opened',
      'not_opened',
    ]);
    const sent = events.filter((e) => e.type === 'email.sent' && e.data.kind === 'reminder');
    expect(sent).toHaveLength(2);
    // The timeline never keeps the link.
    expect(JSON.stringify(events)).not.toContain('sealedToken');
  }, 120_000);

  it('uses the seller time zone: Monday 09:00 in Auckland is Sunday evening in UTC', async () => {
    const owner = rep();
    const { deal, quote } = await sendQuote(owner, {
      reminders: { notOpenedDays: 3, notAnsweredDays: 0, beforeExpiryDays: 0, max: 1 },
    });
    // Thursday 3 January 2030, 10:00 in Auckland (UTC+13): three days later is Sunday → Monday.
    const set = await setQuote(deal.id, quote.id, {
      sentAt: '2030-01-02T21:00:00.000Z',
      validUntil: '2030-03-01',
      seller: {
        ...(quote.seller ?? { name: 'Atelier Closer SAS' }),
        name: 'Atelier Closer SAS',
        timeZone: 'Pacific/Auckland',
      },
    });
    expect(set.reminders?.nextAt).toBe('2030-01-06T20:00:00.000Z');
    expect((await run('2030-01-06T19:59:00.000Z', quote.id)).sent).toBe(0);
    expect((await run('2030-01-06T20:00:00.000Z', quote.id)).sent).toBe(1);
  });

  it('defers a late run on a Saturday to Monday morning instead of sending', async () => {
    const owner = rep();
    const { deal, contact, quote } = await sendQuote(owner, {
      reminders: { notOpenedDays: 1, notAnsweredDays: 0, beforeExpiryDays: 0, max: 3 },
    });
    // Thursday 3 January 2030: due Friday 09:00; the job only runs again on Saturday.
    await setQuote(deal.id, quote.id, { sentAt: '2030-01-03T10:00:00.000Z', validUntil: '2030-03-01' });

    const late = await run('2030-01-05T10:00:00.000Z', quote.id);

    expect(late).toMatchObject({ sent: 0, deferred: 1 });
    expect((await getQuoteAt(deal.id, quote.id))?.reminders?.nextAt).toBe('2030-01-07T08:00:00.000Z');
    expect((await run('2030-01-06T12:00:00.000Z', quote.id)).sent).toBe(0);
    expect((await run('2030-01-07T08:00:00.000Z', quote.id)).sent).toBe(1);
    await waitForEmails((e) => to(contact.email)(e) && e.subject.startsWith('Reminder'));
  });

  it('sends one reminder when two runs race', async () => {
    const owner = rep();
    const { deal, quote } = await sendQuote(owner);
    await setQuote(deal.id, quote.id, { sentAt: '2030-01-07T10:00:00.000Z', validUntil: '2030-03-01' });

    const runs = await Promise.all(
      Array.from({ length: 4 }, () => run('2030-01-10T09:00:00.000Z', quote.id)),
    );

    expect(runs.reduce((n, r) => n + r.sent, 0)).toBe(1);
    const events = await timeline(owner, deal.id);
    expect(events.filter((e) => e.type === 'quote.reminder_sent')).toHaveLength(1);
  });

  it('is stopped by an answer, a withdrawal, a revision and the expiry', async () => {
    const owner = rep();
    const stops = {
      decline: async (q: { token: string }) =>
        call('POST', `/q/${q.token}/decline`, { body: { reason: 'price' } }),
      withdraw: async (q: { quote: { id: string } }) =>
        call('POST', `/quotes/${q.quote.id}/withdraw`, { user: owner }),
      revise: async (q: { quote: { id: string } }) =>
        call('POST', `/quotes/${q.quote.id}/revise`, { user: owner }),
    };
    for (const [name, stop] of Object.entries(stops)) {
      const sent = await sendQuote(owner);
      await setQuote(sent.deal.id, sent.quote.id, {
        sentAt: '2030-01-07T10:00:00.000Z',
        validUntil: '2030-03-01',
      });
      expect((await getQuoteAt(sent.deal.id, sent.quote.id))?.reminders?.nextAt, name).toBeDefined();

      expect((await stop(sent)).status, name).toBeLessThan(300);

      expect((await getQuoteAt(sent.deal.id, sent.quote.id))?.reminders?.nextAt, name).toBeUndefined();
      expect((await run('2030-02-01T09:00:00.000Z', sent.quote.id)).sent, name).toBe(0);
    }
    // Expiry: sent five days ago, valid until yesterday (Paris), a reminder overdue; the job runs now.
    const sent = await sendQuote(owner, { reminders: { notOpenedDays: 1, max: 3 } });
    await setQuote(sent.deal.id, sent.quote.id, {
      sentAt: new Date(Date.now() - 5 * DAY).toISOString(),
      validUntil: parisDate(Date.now() - DAY),
    });
    expect((await getQuoteAt(sent.deal.id, sent.quote.id))?.reminders?.nextAt).toBeDefined();
    await expireQuotes();
    const expired = await getQuoteAt(sent.deal.id, sent.quote.id);
    expect(expired?.status).toBe('expired');
    expect(expired?.reminders?.nextAt).toBeUndefined();
    expect((await run(new Date().toISOString(), sent.quote.id)).sent).toBe(0);
  }, 120_000);
});

describe('the validity boundary in the seller time zone', () => {
  it('expires a Paris quote at midnight in Paris, not a millisecond before', async () => {
    // The job runs with a clock set just before, then at, the end of the quote's last day (two days
    // ago in Paris), so that other tests' quotes are left alone.
    const owner = rep();
    const { deal, quote } = await sendQuote(owner);
    const set = await setQuote(deal.id, quote.id, { validUntil: parisDate(Date.now() - 2 * DAY) });
    const end = validityEndsAt(set);
    expect(localDate(end, 'Europe/Paris')).toBe(parisDate(Date.now() - DAY));
    expect(end.slice(11)).toMatch(/^2[23]:00:00.000Z$/);

    await expireQuotes({ now: new Date(Date.parse(end) - 1).toISOString() });
    expect((await getQuoteAt(deal.id, quote.id))?.status).toBe('sent');
    await expireQuotes({ now: end });
    expect((await getQuoteAt(deal.id, quote.id))?.status).toBe('expired');
  });
});

describe('POST /quotes/{id}/remind', () => {
  it('emails the rep message with the same link, once an hour', async () => {
    const owner = rep();
    const { deal, contact, quote, token } = await sendQuote(owner);

    const first = await call('POST', `/quotes/${quote.id}/remind`, {
      user: owner,
      body: { message: 'Any questions before Friday?' },
    });
    const second = await call('POST', `/quotes/${quote.id}/remind`, { user: owner, body: {} });

    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: 'sent', to: contact.email });
    expect(second.status).toBe(429);
    expect(second.body.error.code).toBe('too_many_requests');
    expect(second.body.error.details.retryAfterSeconds).toBeGreaterThan(3500);
    const [mail] = await waitForEmails((e) => to(contact.email)(e) && e.subject.startsWith('Reminder'));
    expect(mail?.body.text).toContain('Any questions before Friday?');
    expect(mail?.body.text).toContain(`/q/${token}`);
    const events = await timeline(owner, deal.id);
    expect(events.filter((e) => e.type === 'quote.reminder_sent')).toEqual([
      expect.objectContaining({
        data: expect.objectContaining({ kind: 'manual', message: 'Any questions before Friday?' }),
      }),
    ]);
    // It is not counted against the automatic reminders.
    expect((await getQuoteAt(deal.id, quote.id))?.reminders).toMatchObject({ sent: 0, count: 1 });
  });

  it('refuses a quote that no longer waits for the customer (409) and another rep (404)', async () => {
    const owner = rep();
    const { quote, token, contact } = await sendQuote(owner);
    expect((await call('POST', `/quotes/${quote.id}/remind`, { user: rep(), body: {} })).status).toBe(404);
    await call('POST', `/q/${token}/decline`, { body: { reason: 'price' } });

    const res = await call('POST', `/quotes/${quote.id}/remind`, { user: owner, body: {} });

    expect(res.status).toBe(409);
    expect(res.body.error.message).toContain('declined');
    await new Promise((r) => setTimeout(r, 500));
    expect(
      (await emails()).filter((e) => to(contact.email)(e) && e.subject.startsWith('Reminder')),
    ).toHaveLength(0);
  });
});
