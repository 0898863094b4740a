/**
 * Reports and import benchmark (not a test): `npx tsx bench/reports.ts [--large 50000] [--small 1000]`.
 * Writes bench/results/reports.json.
 *
 * 1. Seeds 1,000 deals straight into a fresh in-memory DynamoDB Local (BatchWriteItem, as the table
 *    holds them), brings the aggregates up to date with the consumer's own code
 *    (`applyDealChanges`, batches of 100 as the stream delivers them) and checks them against a
 *    recount. Then times every report through the real `api` handler, and counts its DynamoDB calls.
 * 2. Adds deals up to 50,000 and does the same: a report's cost must not grow with the deals.
 * 3. Imports a 10,000-row CSV through the real `bulk` handler: dry run, import, re-import, and
 *    re-import of the file with every amount changed (10,000 updates).
 *
 * DynamoDB Local is slower than DynamoDB per call and runs on this machine's cores: the absolute
 * figures are pessimistic; the ratios are the point.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Context } from 'aws-lambda';
import { ulid } from 'ulid';
import { ensureTable, startDynamo } from '#infra/local/dynamodb';
import { gatewayEvent, userClaims } from '#infra/local/gateway-event';
import { freePort } from '#infra/local/ports';

const RESULTS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results', 'reports.json');
const TABLE_NAME = 'closer-bench-reports';
const OWNERS = 20;
const RUNS = 60;
const WARMUP = 10;

const { values: args } = parseArgs({
  options: {
    small: { type: 'string', default: '1000' },
    large: { type: 'string', default: '50000' },
    importRows: { type: 'string', default: '10000' },
  },
});
const SIZES = [Number(args.small), Number(args.large)];
const IMPORT_ROWS = Number(args.importRows);

let seed = 7;
function random(): number {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
}
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
const round = (n: number) => Math.round(n * 100) / 100;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function main() {
  const dynamo = await startDynamo({ port: await freePort() });
  await ensureTable(dynamo.endpoint, TABLE_NAME);
  Object.assign(process.env, {
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    TABLE_NAME,
    AWS_REGION: 'local',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: '1',
  });
  try {
    await run();
  } finally {
    await dynamo.stop();
  }
}

async function run() {
  // Imported only now: the store's client binds to DYNAMODB_ENDPOINT when it loads.
  const { batchPutItems } = await import('#store/batch');
  const { db } = await import('#store/client');
  const { keys } = await import('#store/keys');
  const { queryBuckets } = await import('#store/aggregates');
  const { contributions, factsOf, sumContributions, bucketId } = await import('#domain/reports');
  const { applyDealChanges, changeOfDeal } = await import('#services/reports');
  const { defaultPipelineId, getPipeline } = await import('#services/pipelines');
  const { percentOf } = await import('#domain/money');
  const { handler: api } = await import('../functions/api/handler.ts');
  const { handler: bulk } = await import('../functions/bulk/handler.ts');
  const { mapWithLimit } = await import('#services/limit');
  type Deal = import('#schemas/deals').Deal;

  let calls = 0;
  db.middlewareStack.add(
    (next) => async (a) => {
      calls++;
      return next(a);
    },
    { step: 'initialize', name: 'benchCallCounter' },
  );

  const manager = { id: 'boss', email: 'boss@example.com', name: 'Boss', manager: true };
  const owners = Array.from({ length: OWNERS }, (_, i) => `owner-${String(i + 1).padStart(2, '0')}`);
  const pipeline = await getPipeline(await defaultPipelineId());
  const now = new Date();
  const month = (offset: number) => {
    const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1));
    return d.toISOString().slice(0, 7);
  };

  function fakeDeal(): Deal {
    const stage = pick(pipeline.stages);
    const amount = Math.floor(random() * 5_000_000);
    const createdAt = new Date(now.getTime() - Math.floor(random() * 700) * 86_400_000).toISOString();
    const deal: Deal = {
      id: ulid(),
      name: `Deal ${Math.floor(random() * 1e6)}`,
      pipelineId: pipeline.id,
      stageId: stage.id,
      status: stage.kind,
      amount,
      currency: random() < 0.7 ? 'EUR' : random() < 0.66 ? 'USD' : 'GBP',
      probability: stage.probability,
      weightedAmount: percentOf(amount, stage.probability),
      closeDate: `${month(Math.floor(random() * 24) - 12)}-${String(1 + Math.floor(random() * 28)).padStart(2, '0')}`,
      ownerId: pick(owners),
      observerIds: [],
      customFields: {},
      repeat: false,
      lines: [],
      discountPercent: 0,
      createdAt,
      updatedAt: createdAt,
      version: 1,
    };
    if (stage.kind !== 'open') deal.closedAt = `${month(-Math.floor(random() * 24))}-15T12:00:00.000Z`;
    if (stage.kind === 'lost')
      deal.lossReason = pick(['Price', 'Timing', 'Competitor', 'No budget', 'No decision', 'Other']);
    return deal;
  }

  const deals: Deal[] = [];
  async function seed(count: number) {
    const fresh = Array.from({ length: count }, fakeDeal);
    const started = performance.now();
    const groups: Deal[][] = [];
    for (let i = 0; i < fresh.length; i += 100) groups.push(fresh.slice(i, i + 100));
    await mapWithLimit(groups, 2, (group) =>
      batchPutItems(group.map((d) => ({ ...d, ...keys.deal(d.id), ...keys.dealIndexes(d), entity: 'Deal' }))),
    );
    const seeded = performance.now() - started;
    // The consumer's code, on batches of 100 changes as the stream hands them over.
    const applyStarted = performance.now();
    const batches: Deal[][] = [];
    for (let i = 0; i < fresh.length; i += 100) batches.push(fresh.slice(i, i + 100));
    for (const batch of batches) await applyDealChanges(batch.map(changeOfDeal));
    const applied = performance.now() - applyStarted;
    deals.push(...fresh);
    return {
      seedMs: Math.round(seeded),
      applyMs: Math.round(applied),
      applyPerSecond: Math.round(count / (applied / 1000)),
    };
  }

  /** The everyone-scope buckets of the pipeline and the open-per-rep buckets against a recount. */
  async function verify(): Promise<boolean> {
    const expected = sumContributions(deals.flatMap((d) => contributions(factsOf(d as never))));
    const stored = [
      ...(await queryBuckets(keys.stageAggregatePartition(pipeline.id, keys.aggregateScope(undefined)))),
      ...(await queryBuckets(keys.openAggregatePartition())),
    ].filter((r) => r.count !== 0);
    const wanted = [...expected.values()].filter(
      (c) => (c.bucket.type === 'stage' && c.bucket.owner === null) || c.bucket.type === 'open',
    );
    return (
      stored.length === wanted.length &&
      stored.every((r) => {
        const e = expected.get(bucketId(r.bucket));
        return e !== undefined && e.count === r.count && e.amount === r.amount && e.weighted === r.weighted;
      })
    );
  }

  function event(
    method: string,
    routePath: string,
    query: Record<string, string>,
    user: typeof manager,
    body?: string,
  ) {
    return gatewayEvent({
      method,
      routePath,
      rawPath: routePath,
      queryStringParameters: query,
      headers: body ? { 'content-type': 'text/csv' } : {},
      ...(body ? { body } : {}),
      claims: userClaims(user),
      userAgent: 'bench',
    });
  }
  const context = { awsRequestId: 'bench' } as Context;

  const rep = { id: owners[0] as string, email: 'rep@example.com', name: 'Rep', manager: false };
  const reports: { name: string; path: string; query: Record<string, string>; user: typeof manager }[] = [
    { name: 'pipeline (manager, everyone)', path: '/reports/pipeline', query: {}, user: manager },
    { name: 'pipeline (rep, own)', path: '/reports/pipeline', query: {}, user: rep },
    {
      name: 'forecast month ×12 (manager)',
      path: '/reports/forecast',
      query: { from: month(-6), to: month(5) },
      user: manager,
    },
    {
      name: 'forecast quarter ×8 (rep)',
      path: '/reports/forecast',
      query: { from: month(-12), to: month(11), period: 'quarter' },
      user: rep,
    },
    {
      name: 'owners ×12 months (manager)',
      path: '/reports/owners',
      query: { from: month(-11), to: month(0) },
      user: manager,
    },
    {
      name: 'loss reasons ×24 months (manager)',
      path: '/reports/loss-reasons',
      query: { from: month(-23), to: month(0) },
      user: manager,
    },
    {
      name: 'forecast month ×12, CSV (manager)',
      path: '/reports/forecast',
      query: { from: month(-6), to: month(5), format: 'csv' },
      user: manager,
    },
  ];

  async function measure() {
    const out: Record<
      string,
      { p50: number; p95: number; mean: number; dynamoCalls: number; bytes: number }
    > = {};
    for (const r of reports) {
      const samples: number[] = [];
      let bytes = 0;
      let perCall = 0;
      for (let i = 0; i < WARMUP + RUNS; i++) {
        const before = calls;
        const started = performance.now();
        const res = (await api(event('GET', r.path, r.query, r.user), context)) as {
          statusCode: number;
          body: string;
        };
        const ms = performance.now() - started;
        if (res.statusCode !== 200) throw new Error(`${r.name}: ${res.statusCode} ${res.body.slice(0, 300)}`);
        if (i >= WARMUP) samples.push(ms);
        perCall = calls - before;
        bytes = Buffer.byteLength(res.body);
      }
      samples.sort((a, b) => a - b);
      out[r.name] = {
        p50: round(percentile(samples, 50)),
        p95: round(percentile(samples, 95)),
        mean: round(samples.reduce((a, b) => a + b, 0) / samples.length),
        dynamoCalls: perCall,
        bytes,
      };
    }
    return out;
  }

  const sizes: Record<string, unknown> = {};
  const latencies: Record<number, Awaited<ReturnType<typeof measure>>> = {};
  for (const size of SIZES) {
    console.log(`seeding up to ${size} deals...`);
    const setup = await seed(size - deals.length);
    const exact = await verify();
    console.log(
      `  seeded in ${setup.seedMs} ms, aggregates applied at ${setup.applyPerSecond} deals/s, equal to a recount: ${exact}`,
    );
    // A first pass warms the JIT and the SDK's connections, so the first size is not measured cold.
    if (size === SIZES[0]) await measure();
    latencies[size] = await measure();
    sizes[String(size)] = {
      deals: deals.length,
      ...setup,
      aggregatesEqualRecount: exact,
      reports: latencies[size],
    };
    console.table(latencies[size]);
  }
  const [small, large] = SIZES as [number, number];
  const ratio = Object.fromEntries(
    reports.map((r) => [
      r.name,
      round((latencies[large]?.[r.name]?.p50 ?? 0) / (latencies[small]?.[r.name]?.p50 ?? 1)),
    ]),
  );
  console.log(`p50 ratio ${large} / ${small} deals:`);
  console.table(ratio);

  // The import: a 10,000-row file with every column a migration would carry.
  const header =
    'externalId,name,stage,ownerId,amount,currency,closeDate,probability,lossReason,source,nextStep';
  const rows = Array.from({ length: IMPORT_ROWS }, (_, i) => {
    const stage = pick(pipeline.stages);
    return {
      cells: [`crm-${i}`, `"Imported deal ${i}, ""phase ${i % 7}"""`, stage.name, pick(owners)],
      amount: random() * 50_000,
      rest: [
        pick(['EUR', 'USD', 'GBP']),
        `${month(Math.floor(random() * 12))}-10`,
        stage.kind === 'open' ? String(Math.floor(random() * 100)) : '',
        stage.kind === 'lost' ? 'Price' : '',
        'Migration',
        'Call back',
      ],
    };
  });
  // `raise` adds to every amount: the same file with every row changed.
  const csvOf = (raise: number) =>
    `${header}\r\n${rows
      .map((r) => [...r.cells, (r.amount + raise).toFixed(2), ...r.rest].join(','))
      .join('\r\n')}\r\n`;
  const file = csvOf(0);
  const importRun = async (query: Record<string, string>, text = file) => {
    const before = calls;
    const started = performance.now();
    const res = (await bulk(event('POST', '/deals/import', query, manager, text), context)) as {
      statusCode: number;
      body: string;
    };
    const ms = Math.round(performance.now() - started);
    if (res.statusCode !== 200) throw new Error(`import: ${res.statusCode} ${res.body.slice(0, 300)}`);
    const body = JSON.parse(res.body) as Record<string, unknown>;
    return {
      ms,
      dynamoCalls: calls - before,
      created: body.created,
      updated: body.updated,
      unchanged: body.unchanged,
      postponed: body.postponed,
      rejected: body.rejected,
    };
  };
  console.log(`importing ${IMPORT_ROWS} rows (${Math.round(Buffer.byteLength(file) / 1024)} KB)...`);
  const imports = {
    rows: IMPORT_ROWS,
    bytes: Buffer.byteLength(file),
    dryRun: await importRun({ dryRun: 'true' }),
    import: await importRun({}),
    reimport: await importRun({}),
    reimportChanged: await importRun({}, csvOf(1)),
  };
  console.table({
    dryRun: imports.dryRun,
    import: imports.import,
    reimport: imports.reimport,
    'reimport, every row changed': imports.reimportChanged,
  });

  const report = {
    date: new Date().toISOString(),
    node: process.version,
    machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GB`,
    store: 'DynamoDB Local (in memory) on this machine',
    runsPerReport: RUNS,
    sizes,
    p50Ratio: ratio,
    import: imports,
  };
  mkdirSync(path.dirname(RESULTS), { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`written to ${path.relative(process.cwd(), RESULTS)}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
