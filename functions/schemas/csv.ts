import * as z from 'zod';
import { DealListQuery } from './deals.ts';

export const DealExportQuery = DealListQuery.safeExtend({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(10_000)
    .optional()
    .meta({ description: 'most deals in the file (default and maximum 10000)' }),
});

export const ImportQuery = z.strictObject({
  dryRun: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true')
    .meta({ description: 'true: validate every row and answer what would happen, writing nothing' }),
});

export const ImportBody = z
  .string()
  .min(1)
  .meta({ id: 'DealsCsv', description: 'CSV text (text/csv, UTF-8): a header row, then one deal per row' });

const Problem = z.object({ column: z.string(), message: z.string() });

export const ImportResult = z
  .object({
    dryRun: z.boolean(),
    rows: z.number().int().meta({ description: 'data rows in the file' }),
    created: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int().meta({ description: 'rows whose deal already holds these values' }),
    rejected: z.number().int(),
    postponed: z.number().int().meta({
      description: 'valid rows not written because the request ran out of time: send the same file again',
    }),
    errors: z.array(
      z.object({
        line: z
          .number()
          .int()
          .meta({ description: 'line of the file where the row starts (the header is line 1)' }),
        externalId: z.string().optional(),
        id: z.string().optional(),
        problems: z.array(Problem),
      }),
    ),
    ignoredColumns: z.array(z.string()).meta({ description: 'read-only columns of an export, not imported' }),
  })
  .meta({ id: 'ImportResult' });

export type DealExportQuery = z.infer<typeof DealExportQuery>;
export type ImportResult = z.infer<typeof ImportResult>;
