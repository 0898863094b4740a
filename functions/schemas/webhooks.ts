import * as z from 'zod';
import { EVENT_PATTERN } from '#domain/webhooks';
import { Id, Timestamp } from './common.ts';

/** Webhook endpoints and their delivery log (managers only). */

const EventPattern = z
  .string()
  .check(
    z.regex(EVENT_PATTERN, 'must be an event type such as quote.signed, a family such as quote.*, or *'),
  );

const Url = z.string().check(z.minLength(1), z.maxLength(2048));
const Events = z.array(EventPattern).check(z.minLength(1), z.maxLength(50));
const Description = z.string().check(z.maxLength(500));

export const WebhookInput = z
  .strictObject({
    url: Url.meta({ description: 'https URL that receives the events (checked: no private address)' }),
    events: Events.meta({ description: 'event types wanted: `quote.signed`, `quote.*` or `*`' }),
    active: z.optional(z.boolean()).meta({ description: 'default true' }),
    description: z.optional(Description),
  })
  .meta({ id: 'WebhookInput' });

export const WebhookPatch = z
  .strictObject({
    url: z.optional(Url),
    events: z.optional(Events),
    active: z.optional(z.boolean()).meta({ description: 'true enables a disabled endpoint again' }),
    description: z.optional(z.nullable(Description)),
  })
  .check(z.refine((p) => Object.keys(p).length > 0, 'nothing to change'))
  .meta({ id: 'WebhookPatch' });

export const Webhook = z
  .object({
    id: Id,
    url: z.string(),
    events: z.array(z.string()),
    active: z.boolean(),
    description: z.optional(z.string()),
    ownerId: z.string().meta({ description: 'the manager who registered it (emailed if it gets disabled)' }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    failingSince: z
      .optional(Timestamp)
      .meta({ description: 'first failed try of the current run of failures' }),
    disabledAt: z.optional(Timestamp),
    disabledReason: z.optional(z.string()),
    previousSecretUntil: z
      .optional(Timestamp)
      .meta({ description: 'after a rotation, deliveries are also signed with the old secret until then' }),
  })
  .meta({ id: 'Webhook' });

/** Creation and rotation answers: the only places the secret ever appears. */
export const WebhookWithSecret = z
  .object({
    ...Webhook.shape,
    secret: z.string().meta({ description: 'the signing secret (`whsec_…`): shown this once, store it now' }),
  })
  .meta({ id: 'WebhookWithSecret' });

export const WebhookDelivery = z
  .object({
    id: z.string().meta({ description: 'the delivery id (`Closer-Delivery-Id`), stable across retries' }),
    eventId: Id,
    type: z.string(),
    dealId: Id,
    status: z.enum(['pending', 'delivered', 'failed']),
    attempts: z.int().check(z.gte(0)),
    lastResponseCode: z.optional(z.int()),
    lastResponseBody: z.optional(z.string()).meta({ description: 'the first 1 KB of the last answer' }),
    lastError: z.optional(z.string()),
    createdAt: Timestamp,
    nextAttemptAt: z.optional(Timestamp),
    finishedAt: z.optional(Timestamp),
  })
  .meta({ id: 'WebhookDelivery' });

export const WebhookDeliveryParams = z.strictObject({
  id: Id,
  deliveryId: z.string().check(z.maxLength(200)),
});
