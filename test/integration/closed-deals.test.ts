import { ulid } from 'ulid';
import { beforeAll, describe, expect, it } from 'vitest';
import { expireQuotes } from '#services/expiry';
import { call, users } from '#test/api';
import { backdateQuote, rep, sentQuote } from '#test/fixtures';
import { to, waitForEmails } from '#test/mail';

/**
 * The rule: a customer's answer or an expiry moves the deal only while the deal is open. On a deal
 * the rep closed (won or lost), the answer is recorded on the quote and the timeline, the deal
 * stays as the rep left it, and the rep's notice says so. Every quote event × deal status.
 */

type Answer = 'signed' | 'changes_requested' | 'declined' | 'expired';
type DealStatus = 'open' | 'won' | 'lost';

const ANSWERS: Answer[] = ['signed', 'changes_requested', 'declined', 'expired'];
const STATUSES: DealStatus[] = ['open', 'won', 'lost'];

/** Where an open deal goes after each answer (the pipeline below); undefined: it does not move. */
const OPEN_DEAL_AFTER: Record<
  Answer,
  { stageId: string; status: DealStatus; lossReason?: string } | undefined
> = {
  signed: { stageId: 'won', status: 'won' },
  changes_requested: undefined,
  declined: { stageId: 'lost', status: 'lost', lossReason: 'price' },
  expired: { stageId: 'lost', status: 'lost', lossReason: 'expired' },
};

let pipelineId = '';

beforeAll(async () => {
  // Every quote hook set, expiry included, so that each answer would move an open deal.
  const pipeline = await call('POST', '/pipelines', {
    user: users.maya,
    body: {
      name: `Hooks ${ulid()}`,
      stages: [
        { name: 'Open', probability: 30, kind: 'open' },
        { name: 'Sent', probability: 60, kind: 'open' },
        { name: 'Won', probability: 100, kind: 'won' },
        { name: 'Lost', probability: 0, kind: 'lost' },
      ],
      onQuoteSent: 'sent',
      onQuoteSigned: 'won',
      onQuoteDeclined: 'lost',
      onQuoteExpired: 'lost',
    },
  });
  expect(pipeline.status).toBe(201);
  pipelineId = pipeline.body.id;
});

async function answer(kind: Answer, token: string, dealId: string, quoteId: string) {
  if (kind === 'expired') {
    await backdateQuote(dealId, quoteId);
    await expireQuotes();
    return;
  }
  const [path, body] =
    kind === 'signed'
      ? ['sign', { name: 'Jeanne Dupont', consent: true }]
      : kind === 'declined'
        ? ['decline', { reason: 'price' }]
        : ['changes', { message: 'Two licences, not three' }];
  const res = await call('POST', `/q/${token}/${path}`, { body });
  expect(res.status).toBe(200);
}

describe('a quote answer on an open, won or lost deal', () => {
  for (const status of STATUSES) {
    for (const kind of ANSWERS) {
      it(`records ${kind} on a deal ${status === 'open' ? 'still open' : `closed ${status}`} and moves the deal only while open`, async () => {
        // Arrange: a quote sent by link; then the rep closes the deal by hand (or leaves it open).
        const owner = rep(`${kind}-${status}`);
        const { deal, quote, token } = await sentQuote(owner, { pipelineId });
        if (status !== 'open') {
          const closed = await call('POST', `/deals/${deal.id}/stage`, {
            user: owner,
            body:
              status === 'won' ? { stageId: 'won' } : { stageId: 'lost', lossReason: 'Signed with a rival' },
          });
          expect(closed.status).toBe(200);
        }
        const before = (await call('GET', `/deals/${deal.id}`, { user: owner })).body;

        // Act
        await answer(kind, token, deal.id, quote.id);

        // Assert: the answer is on the quote and the timeline...
        const after = (await call('GET', `/quotes/${quote.id}`, { user: owner })).body;
        expect(after.status).toBe(kind);
        const timeline = (await call('GET', `/deals/${deal.id}/timeline`, { user: owner })).body.items as {
          type: string;
          data: Record<string, unknown>;
        }[];
        const recorded = timeline.find((e) => e.type === `quote.${kind}`);
        expect(recorded?.data.quoteId).toBe(quote.id);
        // ...and the deal moved only while it was open.
        const now = (await call('GET', `/deals/${deal.id}`, { user: owner })).body;
        const target = OPEN_DEAL_AFTER[kind];
        const stageChanges = timeline.filter((e) => e.type === 'deal.stage_changed');
        if (status === 'open' && target) {
          expect(now).toMatchObject({
            stageId: target.stageId,
            status: target.status,
            version: before.version + 1,
          });
          if (target.lossReason) expect(now.lossReason).toBe(target.lossReason);
          expect(stageChanges[0]?.data.to).toMatchObject({ id: target.stageId });
          expect(recorded?.data.dealMoved).toBeUndefined();
        } else {
          expect(now).toEqual(before);
        }
        if (status !== 'open') {
          // The rep's move by hand is the newest stage change: the answer added none.
          expect(stageChanges[0]?.data.to).toMatchObject({ id: status });
          if (target) expect(recorded?.data).toMatchObject({ dealMoved: false, dealStatus: status });
        }

        // The rep's notice says that the deal stayed as they left it.
        const [notice] = await waitForEmails(to(owner.email));
        expect(notice?.subject).toContain(quote.number);
        const says = notice?.body.text?.includes(`The deal was already ${status}`);
        expect(says).toBe(status !== 'open' && target !== undefined);
      });
    }
  }
});
