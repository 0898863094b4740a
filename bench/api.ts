/**
 * The "foundation" benchmark: latency of the deal endpoints over real HTTP on the local stack.
 *
 * 1. create, get, patch and a rep's first list page, N requests each (1,000; `--quick` 100), on
 *    a fresh table holding only the deals this phase creates.
 * 2. The table is then filled to 10,000 deals (`--quick` 1,000): the rest written straight with
 *    the store's `saveDeal`, each built by the domain's `createDeal` (real items, indexes, events),
 *    spread over 20 owners, the five open stages and every day of 2026; one deal in five has an
 *    observer. Then the first page of several filtered lists, 200 times each (`--quick` 20).
 *
 * Every request must answer the expected status, or the bench stops: a figure measured on errors
 * means nothing. Timings are printed, never asserted.
 */
import { performance } from 'node:perf_hooks';
import type { Deal, DealInput } from '#schemas/deals';
import { Client } from './support/http.ts';
import { CONCURRENCY, pool } from './support/measure.ts';
import { buildReport, loadAverage, Recorder, type Report } from './support/report.ts';
import type { BenchStack } from './support/stack.ts';
import {
  type Actor,
  actors,
  customer,
  dayOf2026,
  defaultPipeline,
  OWNER_COUNT,
  openStages,
  product,
  random,
} from './support/world.ts';

export interface BenchOptions {
  quick: boolean;
}

/** Direct writes to DynamoDB Local while loading (not measured). */
const LOAD_CONCURRENCY = 32;
/** Requests before each filtered list (not measured). */
const WARMUP = 20;

/** One deal family in 50 is "Orion": what the `q` filters look for (2% of deals). */
const FAMILIES = [
  'Orion',
  'Atlas',
  'Borealis',
  'Cascade',
  'Delta',
  'Ember',
  'Fjord',
  'Granite',
  'Harbor',
  'Iris',
  'Juniper',
  'Kestrel',
  'Lumen',
  'Meridian',
  'Nimbus',
  'Obsidian',
  'Pioneer',
  'Quartz',
  'Redwood',
  'Summit',
  'Tundra',
  'Umbra',
  'Vertex',
  'Willow',
  'Xenon',
  'Yarrow',
  'Zenith',
  'Aurora',
  'Basalt',
  'Cobalt',
  'Dune',
  'Echo',
  'Falcon',
  'Glacier',
  'Helix',
  'Indigo',
  'Jasper',
  'Krypton',
  'Lagoon',
  'Mosaic',
  'Nova',
  'Onyx',
  'Prism',
  'Quasar',
  'Ripple',
  'Sierra',
  'Tempest',
  'Unity',
  'Vortex',
  'Wren',
];
const SEARCH = 'orion';
const KINDS = ['rollout', 'renewal', 'expansion', 'pilot', 'migration'];
const COMPETITORS = ['Salesforce', 'HubSpot', 'Pipedrive', 'Zoho', 'in-house tool'];
const SOURCES = ['inbound', 'referral', 'event', 'outbound', 'partner'];
/** Loaded deals' amounts: uniform between 1,000 and 500,000 EUR (minor units). */
const MIN_AMOUNT_FILTER = 35_000_000;

function dealName(family: string, kind: string, n: number): string {
  return `${family} ${kind} ${n}`;
}

function firstStage(stages: string[]): string {
  const stage = stages[1] ?? stages[0];
  if (!stage) throw new Error('the default pipeline has no open stage');
  return stage;
}

