import { ulid } from 'ulid';
import { describe, expect, it } from 'vitest';
import type { User } from '#contracts/actor';
import { Deal } from '#schemas/deals';
import { call, users } from '#test/api';

/** A rep of our own per test, so list assertions do not see other tests' deals. */
function rep(name = 'rep'): User {
  const id = `${name}-${ulid().toLowerCase()}`;
  return { id, email: `${id}@example.com`, name, manager: false };
}

async function product(unitPrice: number, taxRate: number, currency = 'EUR') {
  const res = await call('POST', '/products', {
    user: users.maya,
    body: { name: `P ${unitPrice}`, unitPrice, currency, taxRate },
  });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

describe('deals', () => {
  it('creates a deal with the defaults of the brief', async () => {
    // Arrange
    const owner = rep();
    // Act
    const res = await call('POST', '/deals', { user: owner, body: { name: 'Acme renewal' } });
    // Assert
    expect(res.status).toBe(201);
    expect(Deal.safeParse(res.body).success).toBe(true);
    const expectedClose = new Date(Date.now() + 42 * 86_400_000).toISOString().slice(0, 10);
    expect(res.body).toMatchObject({
      stageId: 'appointment-scheduled',
      status: 'open',
      probability: 20,
      amount: 0,
      weightedAmount: 0,
      currency: 'EUR',
      ownerId: owner.id,
      observerIds: [],
      repeat: false,
      closeDate: expectedClose,
      version: 1,
    });
    expect(res.headers.etag).toBe('"1"');
  });

  it('computes amount and weighted amount from lines and discounts', async () => {
    const p1 = await product(10_000, 20);
    const p2 = await product(3_333, 5.5);
    const res = await call('POST', '/deals', {
      user: rep(),
      body: {
        name: 'Lines',
        stageId: 'qualified-to-buy',
        discountPercent: 10,
        lines: [
          { productId: p1, quantity: 3, discountPercent: 5 },
          { productId: p2, quantity: 1.5 },
          { name: 'Custom work', quantity: 2, unitPrice: 12_345, taxRate: 0 },
        ],
      },
    });
    expect(res.status).toBe(201);
    // 3×10000 − 5% = 28500; 1.5×3333 = 4999.5 → 5000; 2×12345 = 24690; subtotal 58190; −10% = 5819 → 52371
    expect(res.body.amount).toBe(52_371);
    expect(res.body.weightedAmount).toBe(Math.round(52_371 * 0.4));
    expect(res.body.lines).toHaveLength(3);
    expect(res.body.lines[0]).toMatchObject({
      productId: p1,
      name: 'P 10000',
      unitPrice: 10_000,
      taxRate: 20,
    });
  });

  it('moves through stages, records closedAt on won and requires a loss reason for lost', async () => {
    const owner = rep();
    const created = (await call('POST', '/deals', { user: owner, body: { name: 'Mover', amount: 100_000 } }))
      .body;

    const won = await call('POST', `/deals/${created.id}/stage`, {
      user: owner,
      body: { stageId: 'closed-won' },
    });
    expect(won.status).toBe(200);
    expect(won.body).toMatchObject({ status: 'won', probability: 100, weightedAmount: 100_000 });
    expect(won.body.closedAt).toBeDefined();

    const noReason = await call('POST', `/deals/${created.id}/stage`, {
      user: owner,
      body: { stageId: 'closed-lost' },
    });
    expect(noReason.status).toBe(422);
    expect(noReason.body.error.code).toBe('validation_failed');

    const lost = await call('POST', `/deals/${created.id}/stage`, {
      user: owner,
      body: { stageId: 'closed-lost', lossReason: 'price' },
    });
    expect(lost.body).toMatchObject({
      status: 'lost',
      lossReason: 'price',
      probability: 0,
      weightedAmount: 0,
    });

    const reopened = await call('POST', `/deals/${created.id}/stage`, {
      user: owner,
      body: { stageId: 'qualified-to-buy' },
    });
    expect(reopened.body.status).toBe('open');
    expect(reopened.body.closedAt).toBeUndefined();
    expect(reopened.body.lossReason).toBeUndefined();
  });

  it('keeps a timeline of every change, newest first, with comments', async () => {
    const owner = rep();
    const deal = (await call('POST', '/deals', { user: owner, body: { name: 'History', amount: 500 } })).body;
    await call('PATCH', `/deals/${deal.id}`, { user: owner, body: { amount: 700, nextStep: 'Call Jeanne' } });
    await call('POST', `/deals/${deal.id}/stage`, { user: owner, body: { stageId: 'contract-sent' } });
    const comment = await call('POST', `/deals/${deal.id}/comments`, {
      user: owner,
      body: { text: 'Budget approved' },
    });
    expect(comment.status).toBe(201);

    const timeline = await call('GET', `/deals/${deal.id}/timeline`, { user: owner });

    expect(timeline.status).toBe(200);
    expect(timeline.body.items.map((e: { type: string }) => e.type)).toEqual([
      'deal.comment',
      'deal.stage_changed',
      'deal.updated',
      'deal.created',
    ]);
    const updated = timeline.body.items[2];
    expect(updated.actor).toEqual({ type: 'user', id: owner.id, name: owner.name });
    expect(updated.data.changes).toEqual(
      expect.arrayContaining([
        { field: 'amount', from: 500, to: 700 },
        { field: 'nextStep', from: null, to: 'Call Jeanne' },
      ]),
    );
    expect(timeline.body.items[1].data).toMatchObject({
      from: { id: 'appointment-scheduled' },
      to: { id: 'contract-sent' },
    });
    expect(timeline.body.items[0].data.text).toBe('Budget approved');
  });

  it('pages the timeline with a cursor', async () => {
    const owner = rep();
    const deal = (await call('POST', '/deals', { user: owner, body: { name: 'Chatty' } })).body;
    for (let i = 0; i < 4; i++)
      await call('POST', `/deals/${deal.id}/comments`, { user: owner, body: { text: `c${i}` } });
    const first = await call('GET', `/deals/${deal.id}/timeline`, { user: owner, query: { limit: '3' } });
    const second = await call('GET', `/deals/${deal.id}/timeline`, {
      user: owner,
      query: { limit: '3', cursor: first.body.nextCursor },
    });
    expect(first.body.items).toHaveLength(3);
    expect(second.body.items).toHaveLength(2);
    expect(second.body.nextCursor).toBeUndefined();
    expect(second.body.items.at(-1).type).toBe('deal.created');
  });

  it('filters by owner, stage, status, close dates, amounts and text, with pagination', async () => {
    const owner = rep();
    const make = (body: Record<string, unknown>) =>
      call('POST', '/deals', { user: owner, body: { name: 'x', ...body } });
    await make({ name: 'Alpha café', amount: 1_000, closeDate: '2027-01-10' });
    await make({ name: 'Bravo', amount: 5_000, closeDate: '2027-02-10', stageId: 'contract-sent' });
    await make({ name: 'Charlie', amount: 9_000, closeDate: '2027-03-10', competitor: 'Cafe Corp' });
    await make({ name: 'Delta', amount: 2_000, closeDate: '2027-04-10', stageId: 'closed-won' });
    const pipelineId = (await call('GET', '/pipelines', { user: owner })).body.items.find(
      (p: { isDefault: boolean }) => p.isDefault,
    ).id;
    const names = async (query: Record<string, string>) =>
      (await call('GET', '/deals', { user: owner, query })).body.items.map((d: { name: string }) => d.name);

    expect(await names({})).toEqual(['Alpha café', 'Bravo', 'Charlie', 'Delta']);
    expect(await names({ ownerId: owner.id, status: 'won' })).toEqual(['Delta']);
    expect(await names({ pipelineId, stageId: 'contract-sent' })).toEqual(['Bravo']);
    expect(await names({ closeFrom: '2027-02-01', closeTo: '2027-03-31' })).toEqual(['Bravo', 'Charlie']);
    expect(await names({ minAmount: '2000', maxAmount: '5000' })).toEqual(['Bravo', 'Delta']);
    expect(await names({ q: 'CAFE' })).toEqual(['Alpha café', 'Charlie']);

    const page1 = await call('GET', '/deals', { user: owner, query: { limit: '3' } });
    const page2 = await call('GET', '/deals', {
      user: owner,
      query: { limit: '3', cursor: page1.body.nextCursor },
    });
    expect(page1.body.items).toHaveLength(3);
    expect(page2.body.items.map((d: { name: string }) => d.name)).toEqual(['Delta']);
    expect(page2.body.nextCursor).toBeUndefined();
  });

  it("filters by contact and by company, and a rep sees only the client's deals they can access", async () => {
    // Arrange
    const owner = rep();
    const other = rep('other');
    const contact = await call('POST', '/contacts', {
      user: owner,
      body: { name: 'Jeanne Filter', email: 'jeanne.filter@example.com' },
    });
    const company = await call('POST', '/companies', { user: owner, body: { name: 'Filter SAS' } });
    expect(contact.status).toBe(201);
    expect(company.status).toBe(201);
    const contactId = contact.body.id as string;
    const companyId = company.body.id as string;
    const make = (user: User, body: Record<string, unknown>) =>
      call('POST', '/deals', { user, body: { closeDate: '2027-05-01', ...body } });
    await make(owner, { name: 'With contact', contactId });
    await make(owner, { name: 'With both', contactId, companyId });
    await make(owner, { name: 'With company', companyId });
    await make(owner, { name: 'Neither' });
    await make(other, { name: 'Other rep, same contact', contactId });
    const names = async (user: User, query: Record<string, string>) =>
      (await call('GET', '/deals', { user, query })).body.items.map((d: { name: string }) => d.name).sort();

    // Act + Assert
    expect(await names(owner, { contactId })).toEqual(['With both', 'With contact']);
    expect(await names(owner, { companyId })).toEqual(['With both', 'With company']);
    expect(await names(owner, { contactId, companyId })).toEqual(['With both']);
    expect(await names(other, { contactId })).toEqual(['Other rep, same contact']);
    expect(await names(users.maya, { contactId })).toEqual([
      'Other rep, same contact',
      'With both',
      'With contact',
    ]);
  });

  it('sets repeat when the contact already has a won deal', async () => {
    const owner = rep();
    const contact = (
      await call('POST', '/contacts', { user: owner, body: { name: 'Jeanne', email: 'jeanne@acme.example' } })
    ).body;
    const first = (
      await call('POST', '/deals', { user: owner, body: { name: 'First', contactId: contact.id } })
    ).body;
    const before = (
      await call('POST', '/deals', { user: owner, body: { name: 'Before win', contactId: contact.id } })
    ).body;
    await call('POST', `/deals/${first.id}/stage`, { user: owner, body: { stageId: 'closed-won' } });

    const second = (
      await call('POST', '/deals', { user: owner, body: { name: 'Second', contactId: contact.id } })
    ).body;

    expect(before.repeat).toBe(false);
    expect(second.repeat).toBe(true);
  });

  it('validates custom fields against the pipeline definitions', async () => {
    const pipeline = await call('POST', '/pipelines', {
      user: users.maya,
      body: {
        name: `Custom ${ulid()}`,
        stages: [
          { name: 'Lead', probability: 10, kind: 'open' },
          { name: 'Won', probability: 100, kind: 'won' },
          { name: 'Lost', probability: 0, kind: 'lost' },
        ],
        customFields: [
          { key: 'seats', label: 'Seats', type: 'number', required: true },
          { key: 'tier', label: 'Tier', type: 'select', options: ['gold', 'silver'] },
          { key: 'renewal', label: 'Renewal', type: 'date' },
        ],
      },
    });
    expect(pipeline.status).toBe(201);
    expect(pipeline.body.stages.map((s: { id: string }) => s.id)).toEqual(['lead', 'won', 'lost']);
    const owner = rep();
    const base = { name: 'Custom deal', pipelineId: pipeline.body.id };

    const missing = await call('POST', '/deals', { user: owner, body: base });
    const wrong = await call('POST', '/deals', {
      user: owner,
      body: { ...base, customFields: { seats: 3, tier: 'bronze' } },
    });
    const unknown = await call('POST', '/deals', {
      user: owner,
      body: { ...base, customFields: { seats: 3, color: 'red' } },
    });
    const ok = await call('POST', '/deals', {
      user: owner,
      body: { ...base, customFields: { seats: 3, tier: 'gold', renewal: '2027-06-01' } },
    });
    const patched = await call('PATCH', `/deals/${ok.body.id}`, {
      user: owner,
      body: { customFields: { tier: null, seats: 5 } },
    });

    expect(missing.status).toBe(422);
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.details).toEqual([
      { path: 'body.customFields.tier', message: 'must be one of "gold", "silver"' },
    ]);
    expect(unknown.status).toBe(422);
    expect(ok.status).toBe(201);
    expect(ok.body.stageId).toBe('lead');
    expect(patched.body.customFields).toEqual({ seats: 5, renewal: '2027-06-01' });
  });

  it('replaces lines and the amount follows', async () => {
    const owner = rep();
    const deal = (await call('POST', '/deals', { user: owner, body: { name: 'Relined', amount: 42 } })).body;
    const res = await call('PUT', `/deals/${deal.id}/lines`, {
      user: owner,
      body: [{ name: 'Seat', quantity: 10, unitPrice: 1_999, taxRate: 20 }],
    });
    expect(res.status).toBe(200);
    expect(res.body.amount).toBe(19_990);
    const amountPatch = await call('PATCH', `/deals/${deal.id}`, { user: owner, body: { amount: 1 } });
    expect(amountPatch.status).toBe(422);
  });
});

