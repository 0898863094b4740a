import * as z from 'zod/mini';
import { withMeta } from './common.ts';
import { DealListQuery } from './deals.ts';

export const DealExportQuery = z.safeExtend(DealListQuery, {
  limit: withMeta(z.optional(z.coerce.number().check(z.int(), z.gte(1), z.lte(10_000))), {
    description: 'most deals in the file (default and maximum 10000)',
  }),
});

export const ImportQuery = z.strictObject({
  dryRun: withMeta(
    z.pipe(
      z.optional(z.enum(['true', 'false'])),
      z.transform((v) => v === 'true'),
    ),
    { description: 'true: validate every row and answer what would happen, writing nothing' },
  ),
});

export const ImportBody = withMeta(z.string().check(z.minLength(1)), {
  id: 'DealsCsv',
  description: 'CSV text (text/csv, UTF-8): a header row, then one deal per row',
});

const Problem = z.object({ column: z.string(), message: z.string() });

export const ImportResult = withMeta(
  z.object({
    dryRun: z.boolean(),
    rows: withMeta(z.number().check(z.int()), { description: 'data rows in the file' }),
    created: z.number().check(z.int()),
    updated: z.number().check(z.int()),
    unchanged: withMeta(z.number().check(z.int()), {
      description: 'rows whose deal already holds these values',
    }),
    rejected: z.number().check(z.int()),
    postponed: withMeta(z.number().check(z.int()), {
      description: 'valid rows not written because the request ran out of time: send the same file again',
    }),
    errors: z.array(
      z.object({
        line: withMeta(z.number().check(z.int()), {
          description: 'line of the file where the row starts (the header is line 1)',
        }),
        externalId: z.optional(z.string()),
        id: z.optional(z.string()),
        problems: z.array(Problem),
      }),
    ),
    ignoredColumns: withMeta(z.array(z.string()), {
      description: 'read-only columns of an export, not imported',
    }),
  }),
  { id: 'ImportResult' },
);

export type DealExportQuery = z.infer<typeof DealExportQuery>;
export type ImportResult = z.infer<typeof ImportResult>;
