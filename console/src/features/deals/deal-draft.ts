/**
 * The deal form's draft: every editable field as the text the rep types, the patch that sends only
 * what they changed, and how a stale edit (412) is merged: fields they typed stay, the others take
 * the new values, and the fields someone else changed are listed.
 */
import type { Deal, Pipeline } from '../../lib/api-client.ts';
import { moneyInput, parseMoney } from '../../lib/format.ts';
import type { DealPatch } from './api/deals.ts';

export const TEXT_FIELDS = [
  'name',
  'nextStep',
  'source',
  'competitor',
  'description',
  'lossReason',
  'winLossNote',
] as const;
export type Draft = Record<string, string>;

export function draftOfDeal(deal: Deal): Draft {
  const draft: Draft = {
    closeDate: deal.closeDate,
    amount: moneyInput(deal.amount, deal.currency),
    probability: String(deal.probability),
    forecast: deal.forecast ?? '',
    contactId: deal.contactId ?? '',
    companyId: deal.companyId ?? '',
    ownerId: deal.ownerId,
    observerIds: deal.observerIds.join(', '),
  };
  for (const field of TEXT_FIELDS) draft[field] = deal[field] ?? '';
  for (const [key, value] of Object.entries(deal.customFields)) draft[`custom.${key}`] = String(value);
  return draft;
}

export class DraftError extends Error {
  constructor(readonly field: string) {
    super(field);
  }
}

/** The PATCH body: only the fields whose text differs from the base deal's. */
export function patchOf(draft: Draft, base: Deal, pipeline: Pipeline): DealPatch {
  const before = draftOfDeal(base);
  const changed = (key: string) => (draft[key] ?? '') !== (before[key] ?? '');
  const patch: Record<string, unknown> = {};
  for (const field of TEXT_FIELDS) {
    if (!changed(field)) continue;
    const value = (draft[field] ?? '').trim();
    patch[field] = value === '' && field !== 'name' ? null : value;
  }
  if (changed('closeDate')) patch.closeDate = draft.closeDate;
  if (changed('amount') && base.lines.length === 0) {
    const amount = parseMoney(draft.amount ?? '', base.currency);
    if (amount === undefined) throw new DraftError('amount');
    patch.amount = amount;
  }
  if (changed('probability')) {
    const probability = Number(draft.probability);
    if (!Number.isInteger(probability)) throw new DraftError('probability');
    patch.probability = probability;
  }
  if (changed('forecast')) patch.forecast = draft.forecast || null;
  if (changed('contactId')) patch.contactId = draft.contactId || null;
  if (changed('companyId')) patch.companyId = draft.companyId || null;
  if (changed('ownerId')) patch.ownerId = (draft.ownerId ?? '').trim();
  if (changed('observerIds')) {
    patch.observerIds = (draft.observerIds ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  }
  const custom: Record<string, string | number | null> = {};
  for (const field of pipeline.customFields) {
    const key = `custom.${field.key}`;
    if (!changed(key)) continue;
    const text = (draft[key] ?? '').trim();
    if (text === '') custom[field.key] = null;
    else if (field.type === 'number') {
      const n = Number(text.replace(',', '.'));
      if (Number.isNaN(n)) throw new DraftError(key);
      custom[field.key] = n;
    } else custom[field.key] = text;
  }
  if (Object.keys(custom).length > 0) patch.customFields = custom;
  return patch as DealPatch;
}

/** After a 412: the draft to show now and the fields someone else changed meanwhile. */
export function mergeStale(
  draft: Draft,
  base: Deal,
  latest: Deal,
): { draft: Draft; changedByOthers: string[] } {
  const before = draftOfDeal(base);
  const now = draftOfDeal(latest);
  const keys = new Set([...Object.keys(before), ...Object.keys(now), ...Object.keys(draft)]);
  const merged: Draft = {};
  const changedByOthers: string[] = [];
  for (const key of keys) {
    const typed = (draft[key] ?? '') !== (before[key] ?? '');
    merged[key] = typed ? (draft[key] ?? '') : (now[key] ?? '');
    if ((now[key] ?? '') !== (before[key] ?? '')) changedByOthers.push(key);
  }
  return { draft: merged, changedByOthers };
}

/** 422 details (`body.closeDate`, `body.customFields.size`) as the draft's field names. */
export function fieldOfProblem(path: string): string {
  return path.replace(/^body\./, '').replace(/^customFields\./, 'custom.');
}
