import type { Contract } from '#http/operation';
import { ActivityPage, ActivityQuery, ActivityReadInput, ActivityReadResult } from '#schemas/activity';

/** The contracts of the activity routes of `api`: loaded on the first request to one of them. */
export const activityContracts = {
  listActivity: {
    summary: "My activity feed: customers' actions and email outcomes on the deals I can see, newest first",
    description:
      "A rep reads the events of the deals they own or observe (as they were when the event happened); a manager reads every deal's. Types: quote.viewed (first view only), quote.signed, quote.changes_requested, quote.declined, quote.expired, email.failed. `unread` counts the items newer than the caller's read mark (up to 100). Served from the caller's own feed partition (one Query), written by the stream consumer within a few seconds of the event.",
    tags: ['activity'],
    query: ActivityQuery,
    response: ActivityPage,
  },
  markActivityRead: {
    summary: 'Mark my activity feed read up to a moment (the newest item seen)',
    description: 'The mark only moves forward: an older moment than the current mark changes nothing.',
    tags: ['activity'],
    body: ActivityReadInput,
    response: ActivityReadResult,
  },
} as const satisfies Record<string, Contract>;
