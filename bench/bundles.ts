/**
 * Bundle benchmark (not a test): for every function whose handler exists, builds the bundle with the
 * construct's esbuild settings twice, AWS SDK v3 bundled and `@aws-sdk/*` external, and reports the
 * size (every file of the asset but source maps: the code and the assets copied next to it, not
 * templates/) and the cold init time (p50 of fresh Node processes importing the bundle).
 *
 * A baseline bundle that only creates a DynamoDB DocumentClient (the least any function here loads)
 * is built and measured the same way, and the deployed variant (SDK bundled, source maps on) of every
 * bundle is measured interleaved with it, run after run: the ratio to the baseline is what survives a
 * busy machine, and it is what the targets are written in (≤ 1.25× the baseline, ≤ 500 KB).
 *
 *   npx tsx bench/bundles.ts            writes bench/results/bundles.json
 *   BENCH_BEFORE_ROOT=/path/to/an/older/checkout npx tsx bench/bundles.ts
 *                                       also builds that checkout's HTTP functions (`api@before`, …)
 *                                       and measures them interleaved with these: before and after
 *                                       side by side in one run (the SDK-external variant is skipped)
 *
 * Caveats, printed with the results: the external variant resolves the SDK from this repo's
 * node_modules, while Lambda resolves the runtime's copy (another version, loaded from
 * /var/runtime); this machine's CPU and Node version differ from Lambda's, so compare the variants
 * with each other, not with Lambda's INIT durations.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { bundledTemplatesDir, entryOf, PROJECT_ROOT } from '#infra/constructs/function';
import { type CloserFunctionName, functionPlans, httpFunctionNames } from '#infra/stack';
import { bundle as buildBundle, inFreshProcess, p50, WORK_DIR } from './support/bundle.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const RESULTS = join(PROJECT_ROOT, 'bench', 'results', 'bundles.json');

type Variant = 'sdk-bundled' | 'sdk-external';
/** The bare-client baseline: a bundle that only creates the DocumentClient. */
const BASELINE = 'baseline';
type Bundle = CloserFunctionName | typeof BASELINE | `${CloserFunctionName}@before`;
const BEFORE_ROOT = process.env.BENCH_BEFORE_ROOT;

const BASELINE_SOURCE = `import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));
export const handler = async () => db.config.region;`;

interface Measurement {
  fn: Bundle;
  variant: Variant;
  bundleKB: number;
  gzipKB: number;
  /** `await import(bundle)` inside the process, as deployed (NODE_OPTIONS=--enable-source-maps). */
  importMsP50: number;
  /** The same without source-map support, to show what the flag costs at init. */
  importMsP50NoSourceMaps: number;
  /** Spawn to exit of the whole process, as deployed. */
  processMsP50: number;
  /** importMsP50 over the baseline's, both measured interleaved in this run (sdk-bundled only). */
  ratioToBaseline?: number;
}

/** Dummy values: handlers read their environment at cold start but must not connect at import. */
const LAMBDA_ENV = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  TABLE_NAME: 'closer-bench',
  PUBLIC_BASE_URL: 'https://quotes.example.com',
  TEMPLATES_DIR: bundledTemplatesDir(),
  LINK_KEY_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:bench',
  SENDER_EMAIL: 'quotes@example.com',
  SES_CONFIGURATION_SET: 'bench',
  POWERTOOLS_SERVICE_NAME: 'closer',
  POWERTOOLS_LOG_LEVEL: 'ERROR',
};

async function bundle(fn: Bundle, variant: Variant): Promise<string> {
  if (fn.endsWith('@before') && BEFORE_ROOT) {
    const name = fn.slice(0, -'@before'.length);
    return buildBundle({
      name: `${name}-before-${variant}`,
      entry: { file: join(BEFORE_ROOT, 'functions', name, 'handler.ts') },
      root: BEFORE_ROOT,
      sdkExternal: variant === 'sdk-external',
    });
  }
  return buildBundle({
    name: `${fn}-${variant}`,
    entry: fn === BASELINE ? { source: BASELINE_SOURCE } : { file: entryOf(fn as CloserFunctionName) },
    // The baseline is the bare client as published: none of the house stubs.
    ...(fn === BASELINE ? { stubs: false } : { assetsOf: fn }),
    sdkExternal: variant === 'sdk-external',
  });
}

/** Every file of the asset but source maps (templates/ is not copied here, so not counted). */
function assetBytes(outdir: string): number {
  return readdirSync(outdir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && !entry.name.endsWith('.map'))
    .reduce((sum, entry) => sum + statSync(join(entry.parentPath, entry.name)).size, 0);
}

/** One cold start: a fresh Node process imports the bundle and says how long the import took. */
function coldStart(bundlePath: string, sourceMaps: boolean): { importMs: number; processMs: number } {
  return inFreshProcess<object>(
    bundlePath,
    "if (typeof mod.handler !== 'function') throw new Error('no handler export'); return {};",
    { env: { PATH: process.env.PATH, ...LAMBDA_ENV }, sourceMaps },
  );
}

/**
 * Measures bundles side by side: run after run, one fresh process per bundle, so that a burst of
 * load on the machine hits every bundle of a run alike.
 */
