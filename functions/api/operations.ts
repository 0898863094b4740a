import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import * as z from 'zod/mini';
import type { OperationOf } from '#contracts/routes';
import type { Contract, Operation } from '#http/operation';
import { defineOperation } from '#http/operation';
import { jsonText } from '#http/response';
import { withMeta } from '#schemas/common';
import * as catalog from './catalog.ts';
import * as deals from './deals.ts';
import * as pipelines from './pipelines.ts';
import * as quotes from './quotes.ts';
import * as reports from './reports.ts';
import * as tasks from './tasks.ts';

/** Every operation the `api` function serves; the type makes a route without one a compile error. */
type ApiOperations = Record<Exclude<OperationOf<'api'>, 'getOpenApi'>, Operation<Contract>>;

export const apiOperations = {
  ...catalog,
  ...pipelines,
  ...deals,
  ...quotes,
  ...reports,
  ...tasks,
} satisfies ApiOperations;

/**
 * The OpenAPI document is generated at build time from the contracts (`npm run openapi` writes
 * `openapi.json` next to this file; the bundle carries it compressed next to index.mjs), so a cold
 * start loads neither the JSON Schema converter nor the other functions' contracts. Read on the
 * first request.
 */
let document: string | undefined;
function openApiText(): string {
  if (document === undefined) {
    const compressed = new URL('./openapi.json.gz', import.meta.url);
    document = existsSync(compressed)
      ? gunzipSync(readFileSync(compressed)).toString('utf8')
      : readFileSync(new URL('./openapi.json', import.meta.url), 'utf8');
  }
  return document;
}

export const getOpenApi = defineOperation(
  {
    summary: 'This API description (OpenAPI 3.1)',
    tags: ['meta'],
    auth: 'public',
    response: withMeta(z.looseObject({ openapi: z.string() }), { id: 'OpenApiDocument' }),
  },
  async () => jsonText(200, openApiText()),
);

export const operations: Record<OperationOf<'api'>, Operation<Contract>> = { ...apiOperations, getOpenApi };
