/**
 * PDF rendering benchmark (not a test): our renderer (render/pdf.ts on render/pdf-writer.ts), as
 * shipped, against headless Chromium printing the same quote's HTML. Run with `npx tsx bench/pdf.ts`;
 * writes bench/results/pdf.json.
 *
 * Ours: 200 renders each of a 10-line and a 120-line quote, after a cold first render that is
 * reported on its own (template load and font parsing: what a Lambda cold start pays).
 * Chromium: one browser for the whole run (as a warm Lambda would keep it), a new page per render,
 * `setContent` then `page.pdf()`, 50 renders per size. Memory: peak RSS and heap of this process,
 * plus the peak RSS of the Chromium process tree.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';
import { bundledTemplatesDir } from '#infra/constructs/function';
import { renderQuoteHtml } from '#render/html';
import { renderQuotePdf } from '#render/pdf';
import { getTemplate } from '#render/templates';
import { type QuoteView, quoteView } from '#render/view';
import { chromiumPath, launchBrowser } from '../test/browser/support/browser.ts';
import { bundle, inFreshProcess, p50 } from './support/bundle.ts';
import { quote } from './support/quote-fixture.ts';

const OUR_RUNS = 200;
const CHROMIUM_RUNS = 50;
const FRESH_PROCESSES = Number(process.env.BENCH_RUNS ?? 10);

/**
 * What a fresh process does for its first PDF, bundled as the documents function is: load the
 * renderer (writer, fonts, layout), the template, then render. Timed from the import.
 */
const FIRST_PDF_ENTRY = `export { quoteView } from '#render/view';
export { renderQuotePdf } from '#render/pdf';
export { getTemplate } from '#render/templates';
export { quote } from './bench/support/quote-fixture.ts';`;

interface FirstPdf {
  p50: number;
  importP50: number;
  /** p50 of each step after the import: the template, the view (the first Intl formatters), the render. */
  steps: { templateMs: number; viewMs: number; renderMs: number };
  runs: number[];
}

async function firstPdfInFreshProcesses(): Promise<FirstPdf> {
  const file = await bundle({ name: 'first-pdf', entry: { source: FIRST_PDF_ENTRY } });
  const runs: number[] = [];
  const imports: number[] = [];
  const steps = { templateMs: [] as number[], viewMs: [] as number[], renderMs: [] as number[] };
  for (let i = 0; i < FRESH_PROCESSES; i += 1) {
    const r = inFreshProcess<{ templateMs: number; viewMs: number; renderMs: number }>(
      file,
      `const t0 = performance.now();
       const template = mod.getTemplate('classic');
       const t1 = performance.now();
       const view = mod.quoteView(mod.quote(10), template);
       const t2 = performance.now();
       await mod.renderQuotePdf(view);
       const t3 = performance.now();
       return { templateMs: t1 - t0, viewMs: t2 - t1, renderMs: t3 - t2 };`,
      { env: { PATH: process.env.PATH, TEMPLATES_DIR: bundledTemplatesDir() } },
    );
    runs.push(r.importMs + r.templateMs + r.viewMs + r.renderMs);
    imports.push(r.importMs);
    steps.templateMs.push(r.templateMs);
    steps.viewMs.push(r.viewMs);
    steps.renderMs.push(r.renderMs);
  }
  return {
    p50: p50(runs),
    importP50: p50(imports),
    steps: { templateMs: p50(steps.templateMs), viewMs: p50(steps.viewMs), renderMs: p50(steps.renderMs) },
    runs: runs.map((ms) => Math.round(ms)),
  };
}
const RESULTS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results', 'pdf.json');

interface Stats {
  runs: number;
  p50: number;
  p99: number;
  mean: number;
  min: number;
  max: number;
  bytes: number;
}

function stats(times: number[], bytes: number): Stats {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
  const round = (ms: number) => Math.round(ms * 100) / 100;
  return {
    runs: times.length,
    p50: round(at(0.5)),
    p99: round(at(0.99)),
    mean: round(times.reduce((a, b) => a + b, 0) / times.length),
    min: round(sorted[0] ?? Number.NaN),
    max: round(sorted.at(-1) ?? Number.NaN),
    bytes,
  };
}

