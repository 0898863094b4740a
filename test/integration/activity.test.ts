import { ulid } from 'ulid';
import { describe, expect, it } from 'vitest';
import type { User } from '#contracts/actor';
import { newEvent, systemActor } from '#domain/events';
import type { ActivityItem } from '#schemas/activity';
import { addEvent } from '#store/deals';
import { call } from '#test/api';
import { eventually } from '#test/eventually';
import { rep, sentQuote } from '#test/fixtures';

/** The stream consumer renders PDFs (signed copies) on a shared machine: room for it. */
const SLOW = 120_000;

/** A user's feed, every page (at most `pages`), newest first. */
async function feed(user: User, pages = 1): Promise<{ items: ActivityItem[]; unread: number }> {
  const items: ActivityItem[] = [];
  let cursor: string | undefined;
  let unread = 0;
  for (let i = 0; i < pages; i++) {
    const res = await call('GET', '/activity', {
      user,
      query: { limit: '200', ...(cursor ? { cursor } : {}) },
    });
    expect(res.status).toBe(200);
    items.push(...res.body.items);
    unread = res.body.unread;
    cursor = res.body.nextCursor;
    if (!cursor) break;
  }
  return { items, unread };
}

const of = (items: ActivityItem[], dealId: string) => items.filter((i) => i.dealId === dealId);

function manager(): User {
  return { ...rep('manager'), manager: true };
}

