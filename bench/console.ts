/**
 * The console bench (`npm run bench -- --only console`):
 *
 * 1. What the browser downloads before the first screen (the board) can draw: the entry's
 *    JavaScript with its static imports, then the board route's chunk and its imports, and the CSS,
 *    each gzipped (level 9), from the Vite manifest of the production build.
 * 2. The time from navigation to a board of 500 open deals fully drawn (every open column's first
 *    page of cards, no spinner left), over the local stack's real handlers and DynamoDB Local, in
 *    Debian's Chromium: p50 (and min, max) of 10 loads, each in a fresh tab with a warm HTTP cache
 *    off (a new browser context per load).
 *
 * It prints figures; nothing is asserted.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { CONSOLE_DIST, ensureConsoleBuilt } from '#infra/console-assets';
import { userFor } from '#infra/local/users';
import { launchBrowser } from '../test/browser/support/browser.ts';
import { Client } from './support/http.ts';
import { CONCURRENCY, percentile, pool } from './support/measure.ts';
import { machine } from './support/report.ts';
import { startStack } from './support/stack.ts';

const DEALS = Number(process.env.BENCH_DEALS ?? 500);
const LOADS = Number(process.env.BENCH_RUNS ?? 10);

interface ManifestChunk {
  file: string;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
  isEntry?: boolean;
}

const gz = (file: string) => gzipSync(readFileSync(join(CONSOLE_DIST, file)), { level: 9 }).byteLength;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

/** The files a chunk needs before it runs: itself and its static imports, recursively. */
function closure(
  manifest: Record<string, ManifestChunk>,
  key: string,
  seen = new Set<string>(),
): Set<string> {
  if (seen.has(key)) return seen;
  seen.add(key);
  for (const child of manifest[key]?.imports ?? []) closure(manifest, child, seen);
  return seen;
}

function sizes() {
  const manifest = JSON.parse(readFileSync(join(CONSOLE_DIST, '.vite', 'manifest.json'), 'utf8')) as Record<
    string,
    ManifestChunk
  >;
  const entry = Object.keys(manifest).find((k) => manifest[k]?.isEntry);
  const board = Object.keys(manifest).find((k) => k.endsWith('app/routes/board.tsx'));
  if (!entry || !board) throw new Error('no entry or board route in the Vite manifest');
  const entryFiles = closure(manifest, entry);
  const boardFiles = closure(manifest, board, new Set(entryFiles));
  const js = (keys: Iterable<string>) => [...keys].reduce((sum, k) => sum + gz(manifest[k]?.file ?? ''), 0);
  const css = [...boardFiles].flatMap((k) => manifest[k]?.css ?? []);
  const all = Object.values(manifest).reduce((sum, c) => sum + gz(c.file), 0);
  return {
    entryJs: js(entryFiles),
    firstScreenJs: js(boardFiles),
    css: [...new Set(css)].reduce((sum, f) => sum + gz(f), 0),
    allJs: all,
    chunks: Object.keys(manifest).length,
  };
}

async function main() {
  await ensureConsoleBuilt();
  const size = sizes();
  console.log(`console bench — ${machine()}, Node ${process.version}`);
  console.log('\nbuilt console (gzip -9):');
  console.log(`  entry JS (app shell, router, query client)   ${kb(size.entryJs)}`);
  console.log(`  first screen JS (entry + board route)        ${kb(size.firstScreenJs)}`);
  console.log(`  CSS                                          ${kb(size.css)}`);
  console.log(`  all JS, every route (${size.chunks} chunks)            ${kb(size.allJs)}`);

  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const stack = await startStack({ console: true });
  const browser = await launchBrowser();
  try {
    // Setup (not measured): DEALS open deals of one rep, spread over the open stages.
    const http = new Client(stack.baseUrl);
    const subject = userFor('bench-rep');
    const token = await stack.token(subject);
    const { body: pipelines } = await http.send<{
      items: { isDefault: boolean; stages: { id: string; kind: string }[] }[];
    }>('GET', '/pipelines', { token });
    const open = (pipelines.items.find((p) => p.isDefault)?.stages ?? []).filter((s) => s.kind === 'open');
    const setupStart = performance.now();
    await pool(DEALS, CONCURRENCY, async (i) => {
      await http.send('POST', '/deals', {
        token,
        expect: 201,
        body: {
          name: `Deal ${i + 1}`,
          stageId: open[i % open.length]?.id,
          amount: 1_000 + i * 37,
          nextStep: 'Call back',
        },
      });
    });
    console.log(
      `\nsetup: ${DEALS} open deals over ${open.length} stages in ${((performance.now() - setupStart) / 1000).toFixed(1)} s`,
    );
    const perColumn = open.map((_, s) => Math.min(50, Math.ceil((DEALS - s) / open.length)));
    const expected = perColumn.reduce((a, b) => a + b, 0);

    const session = {
      token,
      user: { id: subject.sub, name: subject.name, email: subject.email, manager: false },
      expiresAt: Math.floor(Date.now() / 1000) + 3600,
    };
    const times: number[] = [];
    for (let run = 0; run < LOADS + 1; run++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      await context.addInitScript(
        (s) => sessionStorage.setItem('closer.session', s),
        JSON.stringify(session),
      );
      const page = await context.newPage();
      await page.goto(`${stack.baseUrl}/app/board`);
      await page.waitForFunction(
        (n) => document.querySelectorAll('.card').length >= n && !document.querySelector('.spinner'),
        expected,
        { timeout: 60_000, polling: 'raf' },
      );
      const drawn = await page.evaluate(() => performance.now());
      // The first load warms the server's handlers and DynamoDB Local's caches: not counted.
      if (run > 0) times.push(drawn);
      await context.close();
    }
    times.sort((a, b) => a - b);
    console.log(
      `\nnavigation → board of ${DEALS} open deals drawn (${expected} cards, first page of each column), ${LOADS} loads:`,
    );
    console.log(
      `  p50 ${percentile(times, 50).toFixed(0)} ms   min ${times[0]?.toFixed(0)} ms   max ${times.at(-1)?.toFixed(0)} ms`,
    );
    const file = join(import.meta.dirname, 'results', 'console.json');
    writeFileSync(
      file,
      `${JSON.stringify({ machine: machine(), node: process.version, size, deals: DEALS, cards: expected, loadsMs: times }, null, 2)}\n`,
    );
    console.log(`written to ${file}`);
  } finally {
    await browser.close();
    await stack.stop();
  }
}

await main();
process.exit(0);