const MB = 1024 * 1024;

// Peak heap mostly measures how lazily V8 collects on a large machine; what a render retains is the
// heap after a full collection, so the bench forces one (without needing `node --expose-gc`).
v8.setFlagsFromString('--expose-gc');
const collect = vm.runInNewContext('gc') as () => void;
const peak = { rss: 0, heapUsed: 0 };
function sampleMemory(): void {
  const m = process.memoryUsage();
  peak.rss = Math.max(peak.rss, m.rss);
  peak.heapUsed = Math.max(peak.heapUsed, m.heapUsed);
}

/** Resident memory of every process descending from this one (Chromium's browser, GPU, renderers). */
function childTreeRss(): number {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(Number(entry), ppid);
    } catch {
      // The process ended while we were listing.
    }
  }
  const isDescendant = (pid: number): boolean => {
    for (let p = parents.get(pid); p !== undefined && p > 1; p = parents.get(p))
      if (p === process.pid) return true;
    return false;
  };
  let total = 0;
  for (const pid of parents.keys()) {
    if (!isDescendant(pid)) continue;
    try {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      total += Number(match?.[1] ?? 0) * 1024;
    } catch {
      // Gone already.
    }
  }
  return total;
}

/** Renders of each size before any timing of ours. */
const WARMUP_RENDERS = 100;

async function benchOurs(view: QuoteView): Promise<Stats> {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < OUR_RUNS; i += 1) {
    const start = performance.now();
    const pdf = await renderQuotePdf(view);
    times.push(performance.now() - start);
    bytes = pdf.length;
    sampleMemory();
  }
  return stats(times, bytes);
}