export async function apiBench(stack: BenchStack, options: BenchOptions): Promise<Report> {
  const requests = options.quick ? 100 : 1_000;
  const tableDeals = options.quick ? 1_000 : 10_000;
  const filteredRuns = options.quick ? 20 : 200;
  // Before phase 1 (not measured): module imports, and the JIT of Node and of DynamoDB Local's JVM.
  const warmup = options.quick ? 20 : 100;
  const loadStart = loadAverage();

  const http = new Client(stack.baseUrl);
  const { manager, reps } = await actors(stack);
  const [repA, repB] = reps as [Actor, Actor, ...Actor[]];
  const pipeline = await defaultPipeline(http, manager);
  const stages = openStages(pipeline);
  const licence = await product(http, manager);
  const { companyId, contactId } = await customer(http, repA, 1);

  // --- Phase 1: the single-deal endpoints, on a table holding only these deals.
  const createBody = (i: number) => ({
    name: dealName(FAMILIES[(i + 1) % FAMILIES.length] ?? 'Atlas', KINDS[i % KINDS.length] ?? 'pilot', i),
    contactId,
    companyId,
    stageId: stages[i % stages.length],
    closeDate: dayOf2026(i % 365),
    source: SOURCES[i % SOURCES.length],
    lines: [
      { productId: licence.id, quantity: 1 + (i % 5), discountPercent: 5 },
      { name: 'Onboarding', quantity: 1, unitPrice: 150_000, taxRate: 20 },
    ],
  });
  const ids: string[] = [];
  const create = async (i: number) => {
    const { body } = await http.send<Deal>('POST', '/deals', {
      token: repA.token,
      body: createBody(i),
      expect: 201,
    });
    ids[i] = body.id;
  };
  const get = (i: number) => http.send('GET', `/deals/${ids[i]}`, { token: repA.token });
  const patch = (i: number) =>
    http.send('PATCH', `/deals/${ids[i]}`, {
      token: repA.token,
      body: { nextStep: `Follow-up call ${i}`, probability: 10 + (i % 80) },
    });
  let listed: { items: Deal[]; nextCursor?: string } | undefined;
  const list = (token: string, query: string) => async () => {
    const { body } = await http.send<{ items: Deal[]; nextCursor?: string }>('GET', `/deals?${query}`, {
      token,
    });
    listed = body;
  };

  // Warm-up: the first request of each function imports it (a cold start), not measured.
  await pool(warmup, CONCURRENCY, async (i) => create(requests + i));
  await pool(warmup, CONCURRENCY, async (i) => void (await get(requests + i)));
  await pool(warmup, CONCURRENCY, async (i) => void (await patch(requests + i)));
  await pool(warmup, CONCURRENCY, list(repA.token, 'limit=50'));

  const socketsBefore = stack.connections();
  const recorder = new Recorder(stack.probe);
  /** For lists: what the page held (every page of a measurement is the same). */
  const pageOf = () => {
    const page = listed;
    listed = undefined;
    return page ? { items: page.items.length, more: page.nextCursor !== undefined } : {};
  };

  console.log(`api: phase 1, ${requests} requests each, ${CONCURRENCY} in flight`);
  await recorder.run('create', 'POST /deals (contact, company, 2 lines)', requests, create);
  await recorder.run('get', 'GET /deals/{id}', requests, get);
  await recorder.run('patch', 'PATCH /deals/{id} (2 fields)', requests, patch);
  await recorder.run(
    `list (rep owning ${requests + warmup})`,
    'GET /deals?limit=50',
    requests,
    list(repA.token, 'limit=50'),
    pageOf,
  );
  const phaseOneDeals = requests + warmup;

  // --- Phase 2: fill the table, then filtered first pages.
  const toLoad = tableDeals - phaseOneDeals;
  console.log(`api: loading ${toLoad} deals with saveDeal (${LOAD_CONCURRENCY} in flight)...`);
  const loadStarted = performance.now();
  await loadDeals(toLoad, { manager, reps, pipelineId: pipeline.id, stages, companyId, contactId });
  const loadSeconds = Math.round((performance.now() - loadStarted) / 100) / 10;
  console.log(`api: loaded in ${loadSeconds} s (${Math.round(toLoad / loadSeconds)} deals/s)`);

  const stage = firstStage(stages);
  const owner = reps[7] ?? repB;
  const filters: { name: string; actor: Actor; query: string }[] = [
    {
      name: 'list: stage + minAmount',
      actor: manager,
      query: `pipelineId=${pipeline.id}&stageId=${stage}&minAmount=${MIN_AMOUNT_FILTER}&limit=50`,
    },
    {
      name: 'list: stage + q',
      actor: manager,
      query: `pipelineId=${pipeline.id}&stageId=${stage}&q=${SEARCH}&limit=50`,
    },
    { name: 'list: q only (manager)', actor: manager, query: `q=${SEARCH}&limit=50` },
    {
      name: 'list: ownerId + close range',
      actor: owner,
      query: `ownerId=${owner.user.id}&closeFrom=2026-04-01&closeTo=2026-06-30&limit=50`,
    },
    { name: 'list: no filter (manager)', actor: manager, query: 'limit=50' },
    { name: 'list: no filter (rep, owned + observed)', actor: repB, query: 'limit=50' },
  ];
  console.log(`api: phase 2, ${tableDeals} deals in the table, ${filteredRuns} first pages each`);
  for (const filter of filters) {
    await pool(WARMUP, CONCURRENCY, list(filter.actor.token, filter.query));
    await recorder.run(
      filter.name,
      `GET /deals?${filter.query.replace(pipeline.id, '{pipelineId}')}`,
      filteredRuns,
      list(filter.actor.token, filter.query),
      pageOf,
    );
  }

  const results = recorder.results;
  const requestsMeasured = results.reduce((n, r) => n + r.requests, 0);
  return buildReport(
    { loadStart, concurrency: CONCURRENCY, quick: options.quick },
    {
      dealsInTable: tableDeals,
      createdThroughApi: phaseOneDeals,
      loadedWithSaveDeal: toLoad,
      loadSeconds,
      owners: OWNER_COUNT,
      openStages: stages,
      closeDates: '2026-01-01 .. 2026-12-31',
      observedShare: '1 loaded deal in 5 has one observer',
      searchTerm: `${SEARCH} (2% of deals)`,
      minAmount: MIN_AMOUNT_FILTER,
      socketsOpenedWhileMeasuring: stack.connections() - socketsBefore,
      requestsMeasured,
    },
    results,
  );
}

