import type { Contract } from '#http/operation';
import { DealExportQuery, ImportBody, ImportQuery, ImportResult } from '#schemas/csv';

/**
 * The contracts of the `bulk` routes (CSV export and import of deals), apart from their
 * implementation, so the OpenAPI document served by `api` describes them.
 */
export const bulkContracts = {
  exportDeals: {
    summary: 'The deals GET /deals lists with the same filters, every page of them, as one CSV file',
    description:
      'UTF-8 with a byte-order mark, a header row, RFC 4180 quoting; money as decimal numbers with the currency in its own column; text cells starting with =, +, -, @, tab or carriage return are prefixed with an apostrophe. At most 10,000 deals per file: when more match, the `x-next-cursor` header holds the cursor that continues the export.',
    tags: ['deals'],
    query: DealExportQuery,
    response: { mediaType: 'text/csv', description: 'the deals, one per row' },
  },
  importDeals: {
    summary: 'Create or update deals from a CSV file, idempotently by externalId',
    description:
      'Columns are matched by header name (README "CSV export and import"). A file that cannot be read (not UTF-8, bad quoting, no header, unknown columns, ragged rows, more than 10,000 rows) is refused whole. Otherwise every row is validated first; rows that break a rule are listed and skipped, the others written. A known externalId updates its deal with the non-empty cells; importing the same file again changes nothing. With `dryRun=true` nothing is written. One import writes at a time: another one meanwhile gets 409 and writes nothing. Rows answered as `postponed` were not written in time: send the same file again to finish them.',
    tags: ['deals'],
    query: ImportQuery,
    body: ImportBody,
    bodyTypes: ['csv'],
    response: ImportResult,
    errors: [409, 413, 415],
  },
} as const satisfies Record<string, Contract>;
