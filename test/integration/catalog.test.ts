import { ulid } from 'ulid';
import { describe, expect, it } from 'vitest';
import { Company, Contact, Product } from '#schemas/catalog';
import { Pipeline } from '#schemas/pipelines';
import { call, users } from '#test/api';

describe('contacts, companies and products', () => {
  it('creates, reads, updates and lists a company and its contact', async () => {
    const company = await call('POST', '/companies', {
      user: users.alice,
      body: { name: 'Acme SAS', address: '1 rue de la Paix\n75002 Paris', vatNumber: 'FR12345678901' },
    });
    expect(company.status).toBe(201);
    expect(Company.safeParse(company.body).success).toBe(true);
    const contact = await call('POST', '/contacts', {
      user: users.alice,
      body: { name: 'Jeanne Dupont', email: 'jeanne@acme.example', companyId: company.body.id, locale: 'fr' },
    });
    expect(contact.status).toBe(201);
    expect(Contact.safeParse(contact.body).success).toBe(true);

    const patched = await call('PATCH', `/contacts/${contact.body.id}`, {
      user: users.bob,
      body: { phone: '+33 1 23 45 67 89', locale: null },
    });
    const read = await call('GET', `/contacts/${contact.body.id}`, { user: users.bob });

    expect(patched.status).toBe(200);
    expect(read.body).toMatchObject({
      name: 'Jeanne Dupont',
      phone: '+33 1 23 45 67 89',
      companyId: company.body.id,
    });
    expect(read.body.locale).toBeUndefined();
    expect(read.body).not.toHaveProperty('PK');
  });

  it('refuses a contact that points at an unknown company', async () => {
    const res = await call('POST', '/contacts', {
      user: users.alice,
      body: { name: 'Ghost', email: 'ghost@example.com', companyId: ulid() },
    });
    expect(res.status).toBe(422);
    expect(res.body.error.details).toEqual([
      { path: 'body.companyId', message: expect.stringContaining('no company') },
    ]);
  });

  it('answers 404 for an unknown id', async () => {
    expect((await call('GET', `/companies/${ulid()}`, { user: users.alice })).status).toBe(404);
    expect(
      (await call('PATCH', `/products/${ulid()}`, { user: users.maya, body: { active: false } })).status,
    ).toBe(404);
  });

  it('lists with cursor pagination and no duplicates', async () => {
    for (let i = 0; i < 5; i++) {
      await call('POST', '/products', {
        user: users.maya,
        body: { name: `Paged ${i}`, unitPrice: 100 * i, currency: 'EUR', taxRate: 20 },
      });
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await call('GET', '/products', {
        user: users.alice,
        query: { limit: '2', ...(cursor ? { cursor } : {}) },
      });
      expect(res.status).toBe(200);
      for (const p of res.body.items) expect(Product.safeParse(p).success).toBe(true);
      seen.push(...res.body.items.map((p: { id: string }) => p.id));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor && pages < 1000);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBeGreaterThanOrEqual(5);
  });

  it('lets only managers edit the product catalogue', async () => {
    const res = await call('POST', '/products', {
      user: users.alice,
      body: { name: 'Nope', unitPrice: 1, currency: 'EUR', taxRate: 0 },
    });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
  });
});

describe('pipelines', () => {
  it('creates the default pipeline of the brief, names in English and French', async () => {
    const res = await call('GET', '/pipelines', { user: users.alice });
    const pipeline = res.body.items.find((p: { isDefault: boolean }) => p.isDefault);
    expect(Pipeline.safeParse(pipeline).success).toBe(true);
    expect(
      pipeline.stages.map((s: { probability: number; kind: string }) => [s.probability, s.kind]),
    ).toEqual([
      [20, 'open'],
      [40, 'open'],
      [60, 'open'],
      [80, 'open'],
      [90, 'open'],
      [100, 'won'],
      [0, 'lost'],
    ]);
    expect(pipeline.stages[0].names).toEqual({ en: 'Appointment scheduled', fr: 'Rendez-vous planifié' });
    expect(pipeline).toMatchObject({
      onQuoteSent: 'contract-sent',
      onQuoteSigned: 'closed-won',
      onQuoteDeclined: 'closed-lost',
    });
  });

  it('lets managers reorder, rename and re-weight stages, and keeps stages that hold deals', async () => {
    const created = await call('POST', '/pipelines', {
      user: users.maya,
      body: {
        name: `Edit ${ulid()}`,
        stages: [
          { name: 'New', probability: 10, kind: 'open' },
          { name: 'Demo', probability: 50, kind: 'open' },
          { name: 'Won', probability: 100, kind: 'won' },
          { name: 'Lost', probability: 0, kind: 'lost' },
        ],
      },
    });
    const id = created.body.id;
    await call('POST', '/deals', {
      user: users.alice,
      body: { name: 'In demo', pipelineId: id, stageId: 'demo' },
    });

    const reordered = await call('PUT', `/pipelines/${id}`, {
      user: users.maya,
      body: {
        name: 'Edited',
        stages: [
          { id: 'demo', name: 'Live demo', probability: 60, kind: 'open' },
          { id: 'new', name: 'New', probability: 5, kind: 'open' },
          { id: 'won', name: 'Won', probability: 100, kind: 'won' },
          { id: 'lost', name: 'Lost', probability: 0, kind: 'lost' },
        ],
      },
    });
    const removeBusy = await call('PUT', `/pipelines/${id}`, {
      user: users.maya,
      body: {
        name: 'Edited',
        stages: [
          { id: 'new', name: 'New', probability: 5, kind: 'open' },
          { id: 'won', name: 'Won', probability: 100, kind: 'won' },
          { id: 'lost', name: 'Lost', probability: 0, kind: 'lost' },
        ],
      },
    });
    const asRep = await call('PUT', `/pipelines/${id}`, {
      user: users.alice,
      body: reordered.body && { name: 'x', stages: [] },
    });

    expect(reordered.status).toBe(200);
    expect(reordered.body.stages.map((s: { id: string; name: string }) => `${s.id}:${s.name}`)).toEqual([
      'demo:Live demo',
      'new:New',
      'won:Won',
      'lost:Lost',
    ]);
    expect(reordered.body.version).toBe(2);
    expect(removeBusy.status).toBe(409);
    expect(asRep.status).toBe(403);
    expect((await call('GET', `/pipelines/${id}`, { user: users.alice })).body.stages).toHaveLength(4);
  });

  it('refuses a pipeline without a won or lost stage, or with hooks to unknown stages', async () => {
    const noWon = await call('POST', '/pipelines', {
      user: users.maya,
      body: {
        name: 'Bad',
        stages: [
          { name: 'A', probability: 10, kind: 'open' },
          { name: 'B', probability: 0, kind: 'lost' },
        ],
      },
    });
    const badHook = await call('POST', '/pipelines', {
      user: users.maya,
      body: {
        name: 'Bad hook',
        stages: [
          { name: 'A', probability: 10, kind: 'open' },
          { name: 'W', probability: 100, kind: 'won' },
          { name: 'L', probability: 0, kind: 'lost' },
        ],
        onQuoteSent: 'nowhere',
      },
    });
    expect(noWon.status).toBe(422);
    expect(noWon.body.error.details).toEqual([
      { path: 'body.stages', message: 'a pipeline needs at least one won stage' },
    ]);
    expect(badHook.status).toBe(422);
    expect(badHook.body.error.details).toEqual([
      { path: 'body.onQuoteSent', message: 'unknown stage id "nowhere"' },
    ]);
  });
});
