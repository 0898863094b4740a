import { UnsupportedMediaTypeError } from '#domain/errors';
import { csv } from '#http/csv';
import { defineOperation } from '#http/operation';
import { json } from '#http/response';
import { exportDeals } from '#services/csv';
import { importDeals } from '#services/imports';

/** Built on the first request to one of these routes (see `Contracts`). */
const contracts = () => import('./contracts.ts').then((m) => m.bulkContracts);

/** A charset parameter other than UTF-8 is refused before the body is read as text. */
function assertUtf8(contentType: string | undefined): void {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '')?.[1]?.toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    throw new UnsupportedMediaTypeError(`send the file as UTF-8 (text/csv; charset=utf-8), not ${charset}`);
  }
}

export const bulkOperations = {
  exportDeals: defineOperation(contracts, 'exportDeals', async ({ query, user }) => {
    const file = await exportDeals(query, user);
    const day = new Date().toISOString().slice(0, 10);
    return csv(200, file.csv, `deals-${day}.csv`, {
      'x-row-count': String(file.rows),
      ...(file.nextCursor ? { 'x-next-cursor': file.nextCursor } : {}),
    });
  }),
  importDeals: defineOperation(contracts, 'importDeals', async ({ query, body, user, headers }) => {
    assertUtf8(headers['content-type']);
    return json(200, await importDeals(body, { dryRun: query.dryRun }, user));
  }),
};
