import * as z from 'zod/mini';
import { DECLINE_REASONS } from '#domain/quotes';
import { Email, Name, withMeta } from './common.ts';

/**
 * What customers send from the quote page: as JSON, or as a plain HTML form post (every value a
 * string; a ticked checkbox is "on").
 */

export const DeclineReason = z.enum(DECLINE_REASONS);

/** At most 512 KB of PNG, as a data URL. */
export const MAX_SIGNATURE_BYTES = 512 * 1024;

const Consent = withMeta(
  z.pipe(
    z.union([z.literal(true), z.literal('true'), z.literal('on'), z.literal('yes')]),
    z.transform(() => true as const),
  ),
  { description: 'must be true: the customer agrees to sign electronically' },
);

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

/** A blank form field is an absent one (classic zod's `z.preprocess`). */
function blankIsAbsent<T extends z.ZodMiniType>(schema: T) {
  return z.pipe(z.transform(blankToUndefined), schema);
}

export const TokenParams = z.strictObject({ token: z.string().check(z.maxLength(200)) });

export const SignInput = withMeta(
  z.strictObject({
    name: Name,
    email: blankIsAbsent(z.optional(Email)),
    signature: blankIsAbsent(
      z.optional(
        z
          .string()
          .check(
            z.maxLength(
              Math.ceil((MAX_SIGNATURE_BYTES * 4) / 3) + 64,
              'the signature image must be at most 512 KB',
            ),
            z.regex(
              /^data:image\/png;base64,[A-Za-z0-9+/]+={0,2}$/,
              'the signature must be a data:image/png;base64 URL',
            ),
          ),
      ),
    ),
    consent: Consent,
    code: withMeta(blankIsAbsent(z.optional(z.string().check(z.maxLength(20)))), {
      description: 'the one-time code emailed to the recipient, when the quote requires one',
    }),
    documentHash: withMeta(blankIsAbsent(z.optional(z.string().check(z.regex(/^[0-9a-f]{64}$/)))), {
      description: 'the hash of the document the page showed; refused when it is not the current one',
    }),
  }),
  { id: 'SignInput' },
);

export const ChangesInput = withMeta(
  z.strictObject({
    message: z.string().check(z.trim(), z.minLength(1, 'a message is required'), z.maxLength(5000)),
  }),
  { id: 'ChangesInput' },
);

export const DeclineInput = withMeta(
  z.strictObject({
    reason: DeclineReason,
    message: blankIsAbsent(z.optional(z.string().check(z.trim(), z.maxLength(5000)))),
  }),
  { id: 'DeclineInput' },
);

export const ActionResult = withMeta(
  z.object({
    status: z.string(),
    number: z.string(),
    version: z.number(),
    signedAt: z.optional(z.string()),
    documentHash: z.optional(z.string()),
    pdfUrl: z.optional(z.string()),
  }),
  { id: 'ActionResult' },
);

export type SignInput = z.infer<typeof SignInput>;
export type ChangesInput = z.infer<typeof ChangesInput>;
export type DeclineInput = z.infer<typeof DeclineInput>;
export type DeclineReason = z.infer<typeof DeclineReason>;

export const CodeRequestResult = withMeta(
  z.object({
    sentTo: withMeta(z.string(), { description: 'the masked address, e.g. j***@example.com' }),
    expiresAt: z.string(),
  }),
  { id: 'CodeRequestResult' },
);
