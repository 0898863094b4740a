import { describe, expect, it } from 'vitest';
import { canonicalJson, eventHash, linkEvents, PREV_HASH, verifyChain } from '#domain/chain';
import type { DealEvent } from '#schemas/deals';

const QUOTE = 'Q1';
let n = 0;
function event(type: string, data: Record<string, unknown> = {}): DealEvent {
  n += 1;
  return {
    id: `01J${String(n).padStart(23, '0')}`,
    dealId: 'D1',
    at: `2026-05-0${(n % 9) + 1}T10:00:00.000Z`,
    actor: { type: 'user', id: 'alice', name: 'Alice' },
    type,
    data: { quoteId: QUOTE, ...data },
  };
}

/** A quote's history written the way saveQuote writes it: one transition at a time. */
function history() {
  let head: string | undefined;
  const stored: DealEvent[] = [];
  for (const batch of [
    [event('quote.created')],
    [event('quote.sent', { sealedToken: 'abc' }), event('deal.stage_changed', { quoteId: undefined })],
    [event('quote.viewed')],
    [event('quote.signed', { signer: 'Jeanne' })],
  ]) {
    const linked = linkEvents(head, QUOTE, batch);
    head = linked.head;
    stored.push(...linked.events);
  }
  return { stored, head };
}

describe('event hash chain', () => {
  it('serialises objects with sorted keys whatever their insertion order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: 3 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[1,{"e":3,"f":2}]},"b":1}',
    );
  });

  it('links each quote event to the previous one, from null on quote.created', () => {
    const { stored, head } = history();
    const chained = stored.filter((e) => e.type.startsWith('quote.'));
    expect(chained[0]?.data[PREV_HASH]).toBeNull();
    for (let i = 1; i < chained.length; i += 1) {
      expect(chained[i]?.data[PREV_HASH]).toBe(eventHash(chained[i - 1] as DealEvent));
    }
    expect(head).toBe(eventHash(chained.at(-1) as DealEvent));
    expect(stored.find((e) => e.type === 'deal.stage_changed')?.data).not.toHaveProperty(PREV_HASH);
  });

  it('verifies an untouched history, in any order, and ignores the removed sealed token', () => {
    const { stored, head } = history();
    const withoutToken = stored.map((e) =>
      e.type === 'quote.sent' ? { ...e, data: { ...e.data, sealedToken: undefined } } : e,
    );
    const report = verifyChain([...withoutToken].reverse(), QUOTE, head);
    expect(report).toMatchObject({ valid: true, length: 4, head, unchained: 0 });
  });

  it('reports an altered event, naming the last event that still links', () => {
    const { stored, head } = history();
    const viewed = stored.find((e) => e.type === 'quote.viewed') as DealEvent;
    const altered = stored.map((e) => (e === viewed ? { ...e, at: '2026-01-01T00:00:00.000Z' } : e));
    const report = verifyChain(altered, QUOTE, head);
    expect(report.valid).toBe(false);
    expect(report.length).toBe(3);
    expect(report.problem?.eventId).toBe(viewed.id);
    expect(verifyChain(stored, QUOTE, head).valid).toBe(true);
  });

  it('reports a removed last event through the recorded head, and a removed middle one as a gap', () => {
    const { stored, head } = history();
    const lastRemoved = stored.filter((e) => e.type !== 'quote.signed');
    expect(verifyChain(lastRemoved, QUOTE, head)).toMatchObject({ valid: false, length: 3 });
    const middleRemoved = stored.filter((e) => e.type !== 'quote.sent');
    expect(verifyChain(middleRemoved, QUOTE, head)).toMatchObject({ valid: false, length: 1 });
  });

  it('counts events written before chaining existed apart, and accepts a quote without a chain', () => {
    const legacy = [event('quote.created'), event('quote.sent')];
    expect(verifyChain(legacy, QUOTE, undefined)).toEqual({ valid: true, length: 0, unchained: 2 });
    expect(verifyChain(legacy, QUOTE, 'f'.repeat(64)).valid).toBe(false);
  });
});
