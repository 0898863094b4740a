import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import type { User } from '#contracts/actor';
import { runWorkItems } from '#services/work';
import '#services/views';
import { db, table } from '#store/client';
import { getSignerCode } from '#store/codes';
import { keys } from '#store/keys';
import { getQuoteAt } from '#store/quotes';
import { dueWork } from '#store/work';
import { call } from '#test/api';
import { rep, sentQuote } from '#test/fixtures';
import { emails, to, waitForEmails } from '#test/mail';

const SAME_ORIGIN = { 'sec-fetch-site': 'same-origin' };
const BROWSER = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36';

const timeline = async (owner: User, dealId: string) =>
  (await call('GET', `/deals/${dealId}/timeline`, { user: owner, query: { limit: '200' } })).body.items as {
    type: string;
    data: Record<string, unknown>;
  }[];

const ofType = async (owner: User, dealId: string, type: string) =>
  (await timeline(owner, dealId)).filter((e) => e.type === type);

/** Runs the check of this quote's unconfirmed opens as the `deliver` job would, `ms` from now. */
async function runOpenChecks(quoteId: string, ms: number) {
  const now = new Date(Date.now() + ms).toISOString();
  const due = (await dueWork(now, 500)).filter((w) => w.id.startsWith(`${quoteId}.open.`));
  return runWorkItems(
    due.map((w) => w.id),
    { now },
  );
}

const openedNotices = async (owner: User) =>
  (await emails()).filter((e) => to(owner.email)(e) && e.subject.includes('opened quote'));

describe('honest "viewed"', () => {
  it('records a scanner GET and a HEAD as scanner opens, never as a view, and notifies nobody', {
    timeout: 90_000,
  }, async () => {
    const owner = rep();
    const { deal, quote, token } = await sentQuote(owner);

    const scanner = await call('GET', `/q/${token}`, {
      headers: { 'user-agent': 'Mozilla/5.0 (compatible; Microsoft Office SafeLinks)' },
    });
    const head = await call('HEAD', `/q/${token}`, { headers: { 'user-agent': BROWSER } });

    expect(scanner.status).toBe(200);
    expect(head.status).toBe(200);
    expect(head.text).toBe('');
    const scans = await ofType(owner, deal.id, 'quote.link_scanned');
    expect(scans.map((e) => e.data.reason).sort()).toEqual(['head', 'user_agent']);
    const stored = await getQuoteAt(deal.id, quote.id);
    expect(stored?.status).toBe('sent');
    expect(stored?.viewedAt).toBeUndefined();
    // The "not opened" reminder still stands.
    expect(stored?.reminders?.nextKind).toBe('not_opened');
    await new Promise((r) => setTimeout(r, 1000));
    expect(await openedNotices(owner)).toHaveLength(0);
  });

  it('labels a GET the page never reported as a scanner open, two minutes later', async () => {
    const owner = rep();
    const { deal, quote, token } = await sentQuote(owner);
    await call('GET', `/q/${token}`, { headers: { 'user-agent': BROWSER } });
    expect(await ofType(owner, deal.id, 'quote.link_scanned')).toHaveLength(0);

    expect((await runOpenChecks(quote.id, 60_000)).done).toBe(0);
    expect((await runOpenChecks(quote.id, 3 * 60_000)).done).toBe(1);

    const [scan] = await ofType(owner, deal.id, 'quote.link_scanned');
    expect(scan?.data).toMatchObject({ reason: 'no_report', userAgent: BROWSER });
    expect((await getQuoteAt(deal.id, quote.id))?.status).toBe('sent');
  });

  it("marks the quote viewed on the page's report and notifies the rep once", async () => {
    const owner = rep();
    const { deal, quote, token } = await sentQuote(owner);
    await call('GET', `/q/${token}`, { headers: { 'user-agent': BROWSER } });

    const refused = await call('POST', `/q/${token}/view`, {});
    const first = await call('POST', `/q/${token}/view`, { headers: SAME_ORIGIN });
    const second = await call('POST', `/q/${token}/view`, { headers: SAME_ORIGIN });

    expect(refused.status).toBe(403);
    expect(first.status).toBe(204);
    expect(second.status).toBe(204);
    const stored = await getQuoteAt(deal.id, quote.id);
    expect(stored?.status).toBe('viewed');
    expect(stored?.reminders?.nextKind).toBe('not_answered');
    const views = await ofType(owner, deal.id, 'quote.viewed');
    expect(views.map((e) => e.data.first).sort()).toEqual([false, true]);
    await waitForEmails((e) => to(owner.email)(e) && e.subject.includes('opened quote'));
    // The open checked later finds a person saw it: no scanner line.
    await runOpenChecks(quote.id, 3 * 60_000);
    expect(await ofType(owner, deal.id, 'quote.link_scanned')).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await openedNotices(owner)).toHaveLength(1);
  });

  it('counts a second GET a few seconds after the first (no JavaScript)', async () => {
    const owner = rep();
    const { deal, quote, token } = await sentQuote(owner);
    await call('GET', `/q/${token}`, { headers: { 'user-agent': BROWSER } });
    await call('GET', `/q/${token}`, { headers: { 'user-agent': BROWSER } });
    expect((await getQuoteAt(deal.id, quote.id))?.status).toBe('sent');

    await new Promise((r) => setTimeout(r, 3100));
    await call('GET', `/q/${token}`, { headers: { 'user-agent': BROWSER } });

    expect((await getQuoteAt(deal.id, quote.id))?.status).toBe('viewed');
  });

  it('counts an answer posted without JavaScript, and a PDF download', async () => {
    const owner = rep();
    const declined = await sentQuote(owner);
    await call('GET', `/q/${declined.token}`, { headers: { 'user-agent': BROWSER } });
    const res = await call('POST', `/q/${declined.token}/decline`, {
      raw: 'reason=price&message=',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...SAME_ORIGIN },
    });
    expect(res.status).toBe(200);
    expect((await getQuoteAt(declined.deal.id, declined.quote.id))?.viewedAt).toEqual(expect.any(String));

    const downloaded = await sentQuote(owner);
    expect((await call('GET', `/q/${downloaded.token}/pdf`)).status).toBe(200);
    expect((await getQuoteAt(downloaded.deal.id, downloaded.quote.id))?.status).toBe('viewed');
  });
});

