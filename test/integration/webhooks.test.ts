import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '#contracts/actor';
import { STREAM_MAPPINGS } from '#contracts/stream-mapping';
import { ensureTable } from '#infra/local/dynamodb';
import { type StreamPoller, startStreamPoller } from '#infra/local/stream-poller';
import { eventually } from '#test/eventually';
import { to, waitForEmails } from '#test/mail';

/**
 * Webhooks end to end: a table of its own (so no other test's events reach these endpoints and no
 * endpoint of ours outlives the file), notify fed by the stream poller as in the cloud, receivers
 * started here on 127.0.0.1 (the local test setting lets http://127.0.0.1 through), and the retry
 * schedule driven with a fake clock (`runWork({now})`).
 */

const TABLE = `closer-webhooks-${ulid().toLowerCase()}`;

let poller: StreamPoller;
let api: typeof import('#test/api');
let fixtures: typeof import('#test/fixtures');
let work: typeof import('#services/work');
let workStore: typeof import('#store/work');
let outbound: typeof import('#outbound/http');
const saved = {
  TABLE_NAME: process.env.TABLE_NAME,
  WEBHOOKS_ALLOW_LOCAL_HTTP: process.env.WEBHOOKS_ALLOW_LOCAL_HTTP,
};

interface Received {
  headers: IncomingMessage['headers'];
  raw: string;
  body: { id: string; type: string; at: string; data: Record<string, any> };
}

interface Receiver {
  url: string;
  port: number;
  received: Received[];
  /** What to answer (status, body, headers); default 200. */
  answer: (
    request: Received,
    index: number,
  ) => { status: number; body?: string; headers?: Record<string, string> };
  close(): Promise<void>;
}

const receivers: Receiver[] = [];