function measureInterleaved(files: { fn: Bundle; variant: Variant; file: string }[]): Measurement[] {
  for (const { file } of files) coldStart(file, true); // warms the OS file cache, as Lambda's is after download
  const deployed = files.map(() => [] as { importMs: number; processMs: number }[]);
  const bare = files.map(() => [] as number[]);
  for (let run = 0; run < RUNS; run += 1) {
    files.forEach(({ file }, i) => {
      deployed[i]?.push(coldStart(file, true));
      bare[i]?.push(coldStart(file, false).importMs);
    });
  }
  return files.map(({ fn, variant, file }, i) => ({
    fn,
    variant,
    bundleKB: Math.round(assetBytes(join(file, '..')) / 102.4) / 10,
    gzipKB: Math.round(gzipSync(readFileSync(file)).length / 102.4) / 10,
    importMsP50: p50((deployed[i] ?? []).map((r) => r.importMs)),
    importMsP50NoSourceMaps: p50(bare[i] ?? []),
    processMsP50: p50((deployed[i] ?? []).map((r) => r.processMs)),
  }));
}

function recommend(results: Measurement[]): string {
  results = results.filter((r) => r.fn !== BASELINE);
  const lines: string[] = [];
  let bundledWins = 0;
  const fns = [...new Set(results.map((r) => r.fn))];
  for (const fn of fns) {
    const bundled = results.find((r) => r.fn === fn && r.variant === 'sdk-bundled');
    const external = results.find((r) => r.fn === fn && r.variant === 'sdk-external');
    if (!bundled || !external) continue;
    const delta = Math.round((external.importMsP50 - bundled.importMsP50) * 10) / 10;
    if (delta >= 0) bundledWins++;
    lines.push(
      `${fn}: bundled ${bundled.bundleKB} KB / ${bundled.importMsP50} ms, external ${external.bundleKB} KB / ${external.importMsP50} ms (bundling ${delta >= 0 ? 'saves' : 'costs'} ${Math.abs(delta)} ms at import)`,
    );
  }
  if (lines.length === 0) return 'SDK variants not compared in this run.';
  const verdict =
    bundledWins === fns.length
      ? 'Bundle the SDK (bundleAwsSdk=true): one minified file loads faster than resolving hundreds of runtime SDK modules, and the versions are the ones the tests ran against.'
      : bundledWins === 0
        ? 'Use the runtime SDK (bundleAwsSdk=false): it loads faster here and keeps bundles small; pin nothing that depends on a newer SDK than the runtime ships.'
        : 'Mixed: keep the SDK bundled (pinned versions, tested code) unless a function is dominated by its SDK clients.';
  return [...lines, verdict].join('\n');
}

async function main(): Promise<void> {
  mkdirSync(WORK_DIR, { recursive: true });
  const fns = (Object.keys(functionPlans) as CloserFunctionName[]).filter((fn) => existsSync(entryOf(fn)));
  if (fns.length === 0) throw new Error('no functions/<name>/handler.ts to measure yet');
  const build = async (variant: Variant, names: Bundle[]) =>
    Promise.all(names.map(async (fn) => ({ fn, variant, file: await bundle(fn, variant) })));
  console.log(
    `bundles: ${RUNS} fresh processes per bundle, the deployed variants interleaved with the baseline`,
  );
  const before: Bundle[] = BEFORE_ROOT ? httpFunctionNames().map((fn) => `${fn}@before` as const) : [];
  const deployed = measureInterleaved(await build('sdk-bundled', [BASELINE, ...fns, ...before]));
  const baseline = deployed.find((m) => m.fn === BASELINE)?.importMsP50 ?? Number.NaN;
  for (const m of deployed) m.ratioToBaseline = Math.round((m.importMsP50 / baseline) * 100) / 100;
  const external = BEFORE_ROOT ? [] : measureInterleaved(await build('sdk-external', fns));
  const results = [...deployed, ...external];
  for (const m of results) {
    console.log(
      `${m.fn.padEnd(10)} ${m.variant.padEnd(13)} ${String(m.bundleKB).padStart(8)} KB  gzip ${String(m.gzipKB).padStart(7)} KB  import p50 ${String(m.importMsP50).padStart(6)} ms${m.ratioToBaseline === undefined ? '       ' : ` ×${m.ratioToBaseline.toFixed(2)}`}  (no source maps ${String(m.importMsP50NoSourceMaps).padStart(6)} ms)  process p50 ${String(m.processMsP50).padStart(6)} ms`,
    );
  }
  const recommendation = recommend(results);
  console.log(`\n${recommendation}`);
  const sdkVersion = (
    JSON.parse(
      readFileSync(join(PROJECT_ROOT, 'node_modules/@aws-sdk/client-dynamodb/package.json'), 'utf8'),
    ) as { version: string }
  ).version;
  mkdirSync(join(PROJECT_ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(
    RESULTS,
    `${JSON.stringify(
      {
        date: new Date().toISOString(),
        node: process.version,
        platform: `${process.platform}-${process.arch}`,
        esbuild: (await import('esbuild')).version,
        awsSdkClientDynamodb: sdkVersion,
        runs: RUNS,
        caveats: [
          "sdk-external resolves @aws-sdk/* from this repo's node_modules; Lambda resolves the runtime's copy (a different version under /var/runtime), so its import time there differs.",
          `Measured on ${process.version} on this machine; Lambda runs nodejs22.x on Graviton with a CPU share proportional to memory: compare variants, not absolute values.`,
          'importMs excludes Node start-up; processMs includes it. The OS file cache is warm, like Lambda after the code download.',
        ],
        results,
        recommendation,
      },
      null,
      2,
    )}\n`,
  );
  console.log(`\nwrote ${RESULTS}`);
}

await main();
