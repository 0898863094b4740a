import { describe, expect, it } from 'vitest';
import {
  draftOfDeal,
  fieldOfProblem,
  mergeStale,
  patchOf,
} from '../../../console/src/features/deals/deal-draft.ts';
import { draftTotals, freeLine, linesBody } from '../../../console/src/features/deals/lines-draft.ts';
import { eventSentence } from '../../../console/src/features/deals/timeline-text.ts';
import { en, fr } from '../../../console/src/lib/messages.ts';
import { translate } from '../../../console/src/lib/translate.ts';
import { computeTotals } from '../../../functions/domain/money.ts';

const pipeline = {
  customFields: [{ key: 'seats', label: 'Seats', type: 'number' as const }],
} as any;
const deal = {
  id: 'd1',
  name: 'Rollout',
  currency: 'EUR',
  amount: 10_000,
  probability: 20,
  closeDate: '2026-12-31',
  ownerId: 'alice',
  observerIds: [],
  customFields: {},
  lines: [],
  version: 3,
} as any;

describe('console deal form', () => {
  it('sends only the fields that were changed, with numbers and removals as the API wants them', () => {
    // Arrange
    const draft = { ...draftOfDeal(deal), nextStep: 'Call', amount: '123.45', 'custom.seats': '12' };

    // Act
    const patch = patchOf(draft, deal, pipeline);

    // Assert
    expect(patch).toEqual({ nextStep: 'Call', amount: 12_345, customFields: { seats: 12 } });
  });

  it('after a 412 keeps what was typed, takes the other changes and names them', () => {
    // Arrange: the user typed a source; someone else changed the competitor meanwhile
    const typed = { ...draftOfDeal(deal), source: 'Fair' };
    const latest = { ...deal, competitor: 'Globex', version: 4 };

    // Act
    const { draft, changedByOthers } = mergeStale(typed, deal, latest);

    // Assert
    expect(draft.source).toBe('Fair');
    expect(draft.competitor).toBe('Globex');
    expect(changedByOthers).toEqual(['competitor']);
    expect(patchOf(draft, latest, pipeline)).toEqual({ source: 'Fair' });
  });

  it('maps 422 paths to the fields they concern', () => {
    expect(fieldOfProblem('body.closeDate')).toBe('closeDate');
    expect(fieldOfProblem('body.customFields.seats')).toBe('custom.seats');
  });
});

describe('console lines editor', () => {
  it('shows the totals the server computes, with its own money module', () => {
    // Arrange
    const lines = [
      {
        ...freeLine(),
        name: 'Licence',
        quantity: '2',
        unitPrice: '480.00',
        discountPercent: '10',
        taxRate: '20',
      },
      { ...freeLine(), name: 'Manual', quantity: '5', unitPrice: '45', discountPercent: '0', taxRate: '5,5' },
    ];

    // Act
    const totals = draftTotals(lines, '5', 'EUR');

    // Assert
    const body = linesBody(lines, 'EUR');
    expect(body.map((l) => l.unitPrice)).toEqual([48_000, 4_500]);
    expect(totals).toEqual(computeTotals(body, 5));
  });

  it('has no totals while a number is not a number yet', () => {
    expect(draftTotals([{ ...freeLine(), name: 'x', unitPrice: '12.345' }], '0', 'EUR')).toBeUndefined();
  });
});

describe('console timeline sentences', () => {
  const t = (locale: 'en' | 'fr') => (key: any, params?: any) => translate(locale, key, params);
  const stageName = (_id: string, name?: string) => `“${name}”`;
  const event = (type: string, data: Record<string, unknown>) =>
    ({
      id: 'e',
      dealId: 'd',
      at: '2026-05-01T10:00:00Z',
      actor: { type: 'user', id: 'alice', name: 'Alice' },
      type,
      data,
    }) as any;

  it('writes field changes with from and to, in both languages', () => {
    const e = event('deal.updated', { changes: [{ field: 'amount', from: 1000, to: 2500 }] });
    expect(eventSentence(e, t('en'), 'en', { currency: 'EUR', stageName })).toBe(
      'Alice changed Amount from €10.00 to €25.00',
    );
    expect(
      eventSentence(e, t('fr'), 'fr', { currency: 'EUR', stageName }).replace(/\u202f|\u00a0/g, ' '),
    ).toBe('Alice a modifié Montant de 10,00 € à 25,00 €');
  });

  it('has a sentence for every event type the API writes', () => {
    const types = [
      'deal.created',
      'deal.updated',
      'deal.stage_changed',
      'deal.comment',
      'quote.created',
      'quote.sent',
      'quote.viewed',
      'quote.signed',
      'quote.changes_requested',
      'quote.declined',
      'quote.expired',
      'quote.withdrawn',
      'email.sent',
      'email.failed',
      'task.created',
      'task.updated',
      'task.done',
    ];
    for (const type of types) {
      const sentence = eventSentence(
        event(type, { number: 'Q-2026-0001', from: { name: 'A' }, to: { name: 'B' } }),
        t('en'),
        'en',
        { currency: 'EUR', stageName },
      );
      expect(sentence, type).not.toContain(type);
      expect(sentence, type).not.toMatch(/\{\w+\}/);
    }
  });

  it('has every label in French', () => {
    expect(Object.keys(fr).sort()).toEqual(Object.keys(en).sort());
  });
});
