/**
 * Cost benchmark (not a test): what 1,000 quotes cost through their whole life, from measurements.
 * Run with `npm run bench -- --only cost`; writes bench/results/cost.json.
 *
 * On the local stack, with notify and aggregate reading the table stream as in the cloud, N quotes
 * (40; 8 with `--quick`) each go through: create (POST /deals/{id}/quotes), send by email
 * (POST /quotes/{id}/send), the email with its PDF (notify), 3 customer views (GET /q/{token} and
 * the page's POST /q/{token}/view; the first one notifies the rep), sign (POST /q/{token}/sign), the signed copy to the customer and the
 * notice to the rep (notify), and the report aggregates of the deal moves (aggregate). The company,
 * contact and deal each quote is made from are set up first and not counted.
 *
 * Measured: every handler call's duration (inside the process, around the handler), the DynamoDB
 * capacity units each function consumed (ReturnConsumedCapacity: TOTAL on every call), the emails
 * and attachment bytes the SES emulator received. Priced at us-east-1 list prices with each
 * function's configured memory (infra/stack.ts). Durations are this machine's (one core per
 * process, DynamoDB Local slower than DynamoDB); the figures say so where they are printed.
 *
 * Then the memory each function needs: the peak RSS of a fresh process that loads its bundle and
 * serves 20 requests of its heaviest kind over the same table.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundledTemplatesDir, entryOf } from '#infra/constructs/function';
import { gatewayEvent, userClaims } from '#infra/local/gateway-event';
import { lambdaContext } from '#infra/local/lambda';
import { userFor } from '#infra/local/users';
import { functionPlans } from '#infra/stack';
import type { Deal } from '#schemas/deals';
import type { Quote } from '#schemas/quotes';
import { bundle, inFreshProcessAsync } from './support/bundle.ts';
import { Client } from './support/http.ts';
import { pool } from './support/measure.ts';
import { loadAverage, machine } from './support/report.ts';
import { startStack } from './support/stack.ts';
import { actor, customer, product } from './support/world.ts';

const QUICK = process.env.BENCH_QUICK === '1';
const QUOTES = Number(process.env.BENCH_QUOTES ?? (QUICK ? 8 : 40));
/** Setting up the deals (not counted). */
const IN_FLIGHT = 4;
/**
 * The counted requests go one at a time, so each handler call's CPU time is its own (notify and
 * aggregate still run beside them on the stream: their overlap makes the CPU figure an upper bound).
 */
const COUNTED_IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 1);
/** Lambda gives a function one full vCPU at 1,769 MB, and CPU in proportion to memory below that. */
const FULL_VCPU_MB = 1769;
/** Memory sizes the projection is printed for. */
const MEMORY_SIZES = [256, 512, 1024, 1769] as const;

/**
 * A call's duration on Lambda at `memoryMB`, from its wall time and CPU time here (a whole core):
 * the waiting (DynamoDB, S3, SES) stays, the CPU part stretches by the CPU share Lambda gives.
 */
export function lambdaMs(call: { ms: number; cpuMs: number }, memoryMB: number): number {
  const cpu = Math.min(call.cpuMs, call.ms);
  return call.ms - cpu + cpu * Math.max(1, FULL_VCPU_MB / memoryMB);
}
const RESULTS = join(
  dirname(fileURLToPath(import.meta.url)),
  'results',
  QUICK ? 'cost.quick.json' : 'cost.json',
);

/** us-east-1 list prices, December 2026 (check AWS's pricing pages). */
export const PRICES = {
  lambdaGbSecondArm: 0.0000133334,
  lambdaPerMillionRequests: 0.2,
  httpApiPerMillionRequests: 1.0,
  dynamoPerMillionWriteUnits: 0.625,
  dynamoPerMillionReadUnits: 0.125,
  sesPerThousandEmails: 0.1,
  sesPerGbAttachments: 0.12,
} as const;

const PAGE_HEADERS = { accept: 'text/html', 'user-agent': 'closer-bench (like a browser)' };

interface FunctionFigures {
  invocations: number;
  handlerMs: number;
  memoryMB: number;
  /** GB-seconds at the configured memory, with each call's duration as projected by lambdaMs. */
  gbSeconds: number;
  /** CPU time here (a whole core), summed over the calls. */
  cpuMs: number;
  /** GB-seconds at each of MEMORY_SIZES, projected the same way. */
  atMemory: Partial<Record<number, number>>;
  readUnits: number;
  writeUnits: number;
  dynamoCalls: number;
}