async function main(): Promise<void> {
  chromiumPath(); // fail before our half when Chromium is missing
  const fresh = await firstPdfInFreshProcesses();
  const coldStart = performance.now();
  const small = quoteView(quote(10), getTemplate('classic'));
  const coldPdf = await renderQuotePdf(small);
  const cold = performance.now() - coldStart;
  const large = quoteView(quote(120), getTemplate('classic'));
  sampleMemory();

  // Warm-up renders of both sizes until the JIT has settled: V8 optimises the writer's and the layout's
  // hot functions only after many calls. With 10 renders of the large quote only, the first of the
  // 200 timed small renders still ran partly unoptimised and the p50 read ~11 ms instead of ~7 ms.
  // A process's first renders are slower than its p50: `cold` and the fresh-process rows show them.
  for (let i = 0; i < WARMUP_RENDERS; i += 1) {
    await renderQuotePdf(small);
    await renderQuotePdf(large);
  }

  collect();
  const baselineHeap = process.memoryUsage().heapUsed;
  const ours = { lines10: await benchOurs(small), lines120: await benchOurs(large) };
  collect();
  const oursMemory = {
    peakRssMB: peak.rss / MB,
    peakHeapMB: peak.heapUsed / MB,
    heapAfterGcMB: process.memoryUsage().heapUsed / MB,
    heapGrowthAfterGcMB: (process.memoryUsage().heapUsed - baselineHeap) / MB,
  };

  const launchStart = performance.now();
  const browser = await launchBrowser();
  const launchMs = performance.now() - launchStart;
  const context = await browser.newContext();
  let chromiumPeakRss = 0;
  const pdfOptions = {
    format: 'A4',
    printBackground: true,
    margin: { top: '15mm', bottom: '15mm', left: '15mm', right: '15mm' },
  } as const;
  /** One render: a warm, reused page (the fair comparison) or a new page per render. */
  const benchChromium = async (view: QuoteView, reuse: boolean): Promise<Stats> => {
    const html = renderQuoteHtml(view);
    const times: number[] = [];
    let bytes = 0;
    const reused = reuse ? await context.newPage() : undefined;
    for (let i = 0; i < CHROMIUM_RUNS + 3; i += 1) {
      const start = performance.now();
      const page = reused ?? (await context.newPage());
      await page.setContent(html, { waitUntil: 'load' });
      const pdf = await page.pdf(pdfOptions);
      if (!reused) await page.close();
      // The first three are warm-up, as for ours.
      if (i >= 3) times.push(performance.now() - start);
      bytes = pdf.length;
      chromiumPeakRss = Math.max(chromiumPeakRss, childTreeRss());
      sampleMemory();
    }
    await reused?.close();
    return stats(times, bytes);
  };
  const chrome = { lines10: await benchChromium(small, true), lines120: await benchChromium(large, true) };
  const chromeNewPage = {
    lines10: await benchChromium(small, false),
    lines120: await benchChromium(large, false),
  };
  await browser.close();

  const ratio = (a: Stats, b: Stats) => Math.round((a.p50 / b.p50) * 100) / 100;
  const results = {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform}/${process.arch}`,
    ours: {
      ...ours,
      coldFirstRenderMs: Math.round(cold),
      freshProcessFirstPdfMsP50: fresh.p50,
      freshProcessImportMsP50: fresh.importP50,
      freshProcessStepsMsP50: fresh.steps,
      freshProcessFirstPdfMs: fresh.runs,
      coldBytes: coldPdf.length,
      memory: oursMemory,
    },
    chromium: {
      reusedPage: chrome,
      newPage: chromeNewPage,
      launchMs: Math.round(launchMs),
      memory: { browserTreePeakRssMB: chromiumPeakRss / MB, nodePeakRssMB: peak.rss / MB },
    },
    /** Our p50 over Chromium's (reused page): the target is ≤ 0.3. */
    oursOverChromiumP50: {
      lines10: ratio(ours.lines10, chrome.lines10),
      lines120: ratio(ours.lines120, chrome.lines120),
    },
  };
  mkdirSync(path.dirname(RESULTS), { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);

  const f = (n: number) => n.toFixed(1).padStart(8);
  const kb = (n: number) => `${(n / 1024).toFixed(0)} kB`.padStart(8);
  const row = (name: string, a: Stats, b: Stats) =>
    `${name.padEnd(22)}${f(a.p50)}${f(a.p99)}${kb(a.bytes)}   ${f(b.p50)}${f(b.p99)}${kb(b.bytes)}   ${`×${(a.p50 / b.p50).toFixed(2)}`.padStart(7)}`;
  console.log(`PDF rendering, ${process.version} ${process.platform}/${process.arch} (times in ms)`);
  console.log(
    `${''.padEnd(22)}${'ours (200 runs)'.padStart(24)}      ${'Chromium page.pdf() (50 runs)'.padStart(27)}   ours/Chromium`,
  );
  console.log(
    `${''.padEnd(22)}${'p50'.padStart(8)}${'p99'.padStart(8)}${'size'.padStart(8)}   ${'p50'.padStart(8)}${'p99'.padStart(8)}${'size'.padStart(8)}   ${'p50'.padStart(7)}`,
  );
  console.log(row('10 lines, reused page', ours.lines10, chrome.lines10));
  console.log(row('120 lines, reused page', ours.lines120, chrome.lines120));
  console.log(row('10 lines, new page', ours.lines10, chromeNewPage.lines10));
  console.log(row('120 lines, new page', ours.lines120, chromeNewPage.lines120));
  console.log(
    `first PDF in a fresh process (bundled renderer: import, template, fonts, 10 lines): p50 ${fresh.p50} ms of ${FRESH_PROCESSES} (import ${fresh.importP50} ms, then template ${fresh.steps.templateMs}, view ${fresh.steps.viewMs}, render ${fresh.steps.renderMs} ms, each a p50)`,
  );
  console.log(
    `our first render in this process (templates + fonts, renderer already imported): ${cold.toFixed(0)} ms; Chromium launch: ${launchMs.toFixed(0)} ms`,
  );
  console.log(
    `peak memory: our phase RSS ${oursMemory.peakRssMB.toFixed(0)} MB, heap ${oursMemory.peakHeapMB.toFixed(0)} MB ` +
      `(after GC ${oursMemory.heapAfterGcMB.toFixed(0)} MB, ${oursMemory.heapGrowthAfterGcMB >= 0 ? '+' : ''}${oursMemory.heapGrowthAfterGcMB.toFixed(1)} MB over 400 renders); ` +
      `Chromium process tree RSS ${(chromiumPeakRss / MB).toFixed(0)} MB (plus this process)`,
  );
  console.log(`results: ${path.relative(process.cwd(), RESULTS)}`);
}

await main();