describe('deal access', () => {
  it("answers 404 for another rep's deal and lets managers and observers in", async () => {
    const alice = rep('alice');
    const bob = rep('bob');
    const deal = (await call('POST', '/deals', { user: alice, body: { name: 'Private' } })).body;

    const asBob = await call('GET', `/deals/${deal.id}`, { user: bob });
    const bobPatch = await call('PATCH', `/deals/${deal.id}`, { user: bob, body: { name: 'Mine now' } });
    const bobTimeline = await call('GET', `/deals/${deal.id}/timeline`, { user: bob });
    const bobStage = await call('POST', `/deals/${deal.id}/stage`, {
      user: bob,
      body: { stageId: 'closed-won' },
    });
    const bobList = await call('GET', '/deals', { user: bob, query: { ownerId: alice.id } });
    const asManager = await call('GET', `/deals/${deal.id}`, { user: users.maya });

    expect(asBob.status).toBe(404);
    expect(asBob.body.error.code).toBe('not_found');
    expect(bobPatch.status).toBe(404);
    expect(bobTimeline.status).toBe(404);
    expect(bobStage.status).toBe(404);
    expect(bobList.body.items).toEqual([]);
    expect(asManager.status).toBe(200);
    expect((await call('GET', `/deals/${deal.id}`, { user: alice })).body.name).toBe('Private');

    await call('PATCH', `/deals/${deal.id}`, { user: alice, body: { observerIds: [bob.id] } });
    const observed = await call('GET', `/deals/${deal.id}`, { user: bob });
    const bobDeals = await call('GET', '/deals', { user: bob });
    expect(observed.status).toBe(200);
    expect(bobDeals.body.items.map((d: { id: string }) => d.id)).toEqual([deal.id]);
    const observerEdit = await call('PATCH', `/deals/${deal.id}`, { user: bob, body: { nextStep: 'Demo' } });
    expect(observerEdit.status).toBe(200);
    const handover = await call('PATCH', `/deals/${deal.id}`, { user: bob, body: { ownerId: bob.id } });
    expect(handover.status).toBe(403);

    await call('PATCH', `/deals/${deal.id}`, { user: alice, body: { observerIds: [] } });
    expect((await call('GET', `/deals/${deal.id}`, { user: bob })).status).toBe(404);
    expect((await call('GET', '/deals', { user: bob })).body.items).toEqual([]);
  });

  it('lets only managers create deals for someone else', async () => {
    const alice = rep('alice');
    const asRep = await call('POST', '/deals', { user: alice, body: { name: 'For Bob', ownerId: 'bob' } });
    const asManager = await call('POST', '/deals', {
      user: users.maya,
      body: { name: 'For Alice', ownerId: alice.id },
    });
    expect(asRep.status).toBe(403);
    expect(asManager.status).toBe(201);
    expect((await call('GET', `/deals/${asManager.body.id}`, { user: alice })).status).toBe(200);
  });

  it('answers 401 without a user on rep routes', async () => {
    const res = await call('GET', '/deals');
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthorized');
  });
});

