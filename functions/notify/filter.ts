/**
 * Which table items are outbox entries: events that call for an email. The CDK stack turns this
 * into the stream mapping's filter criteria and the local poller applies it as is, so `notify` is
 * invoked for the same records in both places. No imports: the stack reads it at synth time.
 */
export const OUTBOX_ENTITY = 'Event';

export const OUTBOX_TYPES = [
  'quote.sent',
  'quote.resent',
  'quote.viewed',
  'quote.signed',
  'quote.changes_requested',
  'quote.declined',
  'quote.expired',
] as const;

export function isOutboxEvent(item: Record<string, unknown>): boolean {
  return item.entity === OUTBOX_ENTITY && (OUTBOX_TYPES as readonly string[]).includes(String(item.type));
}
