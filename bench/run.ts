/**
 * `npm run bench`: the HTTP benchmarks on the local stack (api, then pages), each printed as a
 * table and written to bench/results/<bench>.json. The pdf and bundle benches run as their own
 * processes (they start nothing of the stack).
 *
 *   npm run bench                          api, then pages
 *   npm run bench -- --only api            one bench (api | pages | pdf | bundles | reports | console | outbox | cost | seal; repeatable)
 *   npm run bench -- --quick               a smaller run (100 requests, 1,000 deals): a smoke test
 *
 * Benchmarks print figures; they never assert timings.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { apiBench } from './api.ts';
import { pagesBench, pagesMissing } from './pages.ts';
import { CONCURRENCY } from './support/measure.ts';
import { callsTable, loadAverage, machine, type Report, table, writeReport } from './support/report.ts';
import { type BenchStack, startStack } from './support/stack.ts';

const BENCHES = ['api', 'pages', 'pdf', 'bundles', 'reports', 'console', 'outbox', 'cost', 'seal'] as const;
/** Benches that are scripts of their own, run in a child process. */
type ScriptBench = Exclude<(typeof BENCHES)[number], 'api' | 'pages'>;
const isScript = (b: string): b is ScriptBench =>
  b !== 'api' && b !== 'pages' && (BENCHES as readonly string[]).includes(b);
type Bench = (typeof BENCHES)[number];
const HTTP_BENCHES: Record<
  'api' | 'pages',
  (stack: BenchStack, options: { quick: boolean }) => Promise<Report>
> = {
  api: apiBench,
  pages: pagesBench,
};
const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const USAGE =
  'usage: npm run bench -- [--only api|pages|pdf|bundles|reports|console|outbox|cost|seal]... [--quick]';

class UsageError extends Error {}

function readArgs(argv: string[]): { only: Bench[]; quick: boolean } {
  let values: { only?: string[]; quick?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        only: { type: 'string', multiple: true },
        quick: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) throw new UsageError('');
  const only = (values.only ?? ['api', 'pages']).flatMap((v) => v.split(','));
  for (const name of only) {
    if (!(BENCHES as readonly string[]).includes(name)) throw new UsageError(`unknown bench "${name}"`);
  }
  return { only: BENCHES.filter((b) => only.includes(b)), quick: values.quick ?? false };
}

/** pdf, bundles, reports, console, outbox and cost: `tsx bench/<name>.ts` in a child process, output passed through. */
function runScript(name: ScriptBench, quick: boolean): Promise<number> {
  const tsxCli = join(BENCH_DIR, '..', 'node_modules', 'tsx', 'dist', 'cli.mjs');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [tsxCli, join(BENCH_DIR, `${name}.ts`)], {
      stdio: 'inherit',
      // bundles.ts and pdf.ts read BENCH_RUNS (fresh processes), cost.ts BENCH_QUICK.
      env: quick
        ? { ...process.env, BENCH_RUNS: process.env.BENCH_RUNS ?? '3', BENCH_QUICK: '1' }
        : process.env,
    });
    child.on('error', (error) => {
      console.error(`${name}: could not start: ${error.message}`);
      resolve(1);
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

function print(bench: string, report: Report, file: string): void {
  console.log(
    `\n${bench} — ${report.machine}, Node ${report.node}, ${report.concurrency} requests in flight`,
  );
  console.log(table(report.results));
  console.log('\nDynamoDB calls per request:');
  console.log(callsTable(report.results));
  console.log(`setup: ${JSON.stringify(report.setup)}`);
  console.log(`written to ${file}\n`);
}

async function main(): Promise<number> {
  let args: ReturnType<typeof readArgs>;
  try {
    args = readArgs(process.argv.slice(2));
  } catch (error) {
    const message = (error as Error).message;
    console.error(message ? `${message}\n${USAGE}` : USAGE);
    return message ? 2 : 0;
  }
  console.log(
    `closer benchmarks${args.quick ? ' (quick)' : ''}: ${machine()}, Node ${process.version}, ` +
      `${CONCURRENCY} requests in flight over keep-alive connections`,
  );

  const load = loadAverage();
  if (load > os.cpus().length * 0.5) {
    console.warn(
      `note: the machine is busy (load average ${load} on ${os.cpus().length} cores): figures will be inflated`,
    );
  }

  let failures = 0;
  const http = args.only.filter((b): b is 'api' | 'pages' => b === 'api' || b === 'pages');
  if (http.length > 0) {
    let stack: BenchStack | undefined;
    try {
      stack = await startStack();
      console.log(`local stack at ${stack.baseUrl} (DynamoDB Local in memory, SES emulator)`);
      for (const bench of http) {
        if (bench === 'pages') {
          const missing = pagesMissing();
          if (missing) {
            console.error(`pages: skipped, ${missing}`);
            failures++;
            continue;
          }
        }
        try {
          const report = await HTTP_BENCHES[bench](stack, { quick: args.quick });
          print(bench, report, writeReport(bench, report));
        } catch (error) {
          console.error(
            `${bench}: failed: ${error instanceof Error ? (error.stack ?? error.message) : error}`,
          );
          failures++;
        }
      }
    } catch (error) {
      console.error(`could not start the local stack: ${error instanceof Error ? error.message : error}`);
      failures++;
    } finally {
      await stack?.stop();
    }
  }
  for (const script of args.only.filter(isScript)) {
    if (!existsSync(join(BENCH_DIR, `${script}.ts`))) {
      console.error(`${script}: bench/${script}.ts is missing`);
      failures++;
      continue;
    }
    if ((await runScript(script, args.quick)) !== 0) failures++;
  }
  return failures > 0 ? 1 : 0;
}

// Exit explicitly: the handlers' SDK clients keep sockets that would hold the process open.
process.exit(await main());
