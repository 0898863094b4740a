import * as z from 'zod/mini';
import { MAX_AMOUNT } from '#domain/money';
// Every schema module imports this one, so zod's English messages are set before any parse.
import './messages.ts';

/**
 * OpenAPI metadata (`id`, `description`, `example`) on a copy of `schema`, as classic zod's
 * `.meta()` did: the original stays bare, so a shared schema can carry a different description at
 * each use. The one way to annotate a schema here (`.check(z.meta(...))` would copy an `id` onto
 * every schema derived from it).
 */
export function withMeta<T extends z.ZodMiniType>(schema: T, meta: z.core.GlobalMeta): T {
  const copy = schema.clone();
  z.globalRegistry.add(copy, meta);
  return copy;
}

/** ULID: 26 Crockford base32 characters. */
export const Id = withMeta(z.string().check(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a ULID')), {
  example: '01JD3M8ZP6V0Q6W9C2R4K5T7XY',
});

/** Stage ids are short slugs, unique within their pipeline. */
export const StageId = z
  .string()
  .check(z.regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'must be a slug (a-z, 0-9, - and _)'));

export const Money = withMeta(
  z
    .number()
    .check(
      z.int('must be an integer amount of minor units'),
      z.gte(0),
      z.lte(MAX_AMOUNT, 'must not exceed 10^13 minor units'),
    ),
  { description: 'integer minor units (cents)' },
);

export const Currency = withMeta(
  z.string().check(z.regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR')),
  { example: 'EUR' },
);

export const IsoDate = withMeta(z.iso.date(), { example: '2026-12-31' });
export const Timestamp = withMeta(z.iso.datetime(), { example: '2026-11-23T10:00:00.000Z' });

export const Percent = z.number().check(
  z.gte(0),
  z.lte(100),
  z.refine((v) => Number.isInteger(Math.round(v * 100 * 1e6) / 1e6), 'at most two decimals'),
);

export const TaxRate = z.number().check(
  z.gte(0),
  z.lte(100),
  z.refine((v) => Number.isInteger(Math.round(v * 1000 * 1e6) / 1e6), 'at most three decimals'),
);

export const Locale = z.enum(['en', 'fr']);

/** Short free text (names, titles). */
export const Name = z.string().check(z.trim(), z.minLength(1), z.maxLength(200));
/** Longer free text (descriptions, notes). */
export const Text = z.string().check(z.maxLength(5000));
export const Email = z.email().check(z.maxLength(254));

export const Cursor = withMeta(z.string().check(z.maxLength(2000)), {
  description: 'opaque; from the previous page',
});
export const Limit = z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(200)), 50);

export const ListQuery = z.strictObject({ cursor: z.optional(Cursor), limit: z.optional(Limit) });

export const IdParams = z.strictObject({ id: Id });

export function page<T extends z.ZodMiniType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.optional(Cursor) });
}

export const ErrorBody = withMeta(
  z.object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.optional(z.unknown()),
    }),
  }),
  { id: 'Error' },
);
