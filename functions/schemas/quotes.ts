import * as z from 'zod/mini';
import type { TaxLine as MoneyTaxLine, Totals } from '#domain/money';
import { Currency, Email, Id, IsoDate, Locale, Name, Percent, Text, Timestamp, withMeta } from './common.ts';
import { Line } from './deals.ts';
import { QuoteReminders, SignerVerification } from './follow-through.ts';

export const QuoteStatus = withMeta(
  z.enum([
    'draft',
    'sent',
    'viewed',
    'signed',
    'changes_requested',
    'declined',
    'expired',
    'superseded',
    'withdrawn',
  ]),
  { id: 'QuoteStatus' },
);

export const QuoteNumber = withMeta(
  z.string().check(z.regex(/^Q-\d{4}-\d{4,}$/, 'must look like Q-2026-0001')),
  { example: 'Q-2026-0001' },
);

/** Template ids are folder names under `templates/`. */
export const TemplateId = withMeta(
  z.string().check(z.regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'must be a slug (a-z, 0-9, - and _)')),
  { example: 'classic' },
);

export const Sha256Hex = withMeta(
  z.string().check(z.regex(/^[0-9a-f]{64}$/, 'must be a lowercase hex SHA-256')),
  { example: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' },
);

/** Totals hold computed figures, so they are bounded by the arithmetic, not by the input limit. */
const MinorUnits = withMeta(z.number().check(z.int(), z.gte(0)), {
  description: 'integer minor units (cents)',
});

export const TaxLine = withMeta(
  z.object({
    rate: withMeta(z.number(), { description: 'percent, e.g. 20 or 5.5' }),
    base: withMeta(MinorUnits, { description: 'taxable amount at this rate, after every discount' }),
    amount: withMeta(MinorUnits, { description: 'tax at this rate, rounded once' }),
  }),
  { id: 'TaxLine' },
) satisfies z.ZodMiniType<MoneyTaxLine>;

/** Exactly `Totals` of `#domain/money` (`satisfies` keeps the two from drifting apart). */
export const QuoteTotals = withMeta(
  z.object({
    gross: withMeta(MinorUnits, { description: 'Σ quantity × unit price, before any discount' }),
    lineDiscounts: withMeta(MinorUnits, { description: 'Σ line discounts' }),
    subtotal: withMeta(MinorUnits, { description: 'after line discounts, before the quote discount' }),
    discount: withMeta(MinorUnits, { description: 'the whole-quote discount' }),
    net: withMeta(MinorUnits, { description: 'subtotal − discount: the amount before tax' }),
    taxes: z.array(TaxLine),
    total: withMeta(MinorUnits, { description: 'net + Σ taxes' }),
  }),
  { id: 'QuoteTotals' },
) satisfies z.ZodMiniType<Totals>;

/** The seller as printed on the quote, copied from the template's seller identity when sent. */
export const SellerSnapshot = withMeta(
  z.object({
    name: Name,
    address: z.optional(z.string().check(z.maxLength(1000))),
    vatNumber: z.optional(z.string().check(z.maxLength(40))),
    registration: withMeta(z.optional(z.string().check(z.maxLength(100))), {
      description: 'company registration (SIRET, company number...)',
    }),
    email: z.optional(Email),
    phone: z.optional(z.string().check(z.maxLength(40))),
    website: z.optional(z.string().check(z.maxLength(200))),
    timeZone: withMeta(z.optional(z.string().check(z.maxLength(64))), {
      description: 'IANA time zone in which dates are printed',
      example: 'Europe/Paris',
    }),
  }),
  { id: 'Seller' },
);

export const QuoteClient = withMeta(
  z.object({
    name: Name,
    companyName: z.optional(Name),
    address: z.optional(z.string().check(z.maxLength(1000))),
    vatNumber: z.optional(z.string().check(z.maxLength(40))),
    email: Email,
  }),
  { id: 'QuoteClient' },
);

export const Recipient = withMeta(z.object({ name: Name, email: Email }), { id: 'Recipient' });

export const SignatureMethod = withMeta(z.enum(['typed', 'drawn']), {
  id: 'SignatureMethod',
  description: 'typed name only, or typed name and a drawn signature',
});

/** A PNG data URL of at most 512 KB (see MAX_SIGNATURE_BYTES in public.ts). */
export const SignatureImage = z
  .string()
  .check(
    z.maxLength(Math.ceil((512 * 1024 * 4) / 3) + 64),
    z.regex(/^data:image\/png;base64,[A-Za-z0-9+/]+={0,2}$/, 'must be a data:image/png;base64 URL'),
  );

export const QuoteSignature = withMeta(
  z.object({
    name: Name,
    email: z.optional(Email),
    image: z.optional(SignatureImage),
    method: SignatureMethod,
    consent: z.literal(true),
    at: Timestamp,
    ip: z.string().check(z.maxLength(64)),
    userAgent: z.string().check(z.maxLength(1000)),
    documentHash: withMeta(Sha256Hex, { description: 'SHA-256 of the exact PDF the signer was shown' }),
    verification: z.optional(SignerVerification),
  }),
  { id: 'QuoteSignature' },
);

export const ChangeRequest = withMeta(
  z.object({ at: Timestamp, message: z.string().check(z.maxLength(5000)) }),
  { id: 'ChangeRequest' },
);

export const QuoteDecline = withMeta(
  z.object({
    reason: z.string().check(z.maxLength(200)),
    message: z.optional(z.string().check(z.maxLength(5000))),
    at: Timestamp,
  }),
  { id: 'QuoteDecline' },
);

export const Quote = withMeta(
  z.object({
    id: Id,
    dealId: Id,
    number: QuoteNumber,
    version: z.number().check(z.int(), z.gte(1)),
    templateId: TemplateId,
    locale: Locale,
    currency: Currency,
    status: QuoteStatus,
    validUntil: IsoDate,
    intro: z.optional(Text),
    terms: z.optional(Text),
    recipient: Recipient,
    lines: z.array(Line),
    discountPercent: Percent,
    totals: QuoteTotals,
    seller: withMeta(z.optional(SellerSnapshot), {
      description:
        "frozen copy of the seller identity; absent on drafts, which show the template's current one",
    }),
    client: QuoteClient,
    createdAt: Timestamp,
    updatedAt: Timestamp,
    sentAt: z.optional(Timestamp),
    sentBy: withMeta(z.optional(z.object({ id: z.string(), name: z.string(), email: z.string() })), {
      description: 'the rep who sent it: notices reach them when the owner is unknown',
    }),
    viewedAt: z.optional(Timestamp),
    signedAt: z.optional(Timestamp),
    documentHash: withMeta(z.optional(Sha256Hex), {
      description: 'SHA-256 of the PDF as sent: the stored file every PDF route serves',
    }),
    signature: z.optional(QuoteSignature),
    signedCopyHash: withMeta(z.optional(Sha256Hex), {
      description:
        'SHA-256 of the sealed signed copy (built once by the outbox, seconds after signing; absent until then)',
    }),
    chainHead: withMeta(z.optional(Sha256Hex), {
      description: "SHA-256 of the quote's latest event: the head of its event hash chain",
    }),
    changeRequests: z.array(ChangeRequest),
    decline: z.optional(QuoteDecline),
    reminders: z.optional(QuoteReminders),
    requireCode: withMeta(z.optional(z.boolean()), {
      description: 'the customer must enter a one-time code emailed to the recipient to sign',
    }),
  }),
  { id: 'Quote' },
);

/** One entry of `GET /templates`. */
export const TemplateSummary = withMeta(
  z.object({
    id: TemplateId,
    name: z.object({ en: z.string(), fr: z.string() }),
    description: z.object({ en: z.string(), fr: z.string() }),
    locales: z.array(Locale),
    defaultIntro: z.object({ en: z.string(), fr: z.string() }),
    defaultTerms: z.object({ en: z.string(), fr: z.string() }),
  }),
  { id: 'Template' },
);

export type QuoteStatus = z.infer<typeof QuoteStatus>;
export type QuoteTotals = z.infer<typeof QuoteTotals>;
export type SellerSnapshot = z.infer<typeof SellerSnapshot>;
export type QuoteClient = z.infer<typeof QuoteClient>;
export type Recipient = z.infer<typeof Recipient>;
export type SignatureMethod = z.infer<typeof SignatureMethod>;
export type QuoteSignature = z.infer<typeof QuoteSignature>;
export type ChangeRequest = z.infer<typeof ChangeRequest>;
export type QuoteDecline = z.infer<typeof QuoteDecline>;
export type Quote = z.infer<typeof Quote>;
export type TemplateSummary = z.infer<typeof TemplateSummary>;
