import * as z from 'zod';
import type { TaxLine as MoneyTaxLine, Totals } from '#domain/money';
import { Currency, Email, Id, IsoDate, Locale, Name, Percent, Text, Timestamp } from './common.ts';
import { Line } from './deals.ts';
import { QuoteReminders, SignerVerification } from './follow-through.ts';

export const QuoteStatus = z
  .enum([
    'draft',
    'sent',
    'viewed',
    'signed',
    'changes_requested',
    'declined',
    'expired',
    'superseded',
    'withdrawn',
  ])
  .meta({ id: 'QuoteStatus' });

export const QuoteNumber = z
  .string()
  .regex(/^Q-\d{4}-\d{4,}$/, 'must look like Q-2026-0001')
  .meta({ example: 'Q-2026-0001' });

/** Template ids are folder names under `templates/`. */
export const TemplateId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'must be a slug (a-z, 0-9, - and _)')
  .meta({ example: 'classic' });

export const Sha256Hex = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'must be a lowercase hex SHA-256')
  .meta({ example: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' });

/** Totals hold computed figures, so they are bounded by the arithmetic, not by the input limit. */
const MinorUnits = z.number().int().min(0).meta({ description: 'integer minor units (cents)' });

export const TaxLine = z
  .object({
    rate: z.number().meta({ description: 'percent, e.g. 20 or 5.5' }),
    base: MinorUnits.meta({ description: 'taxable amount at this rate, after every discount' }),
    amount: MinorUnits.meta({ description: 'tax at this rate, rounded once' }),
  })
  .meta({ id: 'TaxLine' }) satisfies z.ZodType<MoneyTaxLine>;

/** Exactly `Totals` of `#domain/money` (`satisfies` keeps the two from drifting apart). */
export const QuoteTotals = z
  .object({
    gross: MinorUnits.meta({ description: 'Σ quantity × unit price, before any discount' }),
    lineDiscounts: MinorUnits.meta({ description: 'Σ line discounts' }),
    subtotal: MinorUnits.meta({ description: 'after line discounts, before the quote discount' }),
    discount: MinorUnits.meta({ description: 'the whole-quote discount' }),
    net: MinorUnits.meta({ description: 'subtotal − discount: the amount before tax' }),
    taxes: z.array(TaxLine),
    total: MinorUnits.meta({ description: 'net + Σ taxes' }),
  })
  .meta({ id: 'QuoteTotals' }) satisfies z.ZodType<Totals>;

/** The seller as printed on the quote, copied from the template's seller identity when sent. */
export const SellerSnapshot = z
  .object({
    name: Name,
    address: z.string().max(1000).optional(),
    vatNumber: z.string().max(40).optional(),
    registration: z
      .string()
      .max(100)
      .optional()
      .meta({ description: 'company registration (SIRET, company number...)' }),
    email: Email.optional(),
    phone: z.string().max(40).optional(),
    website: z.string().max(200).optional(),
    timeZone: z
      .string()
      .max(64)
      .optional()
      .meta({ description: 'IANA time zone in which dates are printed', example: 'Europe/Paris' }),
  })
  .meta({ id: 'Seller' });

export const QuoteClient = z
  .object({
    name: Name,
    companyName: Name.optional(),
    address: z.string().max(1000).optional(),
    vatNumber: z.string().max(40).optional(),
    email: Email,
  })
  .meta({ id: 'QuoteClient' });

export const Recipient = z.object({ name: Name, email: Email }).meta({ id: 'Recipient' });

export const SignatureMethod = z
  .enum(['typed', 'drawn'])
  .meta({ id: 'SignatureMethod', description: 'typed name only, or typed name and a drawn signature' });

/** A PNG data URL of at most 512 KB (see MAX_SIGNATURE_BYTES in public.ts). */
export const SignatureImage = z
  .string()
  .max(Math.ceil((512 * 1024 * 4) / 3) + 64)
  .regex(/^data:image\/png;base64,[A-Za-z0-9+/]+={0,2}$/, 'must be a data:image/png;base64 URL');

export const QuoteSignature = z
  .object({
    name: Name,
    email: Email.optional(),
    image: SignatureImage.optional(),
    method: SignatureMethod,
    consent: z.literal(true),
    at: Timestamp,
    ip: z.string().max(64),
    userAgent: z.string().max(1000),
    documentHash: Sha256Hex.meta({ description: 'SHA-256 of the exact PDF the signer was shown' }),
    verification: z.optional(SignerVerification),
  })
  .meta({ id: 'QuoteSignature' });

export const ChangeRequest = z
  .object({ at: Timestamp, message: z.string().max(5000) })
  .meta({ id: 'ChangeRequest' });

export const QuoteDecline = z
  .object({ reason: z.string().max(200), message: z.string().max(5000).optional(), at: Timestamp })
  .meta({ id: 'QuoteDecline' });

export const Quote = z
  .object({
    id: Id,
    dealId: Id,
    number: QuoteNumber,
    version: z.number().int().min(1),
    templateId: TemplateId,
    locale: Locale,
    currency: Currency,
    status: QuoteStatus,
    validUntil: IsoDate,
    intro: Text.optional(),
    terms: Text.optional(),
    recipient: Recipient,
    lines: z.array(Line),
    discountPercent: Percent,
    totals: QuoteTotals,
    seller: SellerSnapshot.optional().meta({
      description:
        "frozen copy of the seller identity; absent on drafts, which show the template's current one",
    }),
    client: QuoteClient,
    createdAt: Timestamp,
    updatedAt: Timestamp,
    sentAt: Timestamp.optional(),
    sentBy: z
      .object({ id: z.string(), name: z.string(), email: z.string() })
      .optional()
      .meta({ description: 'the rep who sent it: notices reach them when the owner is unknown' }),
    viewedAt: Timestamp.optional(),
    signedAt: Timestamp.optional(),
    documentHash: Sha256Hex.optional().meta({ description: 'SHA-256 of the PDF as sent' }),
    signature: QuoteSignature.optional(),
    changeRequests: z.array(ChangeRequest),
    decline: QuoteDecline.optional(),
    reminders: z.optional(QuoteReminders),
    requireCode: z
      .optional(z.boolean())
      .meta({ description: 'the customer must enter a one-time code emailed to the recipient to sign' }),
  })
  .meta({ id: 'Quote' });

/** One entry of `GET /templates`. */
export const TemplateSummary = z
  .object({
    id: TemplateId,
    name: z.object({ en: z.string(), fr: z.string() }),
    description: z.object({ en: z.string(), fr: z.string() }),
    locales: z.array(Locale),
    defaultIntro: z.object({ en: z.string(), fr: z.string() }),
    defaultTerms: z.object({ en: z.string(), fr: z.string() }),
  })
  .meta({ id: 'Template' });

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
