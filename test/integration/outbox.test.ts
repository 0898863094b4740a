import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '#contracts/actor';
import { STREAM_MAPPINGS } from '#contracts/stream-mapping';
import { ensureTable } from '#infra/local/dynamodb';
import { freePort } from '#infra/local/ports';
import { type LocalSes, startSes } from '#infra/local/ses';
import { type StreamPoller, startStreamPoller } from '#infra/local/stream-poller';
import { type SesProxy, startSesProxy } from '#test/ses-proxy';
import { signaturePng } from '#test/signature';

/**
 * The outbox against real faults: a table of its own (the shared one's notify would send through
 * the shared emulator), notify fed by the local stream poller with the cloud mapping's settings, and
 * an SES emulator behind a proxy this file switches off (refused connections) and on. The retry
 * schedule is driven with a fake clock (`runDueWork({now})`), so minutes and hours of outage take
 * seconds; the refused connections are real.
 */

const TABLE = `closer-outbox-${ulid().toLowerCase()}`;
const REJECTED = 'rejected.example';

let ses: LocalSes;
let proxy: SesProxy;
let poller: StreamPoller;
let api: typeof import('#test/api');
let fixtures: typeof import('#test/fixtures');
let work: typeof import('#services/work');
let store: typeof import('#store/client');
let keysModule: typeof import('#store/keys');
/** The shared settings this file replaces, put back after it (a worker process runs other files next). */
const saved = { TABLE_NAME: process.env.TABLE_NAME, SES_ENDPOINT: process.env.SES_ENDPOINT };

interface Stored {
  destination: { to: string[] };
  subject: string;
  body: { text?: string; html?: string };
  attachments: { filename: string }[];
}

async function inbox(): Promise<Stored[]> {
  return ((await (await fetch(`${ses.endpoint}/store`)).json()) as { emails: Stored[] }).emails;
}

const toAddress = (address: string) => (e: Stored) => e.destination.to.some((t) => t.includes(address));

type TimelineEvent = { id: string; type: string; data: Record<string, unknown> };

async function timeline(user: User, dealId: string): Promise<TimelineEvent[]> {
  return (await api.call('GET', `/deals/${dealId}/timeline`, { user, query: { limit: '200' } })).body.items;
}

/** Runs the deliver job at successive fake times until nothing is due or `until`. */
async function runJobs(from: number, stepMs: number, until: number): Promise<number> {
  let at = from;
  for (; at <= until; at += stepMs) await work.runDueWork({ now: new Date(at).toISOString() });
  return at;
}

beforeAll(async () => {
  const dynamo = process.env.DYNAMODB_ENDPOINT ?? '';
  await ensureTable(dynamo, TABLE);
  ses = await startSes({ port: await freePort() });
  proxy = await startSesProxy(ses.endpoint, { rejects: (to) => to.includes(`@${REJECTED}`) });
  // Before any handler module loads: they read these once.
  process.env.TABLE_NAME = TABLE;
  process.env.SES_ENDPOINT = proxy.endpoint;
  api = await import('#test/api');
  fixtures = await import('#test/fixtures');
  work = await import('#services/work');
  store = await import('#store/client');
  keysModule = await import('#store/keys');
  const { handler } = await import('../../functions/notify/handler.ts');
  poller = startStreamPoller({
    endpoint: dynamo,
    tableName: TABLE,
    handler,
    functionName: 'notify',
    mapping: STREAM_MAPPINGS.notify,
    retryDelayMs: 100,
    pollIntervalMs: 100,
  });
}, 60_000);

afterAll(async () => {
  Object.assign(process.env, saved);
  await poller?.stop();
  await proxy?.close();
  await ses?.stop();
});

