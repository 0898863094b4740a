import * as z from 'zod';
import { FEED_TYPES } from '#contracts/streams';
import { Cursor, Id, Limit, Timestamp } from './common.ts';
import { EventActor } from './deals.ts';

/** The reps' activity feed (`GET /activity`): customer actions and email outcomes, newest first. */

export const ActivityType = z.enum(FEED_TYPES).meta({ id: 'ActivityType' });

export const ActivityItem = z
  .object({
    id: Id.meta({ description: 'the event id (the same event is on the deal timeline)' }),
    at: Timestamp,
    type: ActivityType,
    dealId: Id,
    dealName: z.string(),
    quoteId: z.optional(Id),
    quoteNumber: z.optional(z.string()),
    quoteVersion: z.optional(z.int()),
    actor: EventActor,
    details: z
      .object({
        signer: z.optional(z.string()),
        reason: z.optional(z.string()),
        message: z.optional(z.string()),
        to: z.optional(z.string()),
        kind: z.optional(z.string()),
        dealStatus: z.optional(z.string()),
        dealMoved: z.optional(z.boolean()),
      })
      .meta({
        description: 'what the event says: signer, decline reason, customer message, failed address…',
      }),
    unread: z.boolean(),
  })
  .meta({ id: 'ActivityItem' });

export const ActivityQuery = z.strictObject({
  cursor: z.optional(Cursor),
  limit: z.optional(Limit),
});

export const ActivityPage = z
  .object({
    items: z.array(ActivityItem),
    nextCursor: z.optional(Cursor),
    unread: z.int().check(z.gte(0)).meta({ description: 'unread items, counted up to 100' }),
    readUntil: z.optional(Timestamp.meta({ description: 'the newest moment marked read' })),
  })
  .meta({ id: 'ActivityPage' });

export const ActivityReadInput = z
  .strictObject({
    at: Timestamp.meta({ description: 'everything up to this moment (the newest item seen) is read' }),
  })
  .meta({ id: 'ActivityReadInput' });

export const ActivityReadResult = z
  .object({ readUntil: Timestamp, unread: z.int().check(z.gte(0)) })
  .meta({ id: 'ActivityReadResult' });

export type ActivityItem = z.infer<typeof ActivityItem>;
export type ActivityPage = z.infer<typeof ActivityPage>;
