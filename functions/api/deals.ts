import { ValidationError } from '#domain/errors';
import { defineOperation } from '#http/operation';
import { json } from '#http/response';
import type { Deal } from '#schemas/deals';
import {
  commentOnDeal,
  createDeal as create,
  dealTimeline,
  getDealFor,
  listDeals as list,
  moveDealStage as move,
  replaceDealLines as replaceLines,
  updateDeal as update,
} from '#services/deals';

/** Built on the first request to one of these routes (see `Contracts`). */
const contracts = () => import('./contracts/deals.ts').then((m) => m.dealsContracts);

/** `If-Match: 3` or `If-Match: "3"` (an ETag-style quoted version). */
function versionFrom(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const match = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header);
  if (!match?.[1]) {
    throw new ValidationError('If-Match must be the deal version', [
      { path: 'headers.if-match', message: 'expected a number such as "3"' },
    ]);
  }
  return Number(match[1]);
}

const etag = (deal: Deal) => ({ etag: `"${deal.version}"` });

export const listDeals = defineOperation(contracts, 'listDeals', async ({ query, user }) =>
  json(200, await list(query, user)),
);

export const createDeal = defineOperation(contracts, 'createDeal', async ({ body, user }) => {
  const deal = await create(body, user);
  return json(201, deal, etag(deal));
});

export const getDeal = defineOperation(contracts, 'getDeal', async ({ params, user }) => {
  const deal = await getDealFor(params.id, user);
  return json(200, deal, etag(deal));
});

export const updateDeal = defineOperation(
  contracts,
  'updateDeal',
  async ({ params, body, user, headers }) => {
    const deal = await update(params.id, body, user, versionFrom(headers['if-match']));
    return json(200, deal, etag(deal));
  },
);

export const moveDealStage = defineOperation(contracts, 'moveDealStage', async ({ params, body, user }) => {
  const deal = await move(params.id, body, user);
  return json(200, deal, etag(deal));
});

export const replaceDealLines = defineOperation(
  contracts,
  'replaceDealLines',
  async ({ params, body, user }) => {
    const deal = await replaceLines(params.id, body, user);
    return json(200, deal, etag(deal));
  },
);

export const getDealTimeline = defineOperation(
  contracts,
  'getDealTimeline',
  async ({ params, query, user }) =>
    json(200, await dealTimeline(params.id, user, query.cursor, query.limit ?? 50)),
);

export const addDealComment = defineOperation(contracts, 'addDealComment', async ({ params, body, user }) =>
  json(201, await commentOnDeal(params.id, body.text, user)),
);
