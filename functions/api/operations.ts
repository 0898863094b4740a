import { z } from 'zod';
import type { Contract, Operation } from '#http/operation';
import { defineOperation } from '#http/operation';
import { json } from '#http/response';
import type { OperationOf } from '#infra/routes';
import { bulkContracts } from '../bulk/contracts.ts';
import { documentContracts } from '../documents/contracts.ts';
import { pageContracts } from '../pages/contracts.ts';
import { verifyContracts } from '../verify/contracts.ts';
import * as catalog from './catalog.ts';
import * as deals from './deals.ts';
import { buildOpenApi } from './openapi.ts';
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

let document: ReturnType<typeof buildOpenApi> | undefined;

export const getOpenApi = defineOperation(
  {
    summary: 'This API description (OpenAPI 3.1)',
    tags: ['meta'],
    response: z.object({ openapi: z.string() }).loose().meta({ id: 'OpenApiDocument' }),
  },
  async () => {
    const contracts = Object.fromEntries(Object.entries(operations).map(([name, op]) => [name, op.contract]));
    document ??= buildOpenApi(
      { ...contracts, ...documentContracts, ...pageContracts, ...bulkContracts, ...verifyContracts },
      { version: '0.1.0' },
    );
    return json(200, document);
  },
);

export const operations: Record<OperationOf<'api'>, Operation<Contract>> = { ...apiOperations, getOpenApi };