describe('deal concurrency', () => {
  it('keeps every field of concurrent PATCHes without If-Match', async () => {
    const owner = rep();
    const deal = (await call('POST', '/deals', { user: owner, body: { name: 'Busy' } })).body;
    const patches = [
      { source: 'web' },
      { competitor: 'Globex' },
      { nextStep: 'Send quote' },
      { description: 'Big one' },
      { probability: 55 },
      { closeDate: '2027-05-05' },
      { forecast: 'commit' },
      { winLossNote: 'n/a' },
    ];

    const results = await Promise.all(
      patches.map((body) => call('PATCH', `/deals/${deal.id}`, { user: owner, body })),
    );

    expect(results.map((r) => r.status)).toEqual(patches.map(() => 200));
    const final = (await call('GET', `/deals/${deal.id}`, { user: owner })).body;
    expect(final).toMatchObject(Object.assign({}, ...patches));
    expect(final.version).toBe(1 + patches.length);
    const timeline = (await call('GET', `/deals/${deal.id}/timeline`, { user: owner })).body.items;
    expect(timeline.filter((e: { type: string }) => e.type === 'deal.updated')).toHaveLength(patches.length);
  });

  it('answers 412 when If-Match names an old version and changes nothing', async () => {
    const owner = rep();
    const deal = (await call('POST', '/deals', { user: owner, body: { name: 'Versioned' } })).body;
    const first = await call('PATCH', `/deals/${deal.id}`, {
      user: owner,
      body: { name: 'V2' },
      headers: { 'if-match': '"1"' },
    });
    const stale = await call('PATCH', `/deals/${deal.id}`, {
      user: owner,
      body: { name: 'V2 bis' },
      headers: { 'if-match': '1' },
    });

    expect(first.status).toBe(200);
    expect(first.body.version).toBe(2);
    expect(stale.status).toBe(412);
    expect(stale.body.error.code).toBe('precondition_failed');
    expect((await call('GET', `/deals/${deal.id}`, { user: owner })).body.name).toBe('V2');
  });

  it('lets exactly one of two racing If-Match PATCHes win', async () => {
    const owner = rep();
    const deal = (await call('POST', '/deals', { user: owner, body: { name: 'Race' } })).body;
    const results = await Promise.all(
      ['A', 'B', 'C', 'D'].map((name) =>
        call('PATCH', `/deals/${deal.id}`, { user: owner, body: { name }, headers: { 'if-match': '1' } }),
      ),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 412)).toHaveLength(3);
    expect((await call('GET', `/deals/${deal.id}`, { user: owner })).body.version).toBe(2);
  });
});

