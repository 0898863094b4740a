import * as z from 'zod';
import { Email, Name } from './common.ts';

/**
 * What customers send from the quote page: as JSON, or as a plain HTML form post (every value a
 * string; a ticked checkbox is "on").
 */

export const DECLINE_REASONS = ['price', 'timing', 'competitor', 'no_longer_needed', 'other'] as const;
export const DeclineReason = z.enum(DECLINE_REASONS);

/** At most 512 KB of PNG, as a data URL. */
export const MAX_SIGNATURE_BYTES = 512 * 1024;

const Consent = z
  .union([z.literal(true), z.literal('true'), z.literal('on'), z.literal('yes')])
  .transform(() => true as const)
  .meta({ description: 'must be true: the customer agrees to sign electronically' });

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

export const TokenParams = z.strictObject({ token: z.string().max(200) });

export const SignInput = z
  .strictObject({
    name: Name,
    email: z.preprocess(blankToUndefined, Email.optional()),
    signature: z.preprocess(
      blankToUndefined,
      z
        .string()
        .max(Math.ceil((MAX_SIGNATURE_BYTES * 4) / 3) + 64, 'the signature image must be at most 512 KB')
        .regex(
          /^data:image\/png;base64,[A-Za-z0-9+/]+={0,2}$/,
          'the signature must be a data:image/png;base64 URL',
        )
        .optional(),
    ),
    consent: Consent,
    code: z
      .preprocess(blankToUndefined, z.optional(z.string().check(z.maxLength(20))))
      .meta({ description: 'the one-time code emailed to the recipient, when the quote requires one' }),
    documentHash: z
      .preprocess(
        blankToUndefined,
        z
          .string()
          .regex(/^[0-9a-f]{64}$/)
          .optional(),
      )
      .meta({
        description: 'the hash of the document the page showed; refused when it is not the current one',
      }),
  })
  .meta({ id: 'SignInput' });

export const ChangesInput = z
  .strictObject({ message: z.string().trim().min(1, 'a message is required').max(5000) })
  .meta({ id: 'ChangesInput' });

export const DeclineInput = z
  .strictObject({
    reason: DeclineReason,
    message: z.preprocess(blankToUndefined, z.string().trim().max(5000).optional()),
  })
  .meta({ id: 'DeclineInput' });

export const ActionResult = z
  .object({
    status: z.string(),
    number: z.string(),
    version: z.number(),
    signedAt: z.string().optional(),
    documentHash: z.string().optional(),
    pdfUrl: z.string().optional(),
  })
  .meta({ id: 'ActionResult' });

export type SignInput = z.infer<typeof SignInput>;
export type ChangesInput = z.infer<typeof ChangesInput>;
export type DeclineInput = z.infer<typeof DeclineInput>;
export type DeclineReason = z.infer<typeof DeclineReason>;

export const CodeRequestResult = z
  .object({
    sentTo: z.string().meta({ description: 'the masked address, e.g. j***@example.com' }),
    expiresAt: z.string(),
  })
  .meta({ id: 'CodeRequestResult' });
