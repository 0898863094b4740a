import * as z from 'zod/mini';
import { Timestamp, withMeta } from './common.ts';

/** Reminders and signer verification: pipeline defaults, per-quote overrides, and the quote's state. */

const Days = z.int().check(z.gte(0), z.lte(60));

export const ReminderSettingsInput = withMeta(
  z.strictObject({
    notOpenedDays: withMeta(z.optional(Days), {
      description: 'remind when not opened after N days (default 3; 0: never)',
    }),
    notAnsweredDays: withMeta(z.optional(Days), {
      description: 'remind when opened but not answered after N days (default 4; 0: never)',
    }),
    beforeExpiryDays: withMeta(z.optional(Days), {
      description: 'remind N days before the last valid day (default 2; 0: never)',
    }),
    max: withMeta(z.optional(z.int().check(z.gte(0), z.lte(10))), {
      description: 'at most this many automatic reminders per quote (default 3; 0: none)',
    }),
  }),
  { id: 'ReminderSettings' },
);

export const ReminderKind = z.enum(['not_opened', 'not_answered', 'before_expiry']);

export const QuoteReminders = withMeta(
  z.object({
    notOpenedDays: z.int(),
    notAnsweredDays: z.int(),
    beforeExpiryDays: z.int(),
    max: z.int(),
    sent: withMeta(z.int(), { description: 'automatic reminders sent' }),
    count: withMeta(z.int(), { description: "every reminder sent, the rep's included" }),
    lastAt: z.optional(Timestamp),
    manualAt: z.optional(Timestamp),
    beforeExpirySent: z.optional(z.boolean()),
    notBefore: z.optional(Timestamp),
    nextAt: withMeta(z.optional(Timestamp), { description: 'when the next automatic reminder is due' }),
    nextKind: z.optional(ReminderKind),
  }),
  { id: 'QuoteReminders' },
);

export const RemindInput = withMeta(
  z.strictObject({
    message: withMeta(z.optional(z.string().check(z.maxLength(5000))), {
      description: "the rep's words above the link; default: the locale's reminder text",
    }),
  }),
  { id: 'RemindInput' },
);

export const RemindResult = withMeta(
  z.object({ status: z.string(), remindedAt: Timestamp, to: z.string() }),
  {
    id: 'RemindResult',
  },
);

/** How the signer proved they hold the recipient's mailbox (when the quote required it). */
export const SignerVerification = withMeta(
  z.object({
    method: z.literal('email_code'),
    to: withMeta(z.string(), { description: 'the masked address the code went to, e.g. j***@example.com' }),
    sentAt: Timestamp,
    verifiedAt: Timestamp,
  }),
  { id: 'SignerVerification' },
);

export type ReminderSettingsInput = z.infer<typeof ReminderSettingsInput>;
export type RemindInput = z.infer<typeof RemindInput>;
export type SignerVerification = z.infer<typeof SignerVerification>;