async function main(): Promise<void> {
  const loadStart = loadAverage();
  const stack = await startStack({ streams: true });
  try {
    const http = new Client(stack.baseUrl);
    const manager = await actor(stack, userFor('bench-manager', { manager: true }));
    const seller = await actor(stack, userFor('bench-seller'));
    const licence = await product(http, manager);

    console.log(`cost: setting up ${QUOTES} deals (not counted)...`);
    const deals: string[] = [];
    await pool(QUOTES, IN_FLIGHT, async (i) => {
      const { companyId, contactId } = await customer(http, seller, i);
      const deal = await http.send<Deal>('POST', '/deals', {
        token: seller.token,
        expect: 201,
        body: {
          name: `Costed deal ${i}`,
          contactId,
          companyId,
          lines: [
            { productId: licence.id, quantity: 2, discountPercent: 10 },
            { name: 'Training manual', quantity: 5, unitPrice: 4_500, taxRate: 5.5 },
          ],
        },
      });
      deals[i] = deal.body.id;
    });
    await stack.drainStreams();
    const ses = process.env.SES_ENDPOINT;
    if (ses) await fetch(`${ses}/clear-store`, { method: 'POST' });

    // From here on, everything is counted.
    const firstCall = stack.invocations.length;
    const before = stack.probe.consumption();
    console.log(
      `cost: ${QUOTES} quotes through create, send by email, 3 views, sign (${COUNTED_IN_FLIGHT} in flight)...`,
    );
    const links: { quoteId: string; token: string }[] = [];
    await pool(QUOTES, COUNTED_IN_FLIGHT, async (i) => {
      const quote = await http.send<Quote>('POST', `/deals/${deals[i]}/quotes`, {
        token: seller.token,
        expect: 201,
        body: {},
      });
      const sent = await http.send<{ url: string }>('POST', `/quotes/${quote.body.id}/send`, {
        token: seller.token,
        body: { channel: 'email' },
      });
      links[i] = { quoteId: quote.body.id, token: new URL(sent.body.url).pathname.split('/q/')[1] ?? '' };
    });
    await stack.drainStreams();
    // A view in a browser: the page, then its script's report once the page has been visible
    // for a second (only that report counts as "viewed" since issue 15).
    await pool(QUOTES * 3, COUNTED_IN_FLIGHT, async (i) => {
      const token = links[i % QUOTES]?.token;
      await http.send('GET', `/q/${token}`, { headers: PAGE_HEADERS });
      await http.send('POST', `/q/${token}/view`, {
        headers: { origin: stack.baseUrl, 'user-agent': PAGE_HEADERS['user-agent'] },
        expect: 204,
      });
    });
    await pool(QUOTES, COUNTED_IN_FLIGHT, async (i) => {
      await http.send('POST', `/q/${links[i]?.token}/sign`, {
        headers: { origin: stack.baseUrl, 'user-agent': PAGE_HEADERS['user-agent'] },
        body: { name: 'Jeanne Dupont', email: `signer-${i}@customer.example`, consent: true },
      });
    });
    await stack.drainStreams();
    // A second drain: the first may end while a batch it started is still writing its events.
    await stack.drainStreams();

    const calls = stack.invocations.slice(firstCall);
    const after = stack.probe.consumption();
    const emails = ses
      ? ((await (await fetch(`${ses}/store`)).json()) as {
          emails: { attachments?: { content?: string; size?: number }[] }[];
        })
      : { emails: [] };
    const attachmentBytes = emails.emails
      .flatMap((e) => e.attachments ?? [])
      .reduce((sum, a) => sum + (a.size ?? Buffer.byteLength(a.content ?? '', 'base64')), 0);

    const perFunction: Record<string, FunctionFigures> = {};
    for (const call of calls) {
      const memoryMB = functionPlans[call.fn as keyof typeof functionPlans]?.memorySize ?? 1024;
      perFunction[call.fn] ??= {
        invocations: 0,
        handlerMs: 0,
        memoryMB,
        gbSeconds: 0,
        cpuMs: 0,
        atMemory: {},
        readUnits: 0,
        writeUnits: 0,
        dynamoCalls: 0,
      };
      const f = perFunction[call.fn] as FunctionFigures;
      f.invocations += 1;
      f.handlerMs += call.ms;
      f.cpuMs += Math.min(call.cpuMs, call.ms);
      // Lambda bills each invocation's duration rounded up to the millisecond: the duration this
      // call would take at the function's memory (its CPU part slowed to Lambda's CPU share).
      f.gbSeconds += (Math.ceil(lambdaMs(call, memoryMB)) / 1000) * (memoryMB / 1024);
      for (const size of MEMORY_SIZES) {
        f.atMemory[size] = (f.atMemory[size] ?? 0) + (Math.ceil(lambdaMs(call, size)) / 1000) * (size / 1024);
      }
    }
    for (const [fn, total] of Object.entries(after)) {
      const f = perFunction[fn];
      if (!f) continue;
      const start = before[fn] ?? { calls: 0, readUnits: 0, writeUnits: 0 };
      f.readUnits = total.readUnits - start.readUnits;
      f.writeUnits = total.writeUnits - start.writeUnits;
      f.dynamoCalls = total.calls - start.calls;
    }
    const byKind: Record<string, { fn: string; n: number; p50Ms: number; meanMs: number }> = {};
    for (const call of calls) {
      const list = calls.filter((c) => c.kind === call.kind).map((c) => c.ms);
      list.sort((a, b) => a - b);
      byKind[call.kind] ??= {
        fn: call.fn,
        n: list.length,
        p50Ms: Math.round((list[Math.floor(list.length / 2)] ?? 0) * 10) / 10,
        meanMs: Math.round((list.reduce((a, b) => a + b, 0) / list.length) * 10) / 10,
      };
    }

    // Per 1,000 quotes.
    const scale = 1000 / QUOTES;
    const sum = (get: (f: FunctionFigures) => number) =>
      Object.values(perFunction).reduce((total, f) => total + get(f), 0);
    const httpCalls = calls.filter((c) => c.kind.includes(' /')).length;
    const lines = {
      'Lambda compute': sum((f) => f.gbSeconds) * scale * PRICES.lambdaGbSecondArm,
      'Lambda requests': ((calls.length * scale) / 1e6) * PRICES.lambdaPerMillionRequests,
      'API Gateway (HTTP API)': ((httpCalls * scale) / 1e6) * PRICES.httpApiPerMillionRequests,
      'DynamoDB writes': ((sum((f) => f.writeUnits) * scale) / 1e6) * PRICES.dynamoPerMillionWriteUnits,
      'DynamoDB reads': ((sum((f) => f.readUnits) * scale) / 1e6) * PRICES.dynamoPerMillionReadUnits,
    };
    const sesCost = {
      emails: emails.emails.length * scale,
      attachmentMB: (attachmentBytes * scale) / 1024 / 1024,
      cost:
        ((emails.emails.length * scale) / 1000) * PRICES.sesPerThousandEmails +
        ((attachmentBytes * scale) / 1024 ** 3) * PRICES.sesPerGbAttachments,
    };
    const total = Object.values(lines).reduce((a, b) => a + b, 0);

    const memory = await peakMemory(links, seller.user);

    const f2 = (n: number) => n.toFixed(n >= 100 ? 0 : n >= 10 ? 1 : 2);
    console.log(
      `\ncost of 1,000 quotes through their whole life (measured on ${QUOTES}, scaled ×${f2(scale)})`,
    );
    console.log(
      `${'function'.padEnd(10)}${'calls'.padStart(8)}${'mean ms'.padStart(9)}${'CPU ms'.padStart(8)}${'MB'.padStart(6)}${'GB-s'.padStart(9)}${'RRU'.padStart(9)}${'WRU'.padStart(9)}${'peak RSS MB'.padStart(13)}`,
    );
    for (const [fn, f] of Object.entries(perFunction)) {
      console.log(
        `${fn.padEnd(10)}${f2(f.invocations * scale).padStart(8)}${f2(f.handlerMs / f.invocations).padStart(9)}${f2(f.cpuMs / f.invocations).padStart(8)}${String(f.memoryMB).padStart(6)}${f2(f.gbSeconds * scale).padStart(9)}${f2(f.readUnits * scale).padStart(9)}${f2(f.writeUnits * scale).padStart(9)}${(memory[fn] === undefined ? '' : String(memory[fn])).padStart(13)}`,
      );
    }
    console.log(
      `\nLambda compute per 1,000 quotes at each memory size (CPU part slowed to Lambda's share: 1 vCPU at ${FULL_VCPU_MB} MB):`,
    );
    console.log(
      `${'function'.padEnd(10)}${MEMORY_SIZES.map((m) => `${m} MB: mean ms, $`.padStart(26)).join('')}`,
    );
    for (const [fn, f] of Object.entries(perFunction)) {
      const mine = calls.filter((c) => c.fn === fn);
      const cells = MEMORY_SIZES.map((m) => {
        const mean = mine.reduce((sum, c) => sum + lambdaMs(c, m), 0) / mine.length;
        const dollars = (f.atMemory[m] ?? 0) * scale * PRICES.lambdaGbSecondArm;
        return `${f2(mean)} ms, $${dollars.toFixed(4)}`.padStart(26);
      });
      console.log(`${fn.padEnd(10)}${cells.join('')}`);
    }
    console.log('\nper kind of call (p50 / mean ms, this machine):');
    for (const [kind, k] of Object.entries(byKind)) {
      console.log(`  ${kind.padEnd(28)} ${String(k.n).padStart(5)}  ${k.p50Ms} / ${k.meanMs}`);
    }
    console.log('\nper AWS service, per 1,000 quotes (us-east-1 list prices):');
    for (const [item, cost] of Object.entries(lines)) console.log(`  ${item.padEnd(24)} $${cost.toFixed(4)}`);
    console.log(`  ${'total (SES apart)'.padEnd(24)} $${total.toFixed(4)}`);
    console.log(
      `  SES: ${f2(sesCost.emails)} emails, ${f2(sesCost.attachmentMB)} MB of attachments: $${sesCost.cost.toFixed(4)}`,
    );
    console.log(
      "\nDurations are this machine's (a process gets a whole core; DynamoDB Local is slower than DynamoDB). Lambda compute is priced on each call's wall time with its CPU part stretched to the CPU share of the function's memory (512 MB: 0.29 vCPU); capacity units, calls and emails do not depend on the machine.",
    );

    mkdirSync(dirname(RESULTS), { recursive: true });
    writeFileSync(
      RESULTS,
      `${JSON.stringify(
        {
          date: new Date().toISOString(),
          node: process.version,
          machine: machine(),
          loadAverage: { start: loadStart, end: loadAverage() },
          quotes: QUOTES,
          prices: PRICES,
          perFunction,
          byKind,
          peakRssMB: memory,
          per1000Quotes: { ...lines, totalWithoutSes: total, ses: sesCost },
        },
        null,
        2,
      )}\n`,
    );
    console.log(`results: ${RESULTS}`);
  } finally {
    await stack.stop();
  }
}