describe('the outbox during an SES outage', () => {
  it('delivers every email exactly once after the outage, with no email.failed and no gap', async () => {
    // Arrange: SES refuses connections.
    await proxy.down();
    const owner = fixtures.rep('outage');
    const started = Date.now();

    // Act: 20 quotes sent by email and 10 of them signed during the outage.
    const sent: Awaited<ReturnType<typeof fixtures.sentQuote>>[] = [];
    for (let i = 0; i < 20; i++) sent.push(await fixtures.sentQuote(owner, { channel: 'email' }));
    const signature = `data:image/png;base64,${signaturePng().toString('base64')}`;
    for (const quote of sent.slice(0, 10)) {
      const signed = await api.call('POST', `/q/${quote.token}/sign`, {
        body: { name: 'Jeanne Dupont', email: quote.contact.email, signature, consent: true },
      });
      expect(signed.status).toBe(200);
    }
    await poller.drain();
    // Minutes of outage on the fake clock: every due delivery is tried and refused again.
    const during = await runJobs(started + 60_000, 60_000, started + 6 * 60_000);
    expect(await inbox()).toEqual([]);
    // What the deliver job publishes for the "deliveries backing up" alarm: all 40 pending, and
    // the ones the outage probe left due waiting minutes past their time.
    const backlog = await work.workBacklog(new Date(during));
    expect(backlog.pending).toBe(40);
    expect(backlog.overdueSeconds).toBeGreaterThanOrEqual(4 * 60);
    await proxy.up();
    const after = await runJobs(during, 60_000, during + 30 * 60_000);
    expect(await work.workBacklog(new Date(after))).toEqual({ pending: 0, overdueSeconds: 0 });

    // Assert: 20 quote emails, 10 signed copies, 10 notices to the rep, each once.
    const emails = await inbox();
    for (const quote of sent) {
      const mine = emails.filter(toAddress(quote.contact.email));
      const signedOne = sent.indexOf(quote) < 10;
      expect(mine.map((e) => e.attachments.map((a) => a.filename).join()).sort()).toEqual(
        signedOne
          ? [`${quote.quote.number}-v1-signed.pdf`, `${quote.quote.number}-v1.pdf`].sort()
          : [`${quote.quote.number}-v1.pdf`],
      );
      expect(
        mine.find((e) => e.attachments.some((a) => a.filename.endsWith('-v1.pdf')))?.body.text,
      ).toContain(quote.url);
    }
    expect(emails.filter(toAddress(owner.email))).toHaveLength(10);
    expect(emails).toHaveLength(40);
    for (const quote of sent) {
      const events = await timeline(owner, quote.deal.id);
      expect(events.filter((e) => e.type === 'email.failed')).toEqual([]);
      const causes = events
        .filter((e) => e.type === 'quote.sent' || e.type === 'quote.signed')
        .map((e) => e.id);
      const delivered = events.filter((e) => e.type === 'email.sent').map((e) => e.data.cause);
      for (const cause of causes) expect(delivered).toContain(cause);
    }
  }, 300_000);

  it('records a refused address as email.failed at once, tells the rep, and resends the same link', async () => {
    // Arrange
    const owner = fixtures.rep('refused');
    const { deal, contact } = await fixtures.quotableDeal(owner);
    const quote = (await api.call('POST', `/deals/${deal.id}/quotes`, { user: owner, body: {} })).body;
    const refused = `jeanne-${ulid().toLowerCase()}@${REJECTED}`;

    // Act
    const sent = await api.call('POST', `/quotes/${quote.id}/send`, {
      user: owner,
      body: { channel: 'email', to: refused },
    });
    await poller.drain();

    // Assert: failed at the first try, on the timeline, and the rep told.
    const events = await timeline(owner, deal.id);
    const failed = events.filter((e) => e.type === 'email.failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]?.data).toMatchObject({ kind: 'quote', to: refused, permanent: true, attempts: 1 });
    expect(String(failed[0]?.data.reason)).toContain('MessageRejected');
    const notice = (await inbox()).filter(toAddress(owner.email));
    expect(notice.map((e) => e.subject)).toEqual([
      `Quote ${quote.number} could not be emailed to ${refused}`,
    ]);

    // Act: the rep resends to the right address.
    const resent = await api.call('POST', `/quotes/${quote.id}/resend`, {
      user: owner,
      body: { to: contact.email },
    });
    await poller.drain();

    // Assert: the same link, delivered once.
    expect(resent.status).toBe(200);
    expect(resent.body.url).toBe(sent.body.url);
    const delivered = (await inbox()).filter(toAddress(contact.email));
    expect(delivered).toHaveLength(1);
    expect(delivered[0]?.body.text).toContain(sent.body.url);
    expect((await timeline(owner, deal.id)).filter((e) => e.type === 'quote.resent')).toHaveLength(1);
  }, 120_000);

  it('gives up at the end of the 24-hour window with email.failed and a notice to the rep', async () => {
    // Arrange: SES unreachable for the whole window.
    await proxy.down();
    const owner = fixtures.rep('window');
    const started = Date.now();
    const { deal, contact, quote, url } = await fixtures.sentQuote(owner, { channel: 'email' });
    await poller.drain();

    // Act: 23 hours of tries: still retrying, nothing failed yet.
    await runJobs(started + 60 * 60_000, 60 * 60_000, started + 23 * 60 * 60_000);
    expect((await timeline(owner, deal.id)).filter((e) => e.type === 'email.failed')).toEqual([]);
    // ...then past the end of the window, SES still down.
    await runJobs(started + 24 * 60 * 60_000 + 60_000, 60_000, started + 24 * 60 * 60_000 + 60_000);
    await proxy.up();
    await runJobs(started + 24 * 60 * 60_000 + 120_000, 60_000, started + 24 * 60 * 60_000 + 180_000);

    // Assert
    const failed = (await timeline(owner, deal.id)).filter((e) => e.type === 'email.failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]?.data).toMatchObject({ kind: 'quote', to: contact.email, permanent: false });
    expect(Number(failed[0]?.data.attempts)).toBeGreaterThan(24);
    expect(String(failed[0]?.data.reason)).toContain('24 hours');
    const emails = await inbox();
    expect(emails.filter(toAddress(contact.email))).toEqual([]);
    expect(emails.filter(toAddress(owner.email)).map((e) => e.subject)).toEqual([
      `Quote ${quote.number} could not be emailed to ${contact.email}`,
    ]);
    // The link was kept: the rep can resend it.
    const resent = await api.call('POST', `/quotes/${quote.id}/resend`, { user: owner, body: {} });
    expect(resent.body.url).toBe(url);
  }, 180_000);
});

describe('a poisoned outbox event', () => {
  it('neither crashes notify nor blocks the next event, and ends on the timeline', async () => {
    // Arrange: a signed quote whose stored signature image is damaged after signing (the sealed copy
    // was built at signing and is stored), and an event notify cannot even read; then a normal send
    // behind them.
    const owner = fixtures.rep('poison');
    const signedQuote = await fixtures.sentQuote(owner, { channel: 'link' });
    const signature = `data:image/png;base64,${signaturePng().toString('base64')}`;
    await api.call('POST', `/q/${signedQuote.token}/sign`, {
      body: { name: 'Jeanne Dupont', email: signedQuote.contact.email, signature, consent: true },
    });
    await poller.drain();
    const { PutCommand, UpdateCommand } = await import('@aws-sdk/lib-dynamodb');
    const { keys } = keysModule;
    const corrupt =
      'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAGQAAAAyCAYAAACqNX6+AAAADUlEQVRub3QgemxpYiBkYXRhGS8RbwAAAABJRU5ErkJggg==';
    await store.db.send(
      new UpdateCommand({
        TableName: TABLE,
        Key: keys.quote(signedQuote.deal.id, signedQuote.quote.id),
        UpdateExpression: 'SET signature.image = :image',
        ExpressionAttributeValues: { ':image': corrupt },
      }),
    );
    const { sealToken } = await import('#domain/tokens');
    const { linkKey } = await import('#config/link-key');
    const poisonId = ulid();
    const garbageId = ulid();
    const at = new Date().toISOString();
    for (const item of [
      {
        id: poisonId,
        type: 'quote.signed',
        data: {
          quoteId: signedQuote.quote.id,
          number: signedQuote.quote.number,
          signer: 'Jeanne Dupont',
          sealedToken: sealToken(signedQuote.token, await linkKey()),
        },
      },
      { id: garbageId, type: 'quote.declined', data: { quoteId: 42, sealedToken: {} } },
    ]) {
      await store.db.send(
        new PutCommand({
          TableName: TABLE,
          Item: {
            ...item,
            ...keys.event(signedQuote.deal.id, item.id),
            entity: 'Event',
            dealId: signedQuote.deal.id,
            at,
            actor: { type: 'customer' },
          },
        }),
      );
    }
    const next = await fixtures.sentQuote(owner, { channel: 'email' });

    // Act
    await poller.drain();

    // Assert: the next quote went out; the unreadable event failed alone; the damaged image changes
    // nothing any more: the signed-copy emails attach the sealed copy stored at signing, never a
    // re-rendered one.
    expect((await inbox()).filter(toAddress(next.contact.email))).toHaveLength(1);
    const events = await timeline(owner, signedQuote.deal.id);
    const failures = events.filter((e) => e.type === 'email.failed');
    expect(failures.find((e) => e.data.cause === garbageId)?.data.reason).toEqual(
      expect.stringContaining('could not be processed'),
    );
    expect(failures.find((e) => e.data.cause === poisonId)).toBeUndefined();
    const copies = (await inbox()).filter(
      (e) =>
        toAddress(signedQuote.contact.email)(e) &&
        e.attachments.some((a) => a.filename === `${signedQuote.quote.number}-v1-signed.pdf`),
    );
    expect(copies.length).toBeGreaterThanOrEqual(1);
  }, 120_000);
});
