import { customerActor, newEvent } from '#domain/events';
import { effectiveStatus } from '#domain/quotes';
import { hashToken } from '#domain/tokens';
import { isAutomatedAgent, type ScanReason, SECOND_GET_MIN_MS, VIEW_REPORT_WAIT_MS } from '#domain/views';
import type { Deal } from '#schemas/deals';
import type { Quote } from '#schemas/quotes';
import { putEvent } from '#store/deals';
import { getQuoteAt, noteLinkOpened } from '#store/quotes';
import { scheduleWork } from '#store/work';
import { newId, systemClock } from './clock.ts';
import { recordView, type Visitor } from './links.ts';
import { quoteSummary } from './transitions.ts';
import { defineWorkKind } from './work.ts';

/**
 * Opens of the link that do not (yet) show a person. Until the quote was seen by a person, every
 * GET either counts (a second one a few seconds after the first: a person coming back) or is noted:
 * HEAD requests and known scanner user agents at once, other GETs when the page has not reported
 * itself within two minutes. The timeline then says "link opened by an automated scanner"; the rep
 * is not notified and the "not opened" reminder still goes out.
 */

export const VIEW_CHECK_WORK = 'view-check';

interface ViewCheckPayload {
  dealId: string;
  quoteId: string;
  openedAt: string;
  ip: string;
  userAgent: string;
}

function scannedEvent(quote: Quote, reason: ScanReason, visitor: Visitor, openedAt: string, now: string) {
  return newEvent(
    quote.dealId,
    'quote.link_scanned',
    { ...quoteSummary(quote), reason, openedAt, ip: visitor.ip, userAgent: visitor.userAgent.slice(0, 300) },
    customerActor(),
    { now, newId },
  );
}

/** Only while no person has seen the quote does an open need a verdict. */
const unseen = (quote: Quote, now: string) => effectiveStatus(quote, now) === 'sent';

/**
 * A GET (or HEAD) of the page. Answers the quote and deal to show: the same as read, or as the
 * person's view left them.
 */
export async function recordOpen(
  token: string,
  found: { quote: Quote; deal: Deal },
  visitor: Visitor,
  method: 'GET' | 'HEAD',
): Promise<{ quote: Quote; deal: Deal }> {
  const now = systemClock().now;
  if (!unseen(found.quote, now)) return found;
  const automated =
    method === 'HEAD' ? 'head' : isAutomatedAgent(visitor.userAgent) ? 'user_agent' : undefined;
  if (automated) {
    await putEvent(scannedEvent(found.quote, automated, visitor, now, now));
    return found;
  }
  const previous = await noteLinkOpened(hashToken(token), now);
  if (previous && Date.parse(now) - Date.parse(previous) >= SECOND_GET_MIN_MS)
    return recordView(token, visitor);
  const payload: ViewCheckPayload = {
    dealId: found.quote.dealId,
    quoteId: found.quote.id,
    openedAt: now,
    ip: visitor.ip,
    userAgent: visitor.userAgent.slice(0, 300),
  };
  const due = new Date(Date.parse(now) + VIEW_REPORT_WAIT_MS).toISOString();
  await scheduleWork(
    { id: `${found.quote.id}.open.${newId()}`, kind: VIEW_CHECK_WORK, payload: { ...payload } },
    due,
  );
  return found;
}

defineWorkKind(VIEW_CHECK_WORK, {
  async run(work, now) {
    const open = work.payload as unknown as ViewCheckPayload;
    const quote = await getQuoteAt(open.dealId, open.quoteId);
    // Seen by a person since (the page's report, an answer, a download): nothing to say.
    if (!quote || quote.viewedAt || quote.status !== 'sent') return {};
    return {
      events: [
        scannedEvent(quote, 'no_report', { ip: open.ip, userAgent: open.userAgent }, open.openedAt, now),
      ],
    };
  },
  async failed() {
    return {};
  },
});
