/**
 * The "customer page" benchmark: what a customer waits for on a quote link, over real HTTP on the
 * local stack.
 *
 * Setup (not measured): N freshly sent quotes (200; `--quick` 30), each the way a rep makes one:
 * a company and a contact, a deal with two lines, `POST /deals/{id}/quotes`, then
 * `POST /quotes/{id}/send {channel:'link'}` (which renders the PDF to hash it) for the link.
 *
 * Measured, in this order:
 *   first view      GET /q/{token} once per quote: notes the open and schedules its check (a GET
 *                   no longer marks the quote viewed: README "Honest viewed")
 *   repeat view     GET /q/{token} over the same quotes again and again: the first one 3 s after
 *                   the first view is a person coming back (sent → viewed), later ones write nothing
 *   sign            POST /q/{token}/sign {name, consent}: once per quote, JSON, as a script would
 *   signed view     GET /q/{token} of the signed quotes: a final state, nothing written
 *
 * Before any of that, the customer's first GET /q/{token} after a cold start: the pages function
 * bundled as the construct bundles it, imported by a fresh Node process that then serves one first
 * view over the same DynamoDB Local (5 processes, 3 with `--quick`; import and request timed apart).
 * The report prints it next to the warm first view.
 */

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { bundledTemplatesDir, entryOf } from '#infra/constructs/function';
import { gatewayEvent } from '#infra/local/gateway-event';
import { lambdaContext } from '#infra/local/lambda';
import { userFor } from '#infra/local/users';
import type { Deal } from '#schemas/deals';
import type { Quote } from '#schemas/quotes';
import { bundle, inFreshProcessAsync, p50 } from './support/bundle.ts';
import { Client } from './support/http.ts';
import { CONCURRENCY, pool } from './support/measure.ts';
import { buildReport, loadAverage, Recorder, type Report } from './support/report.ts';
import type { BenchStack } from './support/stack.ts';
import { type Actor, actor, actors, customer, product } from './support/world.ts';

export interface BenchOptions {
  quick: boolean;
}

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
/** What the pages function needs to exist before this bench can run. */
const REQUIRED = ['functions/pages/handler.ts', 'functions/render/page.ts'];
const WARMUP_QUOTES = 8;

export interface ColdView {
  processes: number;
  importMsP50: number;
  requestMsP50: number;
  /** Import plus first request: what the customer waits for beyond the network. */
  totalMsP50: number;
}

/**
 * The first GET /q/{token} of fresh processes, each on its own freshly sent quote, through the
 * deployable bundle of `pages` over the bench's DynamoDB Local (the environment the stack set).
 */
async function coldViews(quotes: SentQuote[]): Promise<ColdView> {
  const file = await bundle({ name: 'pages-cold', entry: { file: entryOf('pages') }, assetsOf: 'pages' });
  const runs: Awaited<ReturnType<typeof inFreshProcessAsync<{ requestMs: number }>>>[] = [];
  // One after the other (a cold start each), while this process keeps serving: the fresh process
  // only talks to DynamoDB Local, but the bench's sockets must not see a stalled server.
  for (const quote of quotes) {
    const event = gatewayEvent({
      method: 'GET',
      routePath: '/q/{token}',
      rawPath: `/q/${quote.token}`,
      pathParameters: { token: quote.token },
      headers: PAGE_HEADERS,
    });
    const {
      getRemainingTimeInMillis: _,
      done: _d,
      fail: _f,
      succeed: _s,
      ...context
    } = lambdaContext('pages', 10_000);
    const run = await inFreshProcessAsync<{ requestMs: number }>(
      file,
      `const t0 = performance.now();
       const answer = await mod.handler(input.event, { ...input.context, getRemainingTimeInMillis: () => 10000 });
       if (answer.statusCode !== 200) throw new Error('GET /q/{token} answered ' + answer.statusCode);
       return { requestMs: performance.now() - t0 };`,
      {
        input: { event, context },
        env: { ...process.env, TEMPLATES_DIR: bundledTemplatesDir() },
      },
    );
    runs.push(run);
  }
  return {
    processes: runs.length,
    importMsP50: p50(runs.map((r) => r.importMs)),
    requestMsP50: p50(runs.map((r) => r.requestMs)),
    totalMsP50: p50(runs.map((r) => r.importMs + r.requestMs)),
  };
}

/** Why the pages bench cannot run yet, or undefined when its sources are there. */
export function pagesMissing(): string | undefined {
  const missing = REQUIRED.filter((file) => !existsSync(join(ROOT, file)));
  return missing.length > 0 ? `${missing.join(' and ')} missing` : undefined;
}

/** A browser opening the link. */
const PAGE_HEADERS = {
  accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8',
  'accept-language': 'en',
  'user-agent': 'closer-bench (like a browser)',
};

/** A freshly sent quote: the customer's token and the quote's id. */
interface SentQuote {
  token: string;
  quoteId: string;
}

