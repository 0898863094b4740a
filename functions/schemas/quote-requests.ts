import * as z from 'zod/mini';
import { Email, IsoDate, Locale, Name, Text, withMeta } from './common.ts';
import { ReminderSettingsInput } from './follow-through.ts';
import { Recipient, TemplateId } from './quotes.ts';

/** What reps send to the quote routes (the Quote resource itself is in quotes.ts). */

export const QuoteCreateInput = withMeta(
  z.strictObject({
    templateId: withMeta(z.optional(TemplateId), { description: "default: the pipeline's, else classic" }),
    validUntil: withMeta(z.optional(IsoDate), { description: 'default: today + 30 days' }),
    intro: withMeta(z.optional(Text), { description: "default: the template's, in the quote's locale" }),
    terms: withMeta(z.optional(Text), { description: "default: the template's, in the quote's locale" }),
    locale: withMeta(z.optional(Locale), { description: "default: the contact's, else DEFAULT_LOCALE" }),
    recipient: withMeta(z.optional(z.strictObject({ name: Name, email: Email })), {
      description: "default: the deal's contact",
    }),
  }),
  { id: 'QuoteCreateInput' },
);

/** An email's subject and message as a rep may write them, for a first send or a resend. */
const EmailSubject = withMeta(z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(200))), {
  description: "default: the template's, in the quote's locale",
});
const EmailMessage = withMeta(z.optional(z.string().check(z.maxLength(5000))), {
  description: "default: the template's, in the quote's locale",
});

export const QuoteSendInput = withMeta(
  z
    .strictObject({
      channel: z.enum(['email', 'link']),
      to: withMeta(z.optional(Email), { description: "email only; default: the quote's recipient" }),
      subject: EmailSubject,
      message: EmailMessage,
      reminders: withMeta(z.optional(ReminderSettingsInput), {
        description: "this quote's reminders, over the pipeline's (see README)",
      }),
      requireCode: withMeta(z.optional(z.boolean()), {
        description:
          "require a one-time code emailed to the recipient before signing; default: the pipeline's",
      }),
    })
    .check(
      z.refine(
        (v) =>
          v.channel === 'email' || (v.to === undefined && v.subject === undefined && v.message === undefined),
        {
          message: 'to, subject and message go with the email channel only',
        },
      ),
    ),
  { id: 'QuoteSendInput' },
);

export const QuoteResendInput = withMeta(
  z.strictObject({
    to: withMeta(z.optional(Email), {
      description: "default: the quote's recipient (a new address for a lost or refused email)",
    }),
    subject: EmailSubject,
    message: EmailMessage,
  }),
  { id: 'QuoteResendInput' },
);

export const QuoteSendResult = withMeta(z.object({ url: z.url(), status: z.string() }), {
  id: 'QuoteSendResult',
});

/** What the quote builder changes on a draft; every field optional, at least one. */
export const QuoteDraftPatch = withMeta(
  z
    .strictObject({
      templateId: z.optional(TemplateId),
      validUntil: z.optional(IsoDate),
      intro: z.optional(Text),
      terms: z.optional(Text),
      locale: z.optional(Locale),
      recipient: z.optional(z.strictObject({ name: Name, email: Email })),
    })
    .check(z.refine((v) => Object.keys(v).length > 0, 'nothing to change')),
  { id: 'QuoteDraftPatch' },
);

/** The quote email as it would leave with this subject and message (`GET /quotes/{id}/email`). */
export const QuoteEmailQuery = z.strictObject({
  to: z.optional(Email),
  subject: EmailSubject,
  message: EmailMessage,
});

export const QuoteEmailPreview = withMeta(
  z.object({
    to: z.string(),
    subject: z.string(),
    message: withMeta(z.string(), { description: "the message as given, else the template's, filled in" }),
    defaultSubject: z.string(),
    defaultMessage: z.string(),
    html: z.string(),
    text: z.string(),
  }),
  { id: 'QuoteEmailPreview' },
);

export type QuoteDraftPatch = z.infer<typeof QuoteDraftPatch>;
export type QuoteCreateInput = z.infer<typeof QuoteCreateInput>;
export type QuoteSendInput = z.infer<typeof QuoteSendInput>;
export type QuoteResendInput = z.infer<typeof QuoteResendInput>;
export { Recipient };
