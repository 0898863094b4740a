import * as z from 'zod';
import { Timestamp } from './common.ts';

/** Reminders and signer verification: pipeline defaults, per-quote overrides, and the quote's state. */

const Days = z.int().check(z.gte(0), z.lte(60));

export const ReminderSettingsInput = z
  .strictObject({
    notOpenedDays: z
      .optional(Days)
      .meta({ description: 'remind when not opened after N days (default 3; 0: never)' }),
    notAnsweredDays: z
      .optional(Days)
      .meta({ description: 'remind when opened but not answered after N days (default 4; 0: never)' }),
    beforeExpiryDays: z
      .optional(Days)
      .meta({ description: 'remind N days before the last valid day (default 2; 0: never)' }),
    max: z
      .optional(z.int().check(z.gte(0), z.lte(10)))
      .meta({ description: 'at most this many automatic reminders per quote (default 3; 0: none)' }),
  })
  .meta({ id: 'ReminderSettings' });

export const ReminderKind = z.enum(['not_opened', 'not_answered', 'before_expiry']);

export const QuoteReminders = z
  .object({
    notOpenedDays: z.int(),
    notAnsweredDays: z.int(),
    beforeExpiryDays: z.int(),
    max: z.int(),
    sent: z.int().meta({ description: 'automatic reminders sent' }),
    count: z.int().meta({ description: "every reminder sent, the rep's included" }),
    lastAt: z.optional(Timestamp),
    manualAt: z.optional(Timestamp),
    beforeExpirySent: z.optional(z.boolean()),
    notBefore: z.optional(Timestamp),
    nextAt: z.optional(Timestamp).meta({ description: 'when the next automatic reminder is due' }),
    nextKind: z.optional(ReminderKind),
  })
  .meta({ id: 'QuoteReminders' });

export const RemindInput = z
  .strictObject({
    message: z
      .optional(z.string().check(z.maxLength(5000)))
      .meta({ description: "the rep's words above the link; default: the locale's reminder text" }),
  })
  .meta({ id: 'RemindInput' });

export const RemindResult = z
  .object({ status: z.string(), remindedAt: Timestamp, to: z.string() })
  .meta({ id: 'RemindResult' });

/** How the signer proved they hold the recipient's mailbox (when the quote required it). */
export const SignerVerification = z
  .object({
    method: z.literal('email_code'),
    to: z.string().meta({ description: 'the masked address the code went to, e.g. j***@example.com' }),
    sentAt: Timestamp,
    verifiedAt: Timestamp,
  })
  .meta({ id: 'SignerVerification' });

export type ReminderSettingsInput = z.infer<typeof ReminderSettingsInput>;
export type RemindInput = z.infer<typeof RemindInput>;
export type SignerVerification = z.infer<typeof SignerVerification>;