interface LoadContext {
  manager: Actor;
  reps: Actor[];
  pipelineId: string;
  stages: string[];
  companyId: string;
  contactId: string;
}

/**
 * Writes `count` deals as the API would (same domain function, same store function, a
 * `deal.created` event each) without the HTTP round trip. Imported here, not at the top: the
 * store's client reads DYNAMODB_ENDPOINT when it loads, which the stack sets first.
 */
async function loadDeals(count: number, ctx: LoadContext): Promise<void> {
  const { createDeal } = await import('#domain/deals');
  const { saveDeal } = await import('#store/deals');
  const { newEvent, userActor } = await import('#domain/events');
  const { systemClock } = await import('#services/clock');
  const { getPipeline } = await import('#services/pipelines');
  const pipeline = await getPipeline(ctx.pipelineId);
  const next = random(20_261_123);
  const pick = <T>(values: readonly T[]): T => {
    const value = values[Math.floor(next() * values.length)];
    if (value === undefined) throw new Error('pick from an empty list');
    return value;
  };

  const inputs: DealInput[] = Array.from({ length: count }, (_, i) => {
    const owner = ctx.reps[i % ctx.reps.length] ?? ctx.manager;
    const observer = next() < 0.2 ? ctx.reps[(i + 1 + Math.floor(next() * 19)) % ctx.reps.length] : undefined;
    const withLines = next() < 0.5;
    return {
      name: dealName(pick(FAMILIES), pick(KINDS), i),
      ownerId: owner.user.id,
      ...(observer ? { observerIds: [observer.user.id] } : {}),
      stageId: pick(ctx.stages),
      closeDate: dayOf2026(Math.floor(next() * 365)),
      contactId: ctx.contactId,
      companyId: ctx.companyId,
      source: pick(SOURCES),
      competitor: pick(COMPETITORS),
      nextStep: 'Send the proposal',
      ...(withLines
        ? {
            lines: [
              {
                name: 'Subscription',
                quantity: 1 + Math.floor(next() * 10),
                unitPrice: 10_000 + Math.floor(next() * 4_000_000),
                taxRate: 20,
              },
              { name: 'Onboarding', quantity: 1, unitPrice: 150_000, taxRate: 20 },
            ],
          }
        : { amount: 100_000 + Math.floor(next() * 49_900_000) }),
    };
  });

  await pool(count, LOAD_CONCURRENCY, async (i) => {
    const input = inputs[i];
    if (!input) return;
    const clock = systemClock();
    const deal = createDeal(input, {
      ...clock,
      user: ctx.manager.user,
      pipeline,
      products: new Map(),
      repeat: false,
      defaultCurrency: 'EUR',
    });
    const event = newEvent(
      deal.id,
      'deal.created',
      {
        name: deal.name,
        stageId: deal.stageId,
        amount: deal.amount,
        currency: deal.currency,
        ownerId: deal.ownerId,
      },
      userActor(ctx.manager.user),
      clock,
    );
    await saveDeal(undefined, deal, [event]);
  });
}
