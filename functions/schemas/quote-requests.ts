import * as z from 'zod';
import { Email, IsoDate, Locale, Name, Text } from './common.ts';
import { ReminderSettingsInput } from './follow-through.ts';
import { Recipient, TemplateId } from './quotes.ts';

/** What reps send to the quote routes (the Quote resource itself is in quotes.ts). */

export const QuoteCreateInput = z
  .strictObject({
    templateId: TemplateId.optional().meta({ description: "default: the pipeline's, else classic" }),
    validUntil: IsoDate.optional().meta({ description: 'default: today + 30 days' }),
    intro: Text.optional().meta({ description: "default: the template's, in the quote's locale" }),
    terms: Text.optional().meta({ description: "default: the template's, in the quote's locale" }),
    locale: Locale.optional().meta({ description: "default: the contact's, else DEFAULT_LOCALE" }),
    recipient: z
      .strictObject({ name: Name, email: Email })
      .optional()
      .meta({ description: "default: the deal's contact" }),
  })
  .meta({ id: 'QuoteCreateInput' });

/** An email's subject and message as a rep may write them, for a first send or a resend. */
const EmailSubject = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .optional()
  .meta({ description: "default: the template's, in the quote's locale" });
const EmailMessage = z
  .string()
  .max(5000)
  .optional()
  .meta({ description: "default: the template's, in the quote's locale" });

export const QuoteSendInput = z
  .strictObject({
    channel: z.enum(['email', 'link']),
    to: Email.optional().meta({ description: "email only; default: the quote's recipient" }),
    subject: EmailSubject,
    message: EmailMessage,
    reminders: z
      .optional(ReminderSettingsInput)
      .meta({ description: "this quote's reminders, over the pipeline's (see README)" }),
    requireCode: z.optional(z.boolean()).meta({
      description: "require a one-time code emailed to the recipient before signing; default: the pipeline's",
    }),
  })
  .refine(
    (v) =>
      v.channel === 'email' || (v.to === undefined && v.subject === undefined && v.message === undefined),
    {
      message: 'to, subject and message go with the email channel only',
    },
  )
  .meta({ id: 'QuoteSendInput' });

export const QuoteResendInput = z
  .strictObject({
    to: Email.optional().meta({
      description: "default: the quote's recipient (a new address for a lost or refused email)",
    }),
    subject: EmailSubject,
    message: EmailMessage,
  })
  .meta({ id: 'QuoteResendInput' });

export const QuoteSendResult = z.object({ url: z.url(), status: z.string() }).meta({ id: 'QuoteSendResult' });

export type QuoteCreateInput = z.infer<typeof QuoteCreateInput>;
export type QuoteSendInput = z.infer<typeof QuoteSendInput>;
export type QuoteResendInput = z.infer<typeof QuoteResendInput>;
export { Recipient };
