import * as z from 'zod/mini';
import { EVENT_PATTERN } from '#domain/webhooks';
import { Id, Timestamp, withMeta } from './common.ts';

/** Webhook endpoints and their delivery log (managers only). */

const EventPattern = z
  .string()
  .check(
    z.regex(EVENT_PATTERN, 'must be an event type such as quote.signed, a family such as quote.*, or *'),
  );

const Url = z.string().check(z.minLength(1), z.maxLength(2048));
const Events = z.array(EventPattern).check(z.minLength(1), z.maxLength(50));
const Description = z.string().check(z.maxLength(500));

export const WebhookInput = withMeta(
  z.strictObject({
    url: withMeta(Url, { description: 'https URL that receives the events (checked: no private address)' }),
    events: withMeta(Events, { description: 'event types wanted: `quote.signed`, `quote.*` or `*`' }),
    active: withMeta(z.optional(z.boolean()), { description: 'default true' }),
    description: z.optional(Description),
  }),
  { id: 'WebhookInput' },
);

export const WebhookPatch = withMeta(
  z
    .strictObject({
      url: z.optional(Url),
      events: z.optional(Events),
      active: withMeta(z.optional(z.boolean()), { description: 'true enables a disabled endpoint again' }),
      description: z.optional(z.nullable(Description)),
    })
    .check(z.refine((p) => Object.keys(p).length > 0, 'nothing to change')),
  { id: 'WebhookPatch' },
);

const WebhookFields = z.object({
  id: Id,
  url: z.string(),
  events: z.array(z.string()),
  active: z.boolean(),
  description: z.optional(z.string()),
  ownerId: withMeta(z.string(), {
    description: 'the manager who registered it (emailed if it gets disabled)',
  }),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  failingSince: withMeta(z.optional(Timestamp), {
    description: 'first failed try of the current run of failures',
  }),
  disabledAt: z.optional(Timestamp),
  disabledReason: z.optional(z.string()),
  previousSecretUntil: withMeta(z.optional(Timestamp), {
    description: 'after a rotation, deliveries are also signed with the old secret until then',
  }),
});

export const Webhook = withMeta(WebhookFields, { id: 'Webhook' });

/** Creation and rotation answers: the only places the secret ever appears. */
export const WebhookWithSecret = withMeta(
  z.extend(WebhookFields, {
    secret: withMeta(z.string(), {
      description: 'the signing secret (`whsec_…`): shown this once, store it now',
    }),
  }),
  { id: 'WebhookWithSecret' },
);

export const WebhookDelivery = withMeta(
  z.object({
    id: withMeta(z.string(), {
      description: 'the delivery id (`Closer-Delivery-Id`), stable across retries',
    }),
    eventId: Id,
    type: z.string(),
    dealId: Id,
    status: z.enum(['pending', 'delivered', 'failed']),
    attempts: z.number().check(z.int(), z.gte(0)),
    lastResponseCode: z.optional(z.number().check(z.int())),
    lastResponseBody: withMeta(z.optional(z.string()), { description: 'the first 1 KB of the last answer' }),
    lastError: z.optional(z.string()),
    createdAt: Timestamp,
    nextAttemptAt: z.optional(Timestamp),
    finishedAt: z.optional(Timestamp),
  }),
  { id: 'WebhookDelivery' },
);

export const WebhookDeliveryParams = z.strictObject({
  id: Id,
  deliveryId: z.string().check(z.maxLength(200)),
});