/**
 * Peak RSS of a fresh process per HTTP function: its bundle loaded, then 20 requests of its heaviest
 * kind over the bench's table (the signed copy for documents, the quote page for pages, a quote read
 * for api).
 */
async function peakMemory(
  links: { quoteId: string; token: string }[],
  user: { id: string; email: string; name: string; manager: boolean },
): Promise<Record<string, number>> {
  const some = links.slice(0, 20);
  const plans: Record<string, ReturnType<typeof gatewayEvent>[]> = {
    api: some.map((l) =>
      gatewayEvent({
        method: 'GET',
        routePath: '/quotes/{id}',
        rawPath: `/quotes/${l.quoteId}`,
        pathParameters: { id: l.quoteId },
        claims: userClaims(user),
      }),
    ),
    pages: some.map((l) =>
      gatewayEvent({
        method: 'GET',
        routePath: '/q/{token}',
        rawPath: `/q/${l.token}`,
        pathParameters: { token: l.token },
        headers: PAGE_HEADERS,
      }),
    ),
    documents: some.map((l) =>
      gatewayEvent({
        method: 'GET',
        routePath: '/q/{token}/pdf',
        rawPath: `/q/${l.token}/pdf`,
        pathParameters: { token: l.token },
        headers: PAGE_HEADERS,
      }),
    ),
  };
  const peaks: Record<string, number> = {};
  for (const [fn, events] of Object.entries(plans)) {
    const file = await bundle({ name: `cost-${fn}`, entry: { file: entryOf(fn) }, assetsOf: fn });
    const {
      getRemainingTimeInMillis: _,
      done: _d,
      fail: _f,
      succeed: _s,
      ...context
    } = lambdaContext(fn, 29_000);
    // Async: documents reads the stored PDFs from s3rver, which runs in this process.
    const r = await inFreshProcessAsync<{ maxRssMB: number }>(
      file,
      `for (const event of input.events) {
         const answer = await mod.handler(event, { ...input.context, getRemainingTimeInMillis: () => 29000 });
         if (answer.statusCode !== 200) throw new Error(event.routeKey + ' answered ' + answer.statusCode + ' ' + answer.body);
       }
       return { maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024) };`,
      {
        input: { events, context },
        env: { ...process.env, TEMPLATES_DIR: bundledTemplatesDir() },
      },
    );
    peaks[fn] = r.maxRssMB;
  }
  return peaks;
}

await main();
process.exit(0);