describe('bad input', () => {
  const cases: [string, Parameters<typeof call>[2], number, string][] = [
    [
      'malformed JSON',
      { raw: '{"name": "x",', headers: { 'content-type': 'application/json' } },
      400,
      'bad_request',
    ],
    ['wrong types', { body: { name: 42 } }, 422, 'validation_failed'],
    ['unknown fields', { body: { name: 'x', colour: 'red' } }, 422, 'validation_failed'],
    [
      'negative quantities',
      { body: { name: 'x', lines: [{ name: 'a', quantity: -1, unitPrice: 100 }] } },
      422,
      'validation_failed',
    ],
    ['absurd amounts', { body: { name: 'x', amount: 10_000_000_000_001 } }, 422, 'validation_failed'],
    [
      'absurd computed amounts',
      { body: { name: 'x', lines: [{ name: 'a', quantity: 1000, unitPrice: 10_000_000_000_000 }] } },
      422,
      'validation_failed',
    ],
    [
      'an oversized body',
      { body: { name: 'x', description: 'y'.repeat(300 * 1024) } },
      413,
      'payload_too_large',
    ],
    ['an unknown stage', { body: { name: 'x', stageId: 'no-such-stage' } }, 422, 'validation_failed'],
    [
      'an unknown pipeline',
      { body: { name: 'x', pipelineId: '01ARZ3NDEKTSV4RRFFQ69G5FAV' } },
      422,
      'validation_failed',
    ],
    [
      'an unknown product',
      { body: { name: 'x', lines: [{ productId: '01ARZ3NDEKTSV4RRFFQ69G5FAV', quantity: 1 }] } },
      422,
      'validation_failed',
    ],
    [
      'an unknown contact',
      { body: { name: 'x', contactId: '01ARZ3NDEKTSV4RRFFQ69G5FAV' } },
      422,
      'validation_failed',
    ],
    [
      'a text body',
      { raw: 'name=x', headers: { 'content-type': 'text/plain' } },
      415,
      'unsupported_media_type',
    ],
  ];

  it.each(cases)('rejects %s with a clear 4xx and writes nothing', async (_label, options, status, code) => {
    const owner = rep();
    const res = await call('POST', '/deals', { user: owner, ...options });
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(res.body.error.message).toEqual(expect.any(String));
    expect(res.text).not.toMatch(/at .*\.ts:\d+/);
    expect((await call('GET', '/deals', { user: owner })).body.items).toEqual([]);
  });

  it('rejects a bad PATCH and leaves the deal and its version alone', async () => {
    const owner = rep();
    const deal = (await call('POST', '/deals', { user: owner, body: { name: 'Stable' } })).body;
    const bad = await call('PATCH', `/deals/${deal.id}`, {
      user: owner,
      body: { name: 'ok', probability: 101 },
    });
    const empty = await call('PATCH', `/deals/${deal.id}`, { user: owner, body: {} });
    const badId = await call('GET', '/deals/not-an-id', { user: owner });
    const badCursor = await call('GET', '/deals', { user: owner, query: { cursor: 'garbage' } });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details).toEqual([expect.objectContaining({ path: 'body.probability' })]);
    expect(empty.status).toBe(422);
    expect(badId.status).toBe(422);
    expect(badCursor.status).toBe(400);
    const after = (await call('GET', `/deals/${deal.id}`, { user: owner })).body;
    expect(after).toMatchObject({ name: 'Stable', version: 1 });
  });
});
