import * as z from 'zod/mini';
import { FEED_TYPES } from '#contracts/streams';
import { Cursor, Id, Limit, Timestamp, withMeta } from './common.ts';
import { EventActor } from './deals.ts';

/** The reps' activity feed (`GET /activity`): customer actions and email outcomes, newest first. */

export const ActivityType = withMeta(z.enum(FEED_TYPES), { id: 'ActivityType' });

export const ActivityItem = withMeta(
  z.object({
    id: withMeta(Id, { description: 'the event id (the same event is on the deal timeline)' }),
    at: Timestamp,
    type: ActivityType,
    dealId: Id,
    dealName: z.string(),
    quoteId: z.optional(Id),
    quoteNumber: z.optional(z.string()),
    quoteVersion: z.optional(z.int()),
    actor: EventActor,
    details: withMeta(
      z.object({
        signer: z.optional(z.string()),
        reason: z.optional(z.string()),
        message: z.optional(z.string()),
        to: z.optional(z.string()),
        kind: z.optional(z.string()),
        dealStatus: z.optional(z.string()),
        dealMoved: z.optional(z.boolean()),
      }),
      { description: 'what the event says: signer, decline reason, customer message, failed address…' },
    ),
    unread: z.boolean(),
  }),
  { id: 'ActivityItem' },
);

export const ActivityQuery = z.strictObject({
  cursor: z.optional(Cursor),
  limit: z.optional(Limit),
});

export const ActivityPage = withMeta(
  z.object({
    items: z.array(ActivityItem),
    nextCursor: z.optional(Cursor),
    unread: withMeta(z.int().check(z.gte(0)), { description: 'unread items, counted up to 100' }),
    readUntil: z.optional(withMeta(Timestamp, { description: 'the newest moment marked read' })),
  }),
  { id: 'ActivityPage' },
);

export const ActivityReadInput = withMeta(
  z.strictObject({
    at: withMeta(Timestamp, { description: 'everything up to this moment (the newest item seen) is read' }),
  }),
  { id: 'ActivityReadInput' },
);

export const ActivityReadResult = withMeta(
  z.object({ readUntil: Timestamp, unread: z.int().check(z.gte(0)) }),
  {
    id: 'ActivityReadResult',
  },
);

export type ActivityItem = z.infer<typeof ActivityItem>;
export type ActivityPage = z.infer<typeof ActivityPage>;
