import { api, type Schemas, unwrap } from '../../../lib/api-client.ts';

export type ImportResult = Schemas['ImportResult'];

/** The API's limit: larger files are refused (413) without being read. */
export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;

/** `POST /deals/import` with the file as CSV text; a dry run writes nothing. */
export function importDeals(csv: string, dryRun: boolean): Promise<ImportResult> {
  return unwrap(
    api.POST('/deals/import', {
      params: { query: { dryRun: dryRun ? 'true' : 'false' } },
      body: csv,
      bodySerializer: (body) => body,
      headers: { 'content-type': 'text/csv; charset=utf-8' },
    }),
  );
}
