import type { Contract } from '#http/operation';
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

const _etag = (deal: Deal) => ({ etag: `"${deal.version}"` });

/** The contracts of the deals routes of `api`: loaded on the first request to one of them. */
export const dealsContracts = {
  listDeals: {
    summary: 'List deals (close date order), filtered',
    description:
      'Reps see the deals they own or observe, managers all. A page may hold fewer than `limit` deals while `nextCursor` is set.',
    tags: ['deals'],
    query: DealListQuery,
    response: page(Deal),
  },
  createDeal: {
    summary: 'Create a deal',
    tags: ['deals'],
    body: DealInput,
    status: 201,
    response: Deal,
    errors: [403],
  },
  getDeal: { summary: 'Get a deal', tags: ['deals'], params: IdParams, response: Deal, errors: [404] },
  updateDeal: {
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
  moveDealStage: {
    summary: 'Move a deal to any stage of its pipeline (a lost stage needs a loss reason)',
    tags: ['deals'],
    params: IdParams,
    body: StageMove,
    response: Deal,
    errors: [404, 409],
  },
  replaceDealLines: {
    summary: "Replace a deal's product lines (the amount follows)",
    tags: ['deals'],
    params: IdParams,
    body: LinesInput,
    response: Deal,
    errors: [404, 409],
  },
  getDealTimeline: {
    summary: "A deal's events, newest first",
    tags: ['deals'],
    params: IdParams,
    query: ListQuery,
    response: page(DealEvent),
    errors: [404],
  },
  addDealComment: {
    summary: 'Comment on a deal (lands in its timeline)',
    tags: ['deals'],
    params: IdParams,
    body: CommentInput,
    status: 201,
    response: DealEvent,
    errors: [404],
  },
} as const satisfies Record<string, Contract>;
