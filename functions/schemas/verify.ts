import { z } from 'zod';
import { Sha256Hex } from './quotes.ts';

/** `GET /verify/{sha256}`: the hash of the file, lowercase hex. */
export const VerifyParams = z.strictObject({ sha256: z.string().max(200) });

export const VerifyQuery = z.object({ lang: z.enum(['en', 'fr']).optional() });

export const VerifyResult = z
  .object({
    sha256: Sha256Hex,
    issued: z.boolean().meta({ description: 'whether this Closer issued this exact file' }),
    kind: z.enum(['quote', 'signed_copy']).optional().meta({
      description: 'the quote PDF as sent, or the sealed signed copy',
    }),
    number: z.string().optional(),
    version: z.number().int().optional(),
    seller: z.string().optional(),
    status: z.string().optional().meta({ description: "the quote's status now" }),
    signedBy: z.object({ name: z.string(), at: z.string() }).optional().meta({
      description: "signed copies: the signer's name and the time of signing (nothing else personal)",
    }),
    chain: z
      .object({ valid: z.boolean(), length: z.number().int(), unchained: z.number().int() })
      .optional()
      .meta({ description: "whether the quote's event hash chain verifies from the stored events" }),
    sealSubject: z.string().optional().meta({ description: "signed copies: the seal certificate's subject" }),
    issuedAt: z.string().optional(),
  })
  .meta({ id: 'VerifyResult' });

export type VerifyResult = z.infer<typeof VerifyResult>;