describe('GET /activity', () => {
  it(
    "shows a rep the customer's actions on their deals, newest first, and never another rep's",
    async () => {
      // Arrange: one deal each; the customer views and signs alice's quote, asks changes on bob's.
      const alice = rep('alice');
      const bob = rep('bob');
      const a = await sentQuote(alice);
      const b = await sentQuote(bob);

      // Act
      await call('POST', `/q/${a.token}/view`, { headers: { 'sec-fetch-site': 'same-origin' } }); // the page reports a person seeing it
      await call('POST', `/q/${a.token}/view`, { headers: { 'sec-fetch-site': 'same-origin' } }); // the page reports a person seeing it
      await call('POST', `/q/${a.token}/sign`, { body: { name: 'Jeanne Dupont', consent: true } });
      await call('POST', `/q/${b.token}/view`, { headers: { 'sec-fetch-site': 'same-origin' } }); // the page reports a person seeing it
      await call('POST', `/q/${b.token}/changes`, { body: { message: 'Two licences, not three' } });

      // Assert: the first view only (not the second), then the signature, newest first.
      const alices = await eventually(async () => {
        const page = await feed(alice);
        expect(page.items.map((i) => i.type)).toEqual(['quote.signed', 'quote.viewed']);
        return page.items;
      }, 60_000);
      expect(alices[0]).toMatchObject({
        dealId: a.deal.id,
        dealName: a.deal.name,
        quoteId: a.quote.id,
        quoteNumber: a.quote.number,
        quoteVersion: 1,
        actor: { type: 'customer' },
        details: { signer: 'Jeanne Dupont' },
        unread: true,
      });
      expect(of(alices, b.deal.id)).toEqual([]);
      const bobs = await eventually(async () => {
        const page = await feed(bob);
        expect(page.items.map((i) => i.type)).toEqual(['quote.changes_requested', 'quote.viewed']);
        return page.items;
      }, 60_000);
      expect(bobs[0]?.details.message).toBe('Two licences, not three');
      expect(of(bobs, a.deal.id)).toEqual([]);
    },
    SLOW,
  );

  it(
    "shows an observer the deal's activity, as the deal access rule does",
    async () => {
      // Arrange
      const owner = rep('owner');
      const observer = rep('observer');
      const stranger = rep('stranger');
      const { deal, token } = await sentQuote(owner);
      const patched = await call('PATCH', `/deals/${deal.id}`, {
        user: owner,
        body: { observerIds: [observer.id] },
      });
      expect(patched.status).toBe(200);

      // Act
      await call('POST', `/q/${token}/decline`, { body: { reason: 'price', message: 'Too dear' } });

      // Assert
      await eventually(async () => {
        const page = await feed(observer);
        expect(page.items.map((i) => [i.type, i.dealId])).toEqual([['quote.declined', deal.id]]);
        expect(page.items[0]?.details).toMatchObject({ reason: 'price', message: 'Too dear' });
      }, 60_000);
      expect((await feed(owner)).items.map((i) => i.type)).toEqual(['quote.declined']);
      expect((await feed(stranger)).items).toEqual([]);
    },
    SLOW,
  );

  it(
    "shows a manager every rep's activity",
    async () => {
      // Arrange
      const maya = manager();
      const alice = rep('alice');
      const bob = rep('bob');
      const a = await sentQuote(alice);
      const b = await sentQuote(bob);

      // Act
      await call('POST', `/q/${a.token}/view`, { headers: { 'sec-fetch-site': 'same-origin' } }); // the page reports a person seeing it
      await call('POST', `/q/${b.token}/decline`, { body: { reason: 'timing' } });

      // Assert: the managers' feed holds both (other tests write to it too: read it all).
      await eventually(async () => {
        const { items } = await feed(maya, 20);
        expect(of(items, a.deal.id).map((i) => i.type)).toEqual(['quote.viewed']);
        expect(of(items, b.deal.id).map((i) => i.type)).toEqual(['quote.declined']);
        const times = items.map((i) => i.at);
        expect(times).toEqual([...times].sort().reverse());
      }, 60_000);
    },
    SLOW,
  );

  it(
    'counts unread items and marks them read up to the newest seen, never back',
    async () => {
      // Arrange
      const owner = rep('reader');
      const first = await sentQuote(owner);
      await call('POST', `/q/${first.token}/view`, { headers: { 'sec-fetch-site': 'same-origin' } }); // the page reports a person seeing it
      await call('POST', `/q/${first.token}/decline`, { body: { reason: 'price' } });
      const before = await eventually(async () => {
        const page = await feed(owner);
        expect(page.items).toHaveLength(2);
        return page;
      }, 60_000);
      expect(before.unread).toBe(2);
      const newest = before.items[0]?.at ?? '';

      // Act
      const read = await call('POST', '/activity/read', { user: owner, body: { at: newest } });
      const back = await call('POST', '/activity/read', {
        user: owner,
        body: { at: '2020-01-01T00:00:00.000Z' },
      });

      // Assert
      expect(read.status).toBe(200);
      expect(read.body).toEqual({ readUntil: newest, unread: 0 });
      expect(back.body).toEqual({ readUntil: newest, unread: 0 });
      const after = await feed(owner);
      expect(after.unread).toBe(0);
      expect(after.items.every((i) => !i.unread)).toBe(true);

      // A new event is unread again; the ones read stay read.
      const second = await sentQuote(owner);
      await call('POST', `/q/${second.token}/view`, { headers: { 'sec-fetch-site': 'same-origin' } }); // the page reports a person seeing it
      const later = await eventually(async () => {
        const page = await feed(owner);
        expect(page.items).toHaveLength(3);
        return page;
      }, 60_000);
      expect(later.unread).toBe(1);
      expect(later.items.map((i) => i.unread)).toEqual([true, false, false]);
    },
    SLOW,
  );

  it(
    'lands a failed email in the feed with the address to check',
    async () => {
      // Arrange
      const owner = rep('mailer');
      const { deal, quote } = await sentQuote(owner);

      // Act: what the delivery schedule writes when it gives up (the stream carries it to the feed).
      const failed = newEvent(
        deal.id,
        'email.failed',
        {
          kind: 'quote',
          to: 'nobody@bounce.example',
          quoteId: quote.id,
          permanent: true,
          reason: 'rejected',
        },
        systemActor('notify'),
        { now: new Date().toISOString(), newId: () => ulid() },
      );
      await addEvent(failed);

      // Assert
      await eventually(async () => {
        const { items } = await feed(owner);
        expect(items).toHaveLength(1);
        expect(items[0]).toMatchObject({
          id: failed.id,
          type: 'email.failed',
          quoteNumber: quote.number,
          details: { to: 'nobody@bounce.example', kind: 'quote', reason: 'rejected' },
        });
      }, 60_000);
    },
    SLOW,
  );

  it('refuses a bad cursor, a bad read mark and a missing token', async () => {
    const owner = rep();
    expect((await call('GET', '/activity', { user: owner, query: { cursor: 'nope' } })).status).toBe(400);
    const bad = await call('POST', '/activity/read', { user: owner, body: { at: 'yesterday' } });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details[0].path).toBe('body.at');
    expect((await call('GET', '/activity')).status).toBe(401);
  });
});
