import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { OperationOf } from '#contracts/routes';
import type { Contract, Operation } from '#http/operation';
import { defineOperation } from '#http/operation';
import { jsonText } from '#http/response';
import * as activity from './activity.ts';
import * as catalog from './catalog.ts';
import * as deals from './deals.ts';
import * as pipelines from './pipelines.ts';
import * as quotes from './quotes.ts';
import * as reports from './reports.ts';
import * as tasks from './tasks.ts';
import * as webhooks from './webhooks.ts';

/** Every operation the `api` function serves; the type makes a route without one a compile error. */
type ApiOperations = Record<Exclude<OperationOf<'api'>, 'getOpenApi'>, Operation<Contract>>;

export const apiOperations = {
  ...catalog,
  ...pipelines,
  ...deals,
  ...quotes,
  ...reports,
  ...tasks,
  ...activity,
  ...webhooks,
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

/** Built on its first request (see `Contracts`). */
const metaContracts = () => import('./contracts/meta.ts').then((m) => m.metaContracts);

export const getOpenApi = defineOperation(metaContracts, 'getOpenApi', async () =>
  jsonText(200, openApiText()),
);

export const operations: Record<OperationOf<'api'>, Operation<Contract>> = { ...apiOperations, getOpenApi };