async function startReceiver(): Promise<Receiver> {
  const receiver: Receiver = {
    url: '',
    port: 0,
    received: [],
    answer: () => ({ status: 200, body: 'ok' }),
    close: async () => {},
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: Received['body'];
      try {
        body = JSON.parse(raw);
      } catch {
        body = { id: '', type: '', at: '', data: {} };
      }
      const request = { headers: req.headers, raw, body };
      receiver.received.push(request);
      const answer = receiver.answer(request, receiver.received.length - 1);
      res.writeHead(answer.status, answer.headers ?? {});
      res.end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.port = (server.address() as AddressInfo).port;
  receiver.url = `http://127.0.0.1:${receiver.port}/hook`;
  receiver.close = () => new Promise((resolve) => server.close(() => resolve()));
  receivers.push(receiver);
  return receiver;
}

/** A manager of our own, so the disabled-endpoint email can be told from others. */
function manager(): User {
  const id = `whmgr-${ulid().toLowerCase()}`;
  return { id, email: `${id}@example.com`, name: 'Webhook Manager', manager: true };
}

/** The README's verification snippet, as a module (the documentation is what is tested). */
async function readmeVerifier(): Promise<
  (header: string, rawBody: string, secret: string, toleranceSeconds?: number) => boolean
> {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const match = /<!-- webhook-verify-snippet -->\s*```js\n([\s\S]*?)```/.exec(readme);
  if (!match?.[1]) throw new Error('the README has no webhook verification snippet');
  const file = join(tmpdir(), `closer-verify-${ulid()}.mjs`);
  writeFileSync(file, match[1]);
  return (await import(pathToFileURL(file).href)).verifyCloserSignature;
}

const forDeal = (dealId: string) => (r: Received) => r.body.data?.dealId === dealId;

beforeAll(async () => {
  const dynamo = process.env.DYNAMODB_ENDPOINT ?? '';
  await ensureTable(dynamo, TABLE);
  process.env.TABLE_NAME = TABLE;
  process.env.WEBHOOKS_ALLOW_LOCAL_HTTP = 'true';
  api = await import('#test/api');
  fixtures = await import('#test/fixtures');
  work = await import('#services/work');
  workStore = await import('#store/work');
  outbound = await import('#outbound/http');
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
  await poller?.stop();
  for (const r of receivers) await r.close();
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

async function register(owner: User, url: string, events: string[] = ['*']) {
  const created = await api.call('POST', '/webhooks', { user: owner, body: { url, events } });
  expect(created.status).toBe(201);
  return created.body as { id: string; secret: string; url: string };
}

async function deliveries(owner: User, id: string) {
  const log = await api.call('GET', `/webhooks/${id}/deliveries`, { user: owner });
  expect(log.status).toBe(200);
  return log.body.items as {
    id: string;
    eventId: string;
    type: string;
    dealId: string;
    status: string;
    attempts: number;
    lastResponseCode?: number;
    lastResponseBody?: string;
    nextAttemptAt?: string;
  }[];
}

describe('webhook deliveries', () => {
  it('posts {id, type, at, data} signed so that the README snippet verifies it, with no link token', async () => {
    // Arrange
    const maya = manager();
    const receiver = await startReceiver();
    const endpoint = await register(maya, receiver.url, ['deal.created', 'quote.*']);
    const verify = await readmeVerifier();

    // Act: a deal, then a quote sent by email (its event carries the sealed link token).
    const sent = await fixtures.sentQuote(fixtures.rep('hooked'), { channel: 'email' });
    const got = await eventually(async () => {
      const mine = receiver.received.filter(forDeal(sent.deal.id));
      if (!mine.some((r) => r.body.type === 'quote.sent')) throw new Error('not yet');
      return mine;
    }, 60_000);

    // Assert
    const created = got.find((r) => r.body.type === 'deal.created');
    const quoteSent = got.find((r) => r.body.type === 'quote.sent');
    expect(created && quoteSent).toBeTruthy();
    for (const request of got) {
      expect(Object.keys(request.body).sort()).toEqual(['at', 'data', 'id', 'type']);
      expect(request.headers['content-type']).toBe('application/json');
      expect(request.headers['closer-event-type']).toBe(request.body.type);
      expect(request.headers['closer-delivery-id']).toBe(`wh.${request.body.id}.${endpoint.id}`);
      const header = String(request.headers['closer-signature']);
      expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      expect(verify(header, request.raw, endpoint.secret)).toBe(true);
      // A byte changed, another secret, or an old timestamp: refused.
      expect(verify(header, request.raw.replace('"', ' "'), endpoint.secret)).toBe(false);
      expect(verify(header, request.raw, 'whsec_someone-else')).toBe(false);
      expect(verify(header, request.raw, endpoint.secret, -1)).toBe(false);
    }
    expect(quoteSent?.body.data).toMatchObject({ dealId: sent.deal.id, quoteId: sent.quote.id });
    expect(quoteSent?.raw).not.toContain(sent.token);
    expect(quoteSent?.raw).not.toMatch(/sealedToken|token/i);
    expect(created?.body.data.actor).toMatchObject({ type: 'user' });
    // Only the types asked for.
    expect(got.every((r) => r.body.type === 'deal.created' || r.body.type.startsWith('quote.'))).toBe(true);
    // The delivery log says so.
    const log = await deliveries(maya, endpoint.id);
    expect(log.find((d) => d.eventId === quoteSent?.body.id)).toMatchObject({
      status: 'delivered',
      attempts: 1,
      lastResponseCode: 200,
      type: 'quote.sent',
      dealId: sent.deal.id,
    });
  }, 120_000);

  it('gets the event to a receiver that answers 500 three times on the fourth try, exactly once', async () => {
    // Arrange: 500 (with a 5 KB body) for the first three tries, then 200.
    const maya = manager();
    const receiver = await startReceiver();
    receiver.answer = (_request, index) =>
      index < 3 ? { status: 500, body: 'x'.repeat(5000) } : { status: 200, body: 'thanks' };
    const endpoint = await register(maya, receiver.url, ['deal.created']);
    const owner = fixtures.rep('flaky');

    // Act: the first try (notify, at once) fails.
    const deal = (await api.call('POST', '/deals', { user: owner, body: { name: 'Flaky receiver' } })).body;
    await eventually(async () => {
      if (receiver.received.length < 1) throw new Error('not yet');
    });
    await poller.drain();
    const [pending] = await eventually(async () => {
      const log = await deliveries(maya, endpoint.id);
      // The claim counts the try before it is made: wait for its outcome (the response code).
      if (log[0]?.attempts !== 1 || log[0].lastResponseCode === undefined) throw new Error('not yet');
      return log;
    });
    expect(pending).toMatchObject({ status: 'pending', lastResponseCode: 500 });
    expect(pending?.lastResponseBody?.length).toBeLessThanOrEqual(1024);
    const id = pending?.id ?? '';

    // The deliver job at the fake times each retry falls due (and once more between them).
    const results: string[] = [];
    for (let i = 0; i < 6; i++) {
      const item = await workStore.getWork(id);
      const due =
        item?.status === 'pending' ? Date.parse(item.nextAttemptAt ?? '') : Date.now() + 3_600_000 * (i + 1);
      results.push(await work.runWork(id, { now: new Date(due - 1000).toISOString() }));
      results.push(await work.runWork(id, { now: new Date(due).toISOString() }));
    }

    // Assert: not before it is due; three failures, then one success, then nothing.
    expect(results.slice(0, 6)).toEqual(['skipped', 'retry', 'skipped', 'retry', 'skipped', 'done']);
    expect(results.slice(6).every((r) => r === 'skipped')).toBe(true);
    const mine = receiver.received.filter(forDeal(deal.id));
    expect(mine).toHaveLength(4);
    expect(new Set(mine.map((r) => r.headers['closer-delivery-id']))).toEqual(new Set([id]));
    expect(new Set(mine.map((r) => r.body.id)).size).toBe(1);
    const [done] = await deliveries(maya, endpoint.id);
    expect(done).toMatchObject({ id, status: 'delivered', attempts: 4, lastResponseCode: 200 });
    // A success ends the endpoint's run of failures.
    const view = await api.call('GET', `/webhooks/${endpoint.id}`, { user: maya });
    expect(view.body.failingSince).toBeUndefined();
  });

  it('disables an endpoint failing for 24 hours, emails its owner, and redelivers once enabled again', async () => {
    // Arrange: a receiver that always fails.
    const maya = manager();
    const receiver = await startReceiver();
    receiver.answer = () => ({ status: 503, body: 'down' });
    const endpoint = await register(maya, receiver.url, ['deal.created']);
    await api.call('POST', '/deals', { user: fixtures.rep('down'), body: { name: 'Down receiver' } });
    const [first] = await eventually(async () => {
      const log = await deliveries(maya, endpoint.id);
      if (log[0]?.attempts !== 1 || log[0].lastResponseCode === undefined) throw new Error('not yet');
      return log;
    });
    const id = first?.id ?? '';
    const failing = (await api.call('GET', `/webhooks/${endpoint.id}`, { user: maya })).body;
    expect(failing.failingSince).toBeTruthy();

    // Act: a retry a little under 24 h after the first failure keeps it on; the last try of the
    // delivery's window, 24 h after it, disables it.
    const since = Date.parse(failing.failingSince);
    expect(await work.runWork(id, { now: new Date(since + 23 * 3_600_000).toISOString() })).toBe('retry');
    expect((await api.call('GET', `/webhooks/${endpoint.id}`, { user: maya })).body.active).toBe(true);
    expect(await work.runWork(id, { now: new Date(since + 24 * 3_600_000 + 1000).toISOString() })).toBe(
      'failed',
    );

    // Assert
    const disabled = (await api.call('GET', `/webhooks/${endpoint.id}`, { user: maya })).body;
    expect(disabled).toMatchObject({ active: false });
    expect(disabled.disabledReason).toContain('503');
    const [email] = await waitForEmails(to(maya.email));
    expect(email?.subject).toBe(`Webhook disabled: ${receiver.url}`);
    expect(email?.body.text).toContain(endpoint.id);
    const [failed] = await deliveries(maya, endpoint.id);
    expect(failed).toMatchObject({ id, status: 'failed', attempts: 3, lastResponseCode: 503 });
    // Disabled: no redelivery, and new events are not planned for it.
    expect(
      (await api.call('POST', `/webhooks/${endpoint.id}/deliveries/${id}/redeliver`, { user: maya })).status,
    ).toBe(409);

    // Enabled again and fixed: the manual redelivery goes out once, with the same delivery id.
    receiver.answer = () => ({ status: 204 });
    const enabled = await api.call('PATCH', `/webhooks/${endpoint.id}`, {
      user: maya,
      body: { active: true },
    });
    expect(enabled.body).toMatchObject({ active: true });
    expect(enabled.body.failingSince).toBeUndefined();
    const before = receiver.received.length;
    const again = await api.call('POST', `/webhooks/${endpoint.id}/deliveries/${id}/redeliver`, {
      user: maya,
    });
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({ id, status: 'pending', attempts: 0 });
    expect(
      (await api.call('POST', `/webhooks/${endpoint.id}/deliveries/${id}/redeliver`, { user: maya })).status,
    ).toBe(409);
    expect(await work.runWork(id)).toBe('done');
    expect(receiver.received.slice(before).map((r) => r.headers['closer-delivery-id'])).toEqual([id]);
    expect((await deliveries(maya, endpoint.id))[0]).toMatchObject({
      status: 'delivered',
      lastResponseCode: 204,
    });
  });

  it('signs with both secrets for a day after a rotation', async () => {
    // Arrange
    const maya = manager();
    const receiver = await startReceiver();
    const endpoint = await register(maya, receiver.url, ['deal.created']);
    const verify = await readmeVerifier();

    // Act
    const rotated = await api.call('POST', `/webhooks/${endpoint.id}/rotate-secret`, { user: maya });
    const deal = (await api.call('POST', '/deals', { user: fixtures.rep('rot'), body: { name: 'Rotation' } }))
      .body;
    const [request] = await eventually(async () => {
      const mine = receiver.received.filter(forDeal(deal.id));
      if (mine.length === 0) throw new Error('not yet');
      return mine;
    });

    // Assert
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(endpoint.secret);
    const header = String(request?.headers['closer-signature']);
    expect(header.match(/v1=/g)).toHaveLength(2);
    expect(verify(header, request?.raw ?? '', rotated.body.secret)).toBe(true);
    expect(verify(header, request?.raw ?? '', endpoint.secret)).toBe(true);
  });
});

describe('webhook endpoints', () => {
  it('never answer the secret after creation', async () => {
    // Arrange
    const maya = manager();
    const receiver = await startReceiver();
    const endpoint = await register(maya, receiver.url, ['quote.signed']);

    // Act
    const answers = [
      await api.call('GET', '/webhooks', { user: maya, query: { limit: '200' } }),
      await api.call('GET', `/webhooks/${endpoint.id}`, { user: maya }),
      await api.call('PATCH', `/webhooks/${endpoint.id}`, {
        user: maya,
        body: { events: ['quote.*', 'deal.won'], description: 'accounting' },
      }),
      await api.call('GET', `/webhooks/${endpoint.id}/deliveries`, { user: maya }),
      await api.call('DELETE', `/webhooks/${endpoint.id}`, { user: maya }),
    ];

    // Assert
    expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.text).not.toContain(endpoint.secret);
      expect(answer.text).not.toMatch(/"secret"|whsec_|sealed/i);
    }
    expect(answers[2]?.body).toMatchObject({ events: ['quote.*', 'deal.won'], description: 'accounting' });
    expect((await api.call('GET', `/webhooks/${endpoint.id}`, { user: maya })).status).toBe(404);
  });

  it('are managed by managers only: a rep gets 403 on every route', async () => {
    // Arrange
    const maya = manager();
    const endpoint = await register(maya, (await startReceiver()).url);
    const alice = fixtures.rep('alice');
    const base = `/webhooks/${endpoint.id}`;

    // Act
    const answers = [
      await api.call('GET', '/webhooks', { user: alice }),
      await api.call('POST', '/webhooks', {
        user: alice,
        body: { url: 'https://example.com/h', events: ['*'] },
      }),
      await api.call('GET', base, { user: alice }),
      await api.call('PATCH', base, { user: alice, body: { active: false } }),
      await api.call('DELETE', base, { user: alice }),
      await api.call('POST', `${base}/rotate-secret`, { user: alice }),
      await api.call('GET', `${base}/deliveries`, { user: alice }),
      await api.call('POST', `${base}/deliveries/wh.x/redeliver`, { user: alice }),
    ];

    // Assert
    expect(answers.map((a) => a.status)).toEqual(Array(answers.length).fill(403));
    expect((await api.call('GET', base, { user: maya })).body).toMatchObject({ active: true });
  });

  it('refuse loopback, private, link-local and metadata addresses, and plain http', async () => {
    // Arrange
    const maya = manager();
    const refused = [
      'https://10.0.0.8/hook',
      'https://172.20.1.1/hook',
      'https://192.168.1.10/hook',
      'https://169.254.169.254/latest/meta-data/',
      'https://[fd00:ec2::254]/',
      'https://[::1]/hook',
      'https://[::ffff:127.0.0.1]/hook',
      'https://127.0.0.2/hook',
      'https://0.0.0.0/hook',
      'https://localhost/hook',
      'https://user:pass@example.com/hook',
      'http://example.com/hook',
      'ftp://example.com/hook',
      'not a url',
    ];

    // Act
    const answers = [];
    for (const url of refused)
      answers.push(await api.call('POST', '/webhooks', { user: maya, body: { url, events: ['*'] } }));
    // Outside the test setting, http://127.0.0.1 is refused too.
    process.env.WEBHOOKS_ALLOW_LOCAL_HTTP = 'false';
    const loopback = await api.call('POST', '/webhooks', {
      user: maya,
      body: { url: 'http://127.0.0.1:9/hook', events: ['*'] },
    });
    process.env.WEBHOOKS_ALLOW_LOCAL_HTTP = 'true';

    // Assert
    for (const [i, answer] of answers.entries()) {
      expect(answer.status, refused[i]).toBe(422);
      expect(answer.body.error.details[0].path).toEqual(['url']);
    }
    expect(loopback.status).toBe(422);
    expect(loopback.body.error.message).toContain('https');
    const all = await api.call('GET', '/webhooks', { user: maya, query: { limit: '200' } });
    expect(all.body.items.map((w: { url: string }) => w.url)).not.toContain('https://10.0.0.8/hook');
  });

  it('refuse bad event types and unknown fields with 422', async () => {
    const maya = manager();
    for (const body of [
      { url: 'https://example.com/h', events: [] },
      { url: 'https://example.com/h', events: ['Quote.Signed'] },
      { url: 'https://example.com/h', events: ['quote.'] },
      { url: 'https://example.com/h', events: ['*'], secret: 'mine' },
    ])
      expect((await api.call('POST', '/webhooks', { user: maya, body })).status).toBe(422);
  });
});

describe('the outbound client', () => {
  const local = { allowLocalHttp: true };

  it('refuses http://127.0.0.1 outside the test setting, before connecting', async () => {
    const receiver = await startReceiver();
    await expect(outbound.safePost(receiver.url, '{}', {}, { allowLocalHttp: false })).rejects.toThrow(
      /https/,
    );
    expect(receiver.received).toHaveLength(0);
  });

  it('refuses a redirect to a private address or to a name that resolves to loopback', async () => {
    // Arrange: a receiver that redirects, and the second receiver it names.
    const target = await startReceiver();
    const redirector = await startReceiver();
    const locations = [
      'http://10.0.0.1/hook',
      'https://169.254.169.254/latest/meta-data/',
      `http://localhost:${target.port}/hook`,
      `https://localhost:${target.port}/hook`,
      `http://[::1]:${target.port}/hook`,
    ];
    let next = 0;
    redirector.answer = () => ({ status: 307, headers: { location: locations[next++] ?? '' } });

    // Act + Assert: each is refused, and the target is never reached.
    for (const location of locations)
      await expect(outbound.safePost(redirector.url, '{}', {}, local), location).rejects.toBeInstanceOf(
        outbound.UnsafeUrlError,
      );
    expect(target.received).toHaveLength(0);
    // A redirect to an allowed address is followed (the body POSTed again).
    redirector.answer = () => ({ status: 308, headers: { location: target.url } });
    await expect(outbound.safePost(redirector.url, '{"a":1}', {}, local)).resolves.toMatchObject({
      status: 200,
    });
    expect(target.received.map((r) => r.raw)).toEqual(['{"a":1}']);
  });

  it('checks every address a name resolves to, and connects only to the one it checked', async () => {
    // Arrange: a DNS that answers a private address (or a public and a private one).
    const receiver = await startReceiver();
    const hostile = async () => [
      { address: '93.184.216.34', family: 4 },
      { address: '10.0.0.5', family: 4 },
    ];
    const rebinding = async () => [{ address: '127.0.0.1', family: 4 }];

    // Act + Assert
    await expect(
      outbound.safePost('https://hooks.example.test/h', '{}', {}, { ...local, resolve: hostile }),
    ).rejects.toThrow(/10\.0\.0\.5/);
    await expect(
      outbound.safePost(
        `https://hooks.example.test:${receiver.port}/h`,
        '{}',
        {},
        { ...local, resolve: rebinding },
      ),
    ).rejects.toBeInstanceOf(outbound.UnsafeUrlError);
    await expect(
      outbound.checkDestination('https://hooks.example.test/h', { ...local, resolve: hostile }),
    ).rejects.toThrow(/private/);
    expect(receiver.received).toHaveLength(0);
  });

  it('gives up after its timeout and keeps at most 1 KB of an answer', async () => {
    // Arrange
    const slow = await startReceiver();
    slow.answer = () => ({ status: 200 });
    const hanging = createServer(() => {});
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    const port = (hanging.address() as AddressInfo).port;
    const big = await startReceiver();
    big.answer = () => ({ status: 200, body: 'y'.repeat(100_000) });

    // Act
    const timedOut = outbound.safePost(`http://127.0.0.1:${port}/h`, '{}', {}, { ...local, timeoutMs: 300 });

    // Assert
    await expect(timedOut).rejects.toMatchObject({ name: 'TimeoutError' });
    const answer = await outbound.safePost(big.url, '{}', {}, local);
    expect(answer.body.length).toBe(outbound.MAX_KEPT_BODY);
    hanging.closeAllConnections();
    await new Promise((resolve) => hanging.close(resolve));
  });
});