async function sendQuote(http: Client, seller: Actor, productId: string, n: number): Promise<SentQuote> {
  const { companyId, contactId } = await customer(http, seller, 10_000 + n);
  const deal = await http.send<Deal>('POST', '/deals', {
    token: seller.token,
    expect: 201,
    body: {
      name: `Quoted deal ${n}`,
      contactId,
      companyId,
      lines: [
        { productId, quantity: 2, discountPercent: 10 },
        {
          name: 'Training manual',
          description: 'Printed, 120 pages',
          quantity: 5,
          unitPrice: 4_500,
          taxRate: 5.5,
        },
      ],
    },
  });
  const quote = await http.send<Quote>('POST', `/deals/${deal.body.id}/quotes`, {
    token: seller.token,
    expect: 201,
    body: {},
  });
  const sent = await http.send<{ url: string }>('POST', `/quotes/${quote.body.id}/send`, {
    token: seller.token,
    body: { channel: 'link' },
  });
  const token = new URL(sent.body.url).pathname.split('/q/')[1];
  if (!token) throw new Error(`POST /quotes/{id}/send answered no link: ${sent.body.url}`);
  return { token, quoteId: quote.body.id };
}

export async function pagesBench(stack: BenchStack, options: BenchOptions): Promise<Report> {
  const quoteCount = options.quick ? 30 : 200;
  const coldCount = options.quick ? 3 : 5;
  const repeatViews = options.quick ? 100 : 1_000;
  const loadStart = loadAverage();

  const http = new Client(stack.baseUrl);
  const { manager } = await actors(stack);
  const seller = await actor(stack, userFor('bench-seller'));
  const licence = await product(http, manager);

  console.log(`pages: sending ${quoteCount + WARMUP_QUOTES} quotes by link (${CONCURRENCY} in flight)...`);
  const setupStarted = performance.now();
  const all: SentQuote[] = [];
  await pool(quoteCount + WARMUP_QUOTES + coldCount, CONCURRENCY, async (i) => {
    all[i] = await sendQuote(http, seller, licence.id, i);
  });
  const setupSeconds = Math.round((performance.now() - setupStarted) / 100) / 10;
  const quotes = all.slice(0, quoteCount);
  const warm = all.slice(quoteCount, quoteCount + WARMUP_QUOTES);
  console.log(`pages: the first GET /q/{token} of ${coldCount} fresh processes (bundled pages)...`);
  const cold = await coldViews(all.slice(quoteCount + WARMUP_QUOTES));
  console.log(
    `pages: cold first view p50 ${cold.totalMsP50} ms (import ${cold.importMsP50} ms + request ${cold.requestMsP50} ms)`,
  );
  const at = (list: SentQuote[], i: number): SentQuote => {
    const quote = list[i % list.length];
    if (!quote) throw new Error(`no quote at ${i}`);
    return quote;
  };

  const view = async (quote: SentQuote) => {
    const answer = await http.send<string>('GET', `/q/${quote.token}`, { headers: PAGE_HEADERS });
    lastBytes = answer.bytes;
  };
  const sign = async (quote: SentQuote) => {
    const answer = await http.send<{ status: string }>('POST', `/q/${quote.token}/sign`, {
      // Where a browser on the quote page would say it comes from.
      headers: { origin: stack.baseUrl, 'user-agent': PAGE_HEADERS['user-agent'] },
      body: { name: 'Jeanne Dupont', consent: true },
    });
    if (answer.body.status !== 'signed') throw new Error(`sign answered status ${answer.body.status}`);
    lastBytes = answer.bytes;
  };
  let lastBytes = 0;

  // Warm-up on quotes of their own: the first request imports the pages function (a cold start).
  await pool(warm.length, CONCURRENCY, (i) => view(at(warm, i)));
  await pool(warm.length * 2, CONCURRENCY, (i) => view(at(warm, i)));
  await pool(warm.length, CONCURRENCY, (i) => sign(at(warm, i)));
  await pool(warm.length * 2, CONCURRENCY, (i) => view(at(warm, i)));

  const socketsBefore = stack.connections();
  const recorder = new Recorder(stack.probe);
  const size = () => ({ bytes: lastBytes });

  console.log(`pages: ${quoteCount} quotes, ${CONCURRENCY} in flight`);
  await recorder.run(
    'first view (open noted)',
    'GET /q/{token}',
    quoteCount,
    (i) => view(at(quotes, i)),
    size,
  );
  await recorder.run('repeat view', 'GET /q/{token}', repeatViews, (i) => view(at(quotes, i)), size);
  await recorder.run('sign (JSON)', 'POST /q/{token}/sign', quoteCount, (i) => sign(at(quotes, i)), size);
  await recorder.run(
    'view of a signed quote',
    'GET /q/{token}',
    repeatViews,
    (i) => view(at(quotes, i)),
    size,
  );

  const warmFirst = recorder.results[0];
  console.log(
    `pages: first GET /q/{token} after a cold start: p50 ${cold.totalMsP50} ms (import ${cold.importMsP50} ms + request ${cold.requestMsP50} ms, ${cold.processes} fresh processes); warm first view p50 ${warmFirst?.p50} ms`,
  );
  return buildReport(
    { loadStart, concurrency: CONCURRENCY, quick: options.quick },
    {
      quotes: quoteCount,
      warmupQuotes: WARMUP_QUOTES,
      quote: '2 lines (a product and a free line), contact and company, classic template, sent by link',
      setupSeconds,
      socketsOpenedWhileMeasuring: stack.connections() - socketsBefore,
      coldFirstView: cold,
    },
    recorder.results,
  );
}
