/**
 * Outbox benchmark (not a test): `npm run bench -- --only outbox` (or `npx tsx bench/outbox.ts`).
 * Writes bench/results/outbox.json.
 *
 * A burst of 200 quote emails is sent while SES is unreachable (a proxy in front of the SES emulator
 * refuses connections); the outage lasts 10 minutes on a fake clock that drives the `deliver` job
 * once a minute, as EventBridge does in the cloud. Then SES comes back and the job keeps running
 * each fake minute until nothing is due. Prints how many emails arrived after recovery, duplicates,
 * `email.failed` events, and the delay from recovery to the last delivery (fake clock), with the
 * real time the catch-up took on this machine.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STREAM_MAPPINGS } from '#contracts/stream-mapping';
import { ensureTable, startDynamo } from '#infra/local/dynamodb';
import { applyLocalEnvironment } from '#infra/local/environment';
import { startEvidence } from '#infra/local/evidence';
import { freePort } from '#infra/local/ports';
import { startSes } from '#infra/local/ses';
import { startStreamPoller } from '#infra/local/stream-poller';
import { startSesProxy } from '#test/ses-proxy';
import { buildReport, loadAverage, writeReport } from './support/report.ts';

const TABLE_NAME = 'closer-bench-outbox';
const quick = process.env.BENCH_RUNS !== undefined;
const EMAILS = quick ? 20 : 200;
const OUTAGE_MS = 10 * 60_000;
const JOB_EVERY_MS = 60_000;

const loadStart = loadAverage();
const dynamo = await startDynamo({ port: await freePort() });
await ensureTable(dynamo.endpoint, TABLE_NAME);
const ses = await startSes({ port: await freePort() });
const proxy = await startSesProxy(ses.endpoint);
const evidenceDir = mkdtempSync(join(tmpdir(), 'closer-bench-outbox-'));
const evidence = await startEvidence({ port: await freePort(), dataDir: evidenceDir });
applyLocalEnvironment({
  dynamoEndpoint: dynamo.endpoint,
  sesEndpoint: proxy.endpoint,
  tableName: TABLE_NAME,
  publicBaseUrl: 'http://localhost:3000',
  senderEmail: 'quotes@closer.bench',
  linkKey: 'bench-link-key-not-for-production-0123456789',
  s3Endpoint: evidence.s3.endpoint,
  documentsBucket: evidence.bucket,
  sealDir: evidence.sealDir,
});
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.LOCAL_JWT_SECRET = 'bench';

const { call, users } = await import('#test/api');
const { runDueWork } = await import('#services/work');
const { getWork } = await import('#store/work');
const { handler } = await import('../functions/notify/handler.ts');
const poller = startStreamPoller({
  endpoint: dynamo.endpoint,
  tableName: TABLE_NAME,
  handler,
  functionName: 'notify',
  mapping: STREAM_MAPPINGS.notify,
  pollIntervalMs: 100,
});

const inbox = async () =>
  ((await (await fetch(`${ses.endpoint}/store`)).json()) as { emails: { destination: { to: string[] } }[] })
    .emails;

try {
  const owner = { id: 'bench-rep', email: 'rep@bench.example', name: 'Bench Rep', manager: false };
  const product = (
    await call('POST', '/products', {
      user: users.maya,
      body: { name: 'Licence', unitPrice: 10_000, currency: 'EUR', taxRate: 20 },
    })
  ).body;
  const deal = (
    await call('POST', '/deals', {
      user: owner,
      body: { name: 'Outbox bench', lines: [{ productId: product.id, quantity: 1 }] },
    })
  ).body;

  // The burst, during the outage.
  await proxy.down();
  const outageStart = Date.now();
  const burstStarted = performance.now();
  const quoteIds: string[] = [];
  for (let i = 0; i < EMAILS; i++) {
    const quote = (
      await call('POST', `/deals/${deal.id}/quotes`, {
        user: owner,
        body: { recipient: { name: `Customer ${i}`, email: `customer-${i}@bench.example` } },
      })
    ).body;
    const sent = await call('POST', `/quotes/${quote.id}/send`, { user: owner, body: { channel: 'email' } });
    if (sent.status !== 200) throw new Error(`send ${i} answered ${sent.status}: ${sent.text}`);
    quoteIds.push(quote.id);
  }
  await poller.drain();
  const burstSeconds = (performance.now() - burstStarted) / 1000;

  // 10 minutes of outage, the job once a (fake) minute.
  let now = outageStart;
  for (now += JOB_EVERY_MS; now < outageStart + OUTAGE_MS; now += JOB_EVERY_MS) {
    await runDueWork({ now: new Date(now).toISOString() });
  }
  const arrivedDuring = (await inbox()).length;

  // Recovery.
  const recovery = outageStart + OUTAGE_MS;
  await proxy.up();
  const catchUpStarted = performance.now();
  let runs = 0;
  for (now = recovery; now <= recovery + 60 * 60_000; now += JOB_EVERY_MS) {
    await runDueWork({ now: new Date(now).toISOString() });
    runs++;
    if ((await inbox()).length >= EMAILS) break;
  }
  const catchUpSeconds = (performance.now() - catchUpStarted) / 1000;

  // Outcome.
  const emails = await inbox();
  const perRecipient = new Map<string, number>();
  for (const email of emails)
    for (const to of email.destination.to) perRecipient.set(to, (perRecipient.get(to) ?? 0) + 1);
  const duplicates = [...perRecipient.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0);
  const timeline = (await call('GET', `/deals/${deal.id}/timeline`, { user: owner, query: { limit: '200' } }))
    .body.items as { type: string }[];
  const failedEvents = timeline.filter((e) => e.type === 'email.failed').length;
  let lastDelivery = 0;
  let attempts = 0;
  const { listEvents } = await import('#store/deals');
  const events = await listEvents(deal.id, undefined, 1000);
  for (const event of events.items.filter((e) => e.type === 'quote.sent')) {
    const work = await getWork(`${event.id}.quote`);
    if (work?.status === 'done' && work.finishedAt)
      lastDelivery = Math.max(lastDelivery, Date.parse(work.finishedAt));
    attempts += work?.attempts ?? 0;
  }
  const figures = {
    emails: EMAILS,
    outageMinutes: OUTAGE_MS / 60_000,
    arrivedDuringOutage: arrivedDuring,
    arrivedAfterRecovery: emails.length - arrivedDuring,
    duplicates,
    emailFailed: failedEvents,
    recoveryToLastDeliveryMinutes: lastDelivery ? Math.round((lastDelivery - recovery) / 6_000) / 10 : null,
    triesPerEmail: Math.round((attempts / EMAILS) * 10) / 10,
    jobRunsAfterRecovery: runs,
    burstSeconds: Math.round(burstSeconds * 10) / 10,
    catchUpSeconds: Math.round(catchUpSeconds * 10) / 10,
  };
  console.log(
    '\noutbox: a burst of emails during a 10-minute SES outage (fake clock, real refused connections)\n',
  );
  for (const [name, value] of Object.entries(figures)) console.log(`  ${name.padEnd(32)} ${value}`);
  const file = writeReport(
    'outbox',
    buildReport({ loadStart, concurrency: 1, quick }, { table: TABLE_NAME }, []),
  );
  // The figures go in the report's setup: they are counts, not timings.
  const { readFileSync, writeFileSync } = await import('node:fs');
  const report = JSON.parse(readFileSync(file, 'utf8'));
  writeFileSync(file, `${JSON.stringify({ ...report, figures }, null, 2)}\n`);
  console.log(`\n  written to ${file}`);
} finally {
  await poller.stop();
  await proxy.close();
  await ses.stop();
  await dynamo.stop();
  await evidence.s3.stop();
  rmSync(evidenceDir, { recursive: true, force: true });
}
process.exit(0);
