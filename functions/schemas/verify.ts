import * as z from 'zod/mini';
import { withMeta } from './common.ts';
import { Sha256Hex } from './quotes.ts';

/** `GET /verify/{sha256}`: the hash of the file, lowercase hex. */
export const VerifyParams = z.strictObject({ sha256: z.string().check(z.maxLength(200)) });

export const VerifyQuery = z.object({ lang: z.optional(z.enum(['en', 'fr'])) });

export const VerifyResult = withMeta(
  z.object({
    sha256: Sha256Hex,
    issued: withMeta(z.boolean(), { description: 'whether this Closer issued this exact file' }),
    kind: withMeta(z.optional(z.enum(['quote', 'signed_copy'])), {
      description: 'the quote PDF as sent, or the sealed signed copy',
    }),
    number: z.optional(z.string()),
    version: z.optional(z.number().check(z.int())),
    seller: z.optional(z.string()),
    status: withMeta(z.optional(z.string()), { description: "the quote's status now" }),
    signedBy: withMeta(z.optional(z.object({ name: z.string(), at: z.string() })), {
      description: "signed copies: the signer's name and the time of signing (nothing else personal)",
    }),
    chain: withMeta(
      z.optional(
        z.object({
          valid: z.boolean(),
          length: z.number().check(z.int()),
          unchained: z.number().check(z.int()),
        }),
      ),
      { description: "whether the quote's event hash chain verifies from the stored events" },
    ),
    sealSubject: withMeta(z.optional(z.string()), {
      description: "signed copies: the seal certificate's subject",
    }),
    issuedAt: z.optional(z.string()),
  }),
  { id: 'VerifyResult' },
);

export type VerifyResult = z.infer<typeof VerifyResult>;
