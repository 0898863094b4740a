/** A timeline event as a sentence in the reader's language, for every event type. */
import type { DealEvent } from '../../lib/api-client.ts';
import { formatDate, formatDateTime, formatMoney, type Locale } from '../../lib/format.ts';
import type { MessageKey } from '../../lib/messages.ts';
import type { Translate } from '../../lib/translate.ts';

const FIELD_KEYS: Record<string, MessageKey> = {
  name: 'deal.name',
  amount: 'deal.amount',
  closeDate: 'deal.closeDate',
  ownerId: 'deal.owner',
  nextStep: 'deal.nextStep',
  probability: 'deal.probability',
  currency: 'deal.currency',
  source: 'deal.source',
  competitor: 'deal.competitor',
  forecast: 'deal.forecast',
  lossReason: 'deal.lossReason',
  winLossNote: 'deal.winLossNote',
  description: 'deal.description',
  contactId: 'deal.contact',
  companyId: 'deal.company',
  observerIds: 'deal.observers',
  discountPercent: 'lines.dealDiscount',
  lines: 'lines.title',
  stageId: 'deal.stage',
  status: 'deal.status',
};

type Data = Record<string, unknown>;
const str = (v: unknown) => (v === undefined || v === null ? '' : String(v));

function value(field: string, v: unknown, t: Translate, locale: Locale, currency: string): string {
  if (v === null || v === undefined || v === '') return t('ev.empty');
  if ((field === 'amount' || field === 'weightedAmount') && typeof v === 'number')
    return formatMoney(v, currency, locale);
  if (field === 'closeDate' && typeof v === 'string') return formatDate(v, locale);
  if (Array.isArray(v)) return field === 'lines' ? String(v.length) : v.join(', ');
  if (typeof v === 'object') return JSON.stringify(v);
  return `“${String(v)}”`;
}

export function fieldLabel(field: string, t: Translate): string {
  const key = FIELD_KEYS[field];
  return key ? t(key).replace(/ \(.*\)$/, '') : field.replace(/^customFields\./, '');
}

export function eventSentence(
  event: DealEvent,
  t: Translate,
  locale: Locale,
  options: { currency: string; stageName: (id: string, fallback?: string) => string },
): string {
  const data = event.data as Data;
  const actor =
    event.actor.type === 'customer'
      ? t('timeline.customer')
      : event.actor.type === 'system'
        ? t('timeline.system')
        : event.actor.name || event.actor.id || t('timeline.someone');
  const quote = { number: str(data.number), version: str(data.version) };
  switch (event.type) {
    case 'deal.created':
      return t('ev.deal.created', { actor });
    case 'deal.updated': {
      const changes = Array.isArray(data.changes)
        ? (data.changes as { field: string; from: unknown; to: unknown }[])
        : [];
      const parts = changes.map((c) =>
        t('ev.deal.change', {
          field: fieldLabel(c.field, t),
          from: value(c.field, c.from, t, locale, options.currency),
          to: value(c.field, c.to, t, locale, options.currency),
        }),
      );
      return t('ev.deal.updated', {
        actor,
        changes: parts.join(locale === 'fr' ? ' ; ' : '; ') || t('ev.empty'),
      });
    }
    case 'deal.stage_changed': {
      const from = data.from as { id?: string; name?: string } | undefined;
      const to = data.to as { id?: string; name?: string; kind?: string } | undefined;
      if (to?.kind === 'lost' && data.lossReason) {
        return t('ev.deal.stage_lost', { actor, reason: str(data.lossReason) });
      }
      return t('ev.deal.stage_changed', {
        actor,
        from: options.stageName(str(from?.id), from?.name),
        to: options.stageName(str(to?.id), to?.name),
      });
    }
    case 'deal.comment':
      return t('ev.deal.comment', { actor, text: str(data.text) });
    case 'quote.created':
      return t('ev.quote.created', { actor, ...quote });
    case 'quote.sent':
      return t('ev.quote.sent', {
        actor,
        ...quote,
        channel: data.channel === 'link' ? (locale === 'fr' ? 'lien' : 'link') : 'e-mail',
      });
    case 'quote.viewed':
      return t('ev.quote.viewed', quote);
    case 'quote.signed':
      return t('ev.quote.signed', { ...quote, name: str(data.signer) || t('timeline.customer') });
    case 'quote.changes_requested':
      return t('ev.quote.changes_requested', { ...quote, message: str(data.message) });
    case 'quote.declined':
      return t('ev.quote.declined', { ...quote, reason: str(data.reason) });
    case 'quote.expired':
      return t('ev.quote.expired', quote);
    case 'quote.withdrawn':
      return t('ev.quote.withdrawn', { actor, ...quote });
    case 'email.sent':
      return t('ev.email.sent', { kind: str(data.kind), to: str(data.to) });
    case 'email.failed':
      return t('ev.email.failed', { ...quote, attempts: str(data.attempts) });
    case 'task.created':
      return t('ev.task.created', {
        actor,
        type: str(data.type),
        due: data.dueAt ? formatDateTime(str(data.dueAt), locale) : '',
      });
    case 'task.updated':
      return t('ev.task.updated', { actor });
    case 'task.done':
      return t('ev.task.done', { actor });
    default:
      return t('ev.other', { actor, type: event.type });
  }
}