/** The code in the email sent to the quote's recipient (the n-th one). */
async function codeFromEmail(address: string, n = 1): Promise<string> {
  const mails = await waitForEmails((e) => to(address)(e) && /code/i.test(e.subject), n);
  const code = /(\d{6})\s*$/.exec(mails[n - 1]?.subject ?? '')?.[1];
  expect(code).toMatch(/^\d{6}$/);
  return code as string;
}

const sign = (token: string, body: Record<string, unknown>) =>
  call('POST', `/q/${token}/sign`, { body: { name: 'Jeanne Dupont', consent: true, ...body } });

const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

describe('one-time code before signing', () => {
  it('refuses a signature without a code, then signs with the emailed one and records it', async () => {
    const owner = rep();
    const { deal, quote, token, contact } = await sentQuote(owner, { send: { requireCode: true } });

    const without = await sign(token, {});
    expect(without.status).toBe(422);
    expect(without.body.error.details[0]).toMatchObject({ path: 'body.code', reason: 'code_required' });

    const asked = await call('POST', `/q/${token}/code`, {});
    expect(asked.status).toBe(200);
    const masked = `${contact.email[0]}***@acme.example`;
    expect(asked.body.sentTo).toBe(masked);
    const code = await codeFromEmail(contact.email);
    // Only a hash is kept.
    const stored = await getSignerCode(deal.id, quote.id);
    expect(JSON.stringify(stored)).not.toContain(code);

    const bad = await sign(token, { code: wrong(code) });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details[0]).toMatchObject({ reason: 'code_invalid', attemptsLeft: 4 });

    const ok = await sign(token, { code });
    expect(ok.status).toBe(200);
    const signed = (await call('GET', `/quotes/${quote.id}`, { user: owner })).body;
    expect(signed.signature.verification).toMatchObject({ method: 'email_code', to: masked });
    const [event] = await ofType(owner, deal.id, 'quote.signed');
    expect(event?.data).toMatchObject({ verifiedBy: 'email_code', verifiedTo: masked });
    expect((await ofType(owner, deal.id, 'quote.code_sent'))[0]?.data.to).toBe(masked);

    // Replayed: the same signature replays, any other is refused, and the code is spent.
    expect((await sign(token, { code })).status).toBe(200);
    expect((await sign(token, { code, name: 'Someone Else' })).status).toBe(409);
    expect((await getSignerCode(deal.id, quote.id))?.usedAt).toEqual(expect.any(String));

    // The certificate page of the signed copy says it.
    const page = await call('GET', `/q/${token}`);
    expect(page.text).toContain(`Email verified by one-time code sent to ${masked}`);
  });

  it('refuses an expired code and a code of another quote', async () => {
    const owner = rep();
    const first = await sentQuote(owner, { send: { requireCode: true } });
    const second = await sentQuote(owner, { send: { requireCode: true } });
    await call('POST', `/q/${first.token}/code`, {});
    await call('POST', `/q/${second.token}/code`, {});
    const firstCode = await codeFromEmail(first.contact.email);
    const secondCode = await codeFromEmail(second.contact.email);
    expect(firstCode).not.toBe(secondCode === firstCode ? '' : secondCode);

    const other = await sign(second.token, { code: firstCode });
    expect(other.status).toBe(firstCode === secondCode ? 200 : 422);

    await db.send(
      new UpdateCommand({
        TableName: table(),
        Key: keys.signerCode(first.deal.id, first.quote.id),
        UpdateExpression: 'SET validTo = :past',
        ExpressionAttributeValues: { ':past': new Date(Date.now() - 1000).toISOString() },
      }),
    );
    const expired = await sign(first.token, { code: firstCode });
    expect(expired.status).toBe(422);
    expect(expired.body.error.details[0].reason).toBe('code_expired');
  });

  it('locks a code after five tries and allows three codes an hour', async () => {
    const owner = rep();
    const { token, contact } = await sentQuote(owner, { send: { requireCode: true } });
    await call('POST', `/q/${token}/code`, {});
    const code = await codeFromEmail(contact.email);

    const tries = [];
    for (let i = 0; i < 5; i++) tries.push((await sign(token, { code: wrong(code) })).status);
    const locked = await sign(token, { code });

    expect(tries).toEqual([422, 422, 422, 422, 422]);
    expect(locked.status).toBe(429);
    expect(locked.body.error.details.reason).toBe('code_locked');

    expect((await call('POST', `/q/${token}/code`, {})).status).toBe(200);
    expect((await call('POST', `/q/${token}/code`, {})).status).toBe(200);
    const fourth = await call('POST', `/q/${token}/code`, {});
    expect(fourth.status).toBe(429);
    expect(fourth.body.error.message).toContain('try again later');
    expect(fourth.body.error.details.retryAfterSeconds).toBeGreaterThan(3000);
    // The newest code still signs.
    const latest = await codeFromEmail(contact.email, 3);
    expect((await sign(token, { code: latest })).status).toBe(200);
  });

  it('lets one of two racing signatures with one code win', async () => {
    const owner = rep();
    const { token, contact } = await sentQuote(owner, { send: { requireCode: true } });
    await call('POST', `/q/${token}/code`, {});
    const code = await codeFromEmail(contact.email);

    const results = await Promise.all([
      sign(token, { code, name: 'Signer One' }),
      sign(token, { code, name: 'Signer Two' }),
    ]);

    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
  });

  it('answers 409 when the quote needs no code', async () => {
    const { token } = await sentQuote(rep());
    const res = await call('POST', `/q/${token}/code`, {});
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('code_not_required');
  });

  it('works without JavaScript: form posts ask for the code and sign with it', async () => {
    const owner = rep();
    const { token, contact, quote } = await sentQuote(owner, { send: { requireCode: true } });
    const form = { 'content-type': 'application/x-www-form-urlencoded', ...SAME_ORIGIN };

    const asked = await call('POST', `/q/${token}/code`, { raw: '', headers: form });
    expect(asked.status).toBe(200);
    expect(asked.text).toContain('A 6-digit code was emailed to');
    expect(asked.text).toContain('name="code"');
    const code = await codeFromEmail(contact.email);

    const bad = await call('POST', `/q/${token}/sign`, {
      raw: `name=Jeanne+Dupont&consent=on&code=${wrong(code)}`,
      headers: form,
    });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('This code is not right');
    const signed = await call('POST', `/q/${token}/sign`, {
      raw: `name=Jeanne+Dupont&consent=on&code=${code}`,
      headers: form,
    });
    expect(signed.status).toBe(200);
    expect(signed.text).toContain('your signature was recorded');
    expect((await call('GET', `/quotes/${quote.id}`, { user: owner })).body.status).toBe('signed');
  });
});
