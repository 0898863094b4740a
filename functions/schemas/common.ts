import * as z from 'zod';
import { MAX_AMOUNT } from '#domain/money';

/** ULID: 26 Crockford base32 characters. */
export const Id = z
  .string()
  .regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a ULID')
  .meta({ example: '01JD3M8ZP6V0Q6W9C2R4K5T7XY' });

/** Stage ids are short slugs, unique within their pipeline. */
export const StageId = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'must be a slug (a-z, 0-9, - and _)');

export const Money = z
  .number()
  .int('must be an integer amount of minor units')
  .min(0)
  .max(MAX_AMOUNT, 'must not exceed 10^13 minor units')
  .meta({ description: 'integer minor units (cents)' });

export const Currency = z
  .string()
  .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR')
  .meta({ example: 'EUR' });

export const IsoDate = z.iso.date().meta({ example: '2026-12-31' });
export const Timestamp = z.iso.datetime().meta({ example: '2026-11-23T10:00:00.000Z' });

export const Percent = z
  .number()
  .min(0)
  .max(100)
  .refine((v) => Number.isInteger(Math.round(v * 100 * 1e6) / 1e6), 'at most two decimals');

export const TaxRate = z
  .number()
  .min(0)
  .max(100)
  .refine((v) => Number.isInteger(Math.round(v * 1000 * 1e6) / 1e6), 'at most three decimals');

export const Locale = z.enum(['en', 'fr']);

/** Short free text (names, titles). */
export const Name = z.string().trim().min(1).max(200);
/** Longer free text (descriptions, notes). */
export const Text = z.string().max(5000);
export const Email = z.email().max(254);

export const Cursor = z.string().max(2000).meta({ description: 'opaque; from the previous page' });
export const Limit = z.coerce.number().int().min(1).max(200).default(50);

export const ListQuery = z.strictObject({ cursor: Cursor.optional(), limit: Limit.optional() });

export const IdParams = z.strictObject({ id: Id });

export function page<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: Cursor.optional() });
}

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .meta({ id: 'Error' });
