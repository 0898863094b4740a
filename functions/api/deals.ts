import { ValidationError } from '#domain/errors';
import { defineOperation } from '#http/operation';
import { json } from '#http/response';
import { IdParams, ListQuery, page } from '#schemas/common';
import {
  CommentInput,
  Deal,
  DealEvent,
  DealInput,
  DealListQuery,
  DealPatch,
  LinesInput,
  StageMove,
} from '#schemas/deals';
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

export const listDeals = defineOperation(
  {
    summary: 'List deals (close date order), filtered',
    description:
      'Reps see the deals they own or observe, managers all. A page may hold fewer than `limit` deals while `nextCursor` is set.',
    tags: ['deals'],
    query: DealListQuery,
    response: page(Deal),
  },
  async ({ query, user }) => json(200, await list(query, user)),
);

export const createDeal = defineOperation(
  { summary: 'Create a deal', tags: ['deals'], body: DealInput, status: 201, response: Deal, errors: [403] },
  async ({ body, user }) => {
    const deal = await create(body, user);
    return json(201, deal, etag(deal));
  },
);

export const getDeal = defineOperation(
  { summary: 'Get a deal', tags: ['deals'], params: IdParams, response: Deal, errors: [404] },
  async ({ params, user }) => {
    const deal = await getDealFor(params.id, user);
    return json(200, deal, etag(deal));
  },
);

export const updateDeal = defineOperation(
  {
    summary: 'Update a deal',
    description:
      'Only the named fields change (null removes one). With `If-Match: <version>` the update applies only to that version (412 otherwise); without it, concurrent edits of different fields are all kept.',
    tags: ['deals'],
    params: IdParams,
    body: DealPatch,
    headers: { 'if-match': 'the deal version the change is based on' },
    response: Deal,
    errors: [403, 404, 409, 412],
  },
  async ({ params, body, user, headers }) => {
    const deal = await update(params.id, body, user, versionFrom(headers['if-match']));
    return json(200, deal, etag(deal));
  },
);

export const moveDealStage = defineOperation(
  {
    summary: 'Move a deal to any stage of its pipeline (a lost stage needs a loss reason)',
    tags: ['deals'],
    params: IdParams,
    body: StageMove,
    response: Deal,
    errors: [404, 409],
  },
  async ({ params, body, user }) => {
    const deal = await move(params.id, body, user);
    return json(200, deal, etag(deal));
  },
);

export const replaceDealLines = defineOperation(
  {
    summary: "Replace a deal's product lines (the amount follows)",
    tags: ['deals'],
    params: IdParams,
    body: LinesInput,
    response: Deal,
    errors: [404, 409],
  },
  async ({ params, body, user }) => {
    const deal = await replaceLines(params.id, body, user);
    return json(200, deal, etag(deal));
  },
);

export const getDealTimeline = defineOperation(
  {
    summary: "A deal's events, newest first",
    tags: ['deals'],
    params: IdParams,
    query: ListQuery,
    response: page(DealEvent),
    errors: [404],
  },
  async ({ params, query, user }) =>
    json(200, await dealTimeline(params.id, user, query.cursor, query.limit ?? 50)),
);

export const addDealComment = defineOperation(
  {
    summary: 'Comment on a deal (lands in its timeline)',
    tags: ['deals'],
    params: IdParams,
    body: CommentInput,
    status: 201,
    response: DealEvent,
    errors: [404],
  },
  async ({ params, body, user }) => json(201, await commentOnDeal(params.id, body.text, user)),
);
