/**
 * Bundle benchmark (not a test): for every function whose handler exists, builds the bundle with the
 * construct's esbuild settings twice, AWS SDK v3 bundled and `@aws-sdk/*` external, and reports the
 * size and the cold init time (p50 of fresh Node processes importing the bundle).
 *
 *   npx tsx bench/bundles.ts            writes bench/results/bundles.json
 *
 * Caveats, printed with the results: the external variant resolves the SDK from this repo's
 * node_modules, while Lambda resolves the runtime's copy (another version, loaded from
 * /var/runtime); this machine's CPU and Node version differ from Lambda's, so compare the variants
 * with each other, not with Lambda's INIT durations.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { AWS_SDK_EXTERNALS, entryOf, HOUSE_ESBUILD, PROJECT_ROOT } from '#infra/constructs/function';
import { type CloserFunctionName, functionPlans } from '#infra/stack';

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
/** Inside the repo so the external variant resolves `@aws-sdk/*` from node_modules; git-ignored. */
const WORK_DIR = join(PROJECT_ROOT, 'node_modules', '.cache', 'closer-bench');
const RESULTS = join(PROJECT_ROOT, 'bench', 'results', 'bundles.json');

type Variant = 'sdk-bundled' | 'sdk-external';

interface Measurement {
  fn: CloserFunctionName;
  variant: Variant;
  bundleKB: number;
  gzipKB: number;
  /** `await import(bundle)` inside the process, as deployed (NODE_OPTIONS=--enable-source-maps). */
  importMsP50: number;
  /** The same without source-map support, to show what the flag costs at init. */
  importMsP50NoSourceMaps: number;
  /** Spawn to exit of the whole process, as deployed. */
  processMsP50: number;
}

/** Dummy values: handlers read their environment at cold start but must not connect at import. */
const LAMBDA_ENV = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  TABLE_NAME: 'closer-bench',
  PUBLIC_BASE_URL: 'https://quotes.example.com',
  TEMPLATES_DIR: join(PROJECT_ROOT, 'templates'),
  LINK_KEY_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:bench',
  SENDER_EMAIL: 'quotes@example.com',
  SES_CONFIGURATION_SET: 'bench',
  POWERTOOLS_SERVICE_NAME: 'closer',
  POWERTOOLS_LOG_LEVEL: 'ERROR',
};

function p50(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const value = sorted.length % 2 ? sorted[mid] : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  return Math.round((value ?? Number.NaN) * 10) / 10;
}

async function bundle(fn: CloserFunctionName, variant: Variant): Promise<string> {
  const outdir = join(WORK_DIR, `${fn}-${variant}`);
  rmSync(outdir, { recursive: true, force: true });
  const outfile = join(outdir, 'index.mjs');
  await build({
    entryPoints: [entryOf(fn)],
    absWorkingDir: PROJECT_ROOT,
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile,
    target: HOUSE_ESBUILD.target,
    minify: HOUSE_ESBUILD.minify,
    sourcemap: HOUSE_ESBUILD.sourcemap,
    sourcesContent: HOUSE_ESBUILD.sourcesContent,
    mainFields: [...HOUSE_ESBUILD.mainFields],
    banner: { js: HOUSE_ESBUILD.banner },
    external: variant === 'sdk-external' ? [...AWS_SDK_EXTERNALS] : [],
    logLevel: 'error',
  });
  return outfile;
}

/** One cold start: a fresh Node process imports the bundle and prints how long the import took. */
function coldStart(bundlePath: string, sourceMaps: boolean): { importMs: number; processMs: number } {
  const url = pathToFileURL(bundlePath).href;
  const script = `const t = performance.now(); const m = await import(${JSON.stringify(url)}); if (typeof m.handler !== 'function') throw new Error('no handler export'); process.stdout.write(String(performance.now() - t));`;
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, ['--input-type=module', '--no-warnings', '-e', script], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, ...LAMBDA_ENV, NODE_OPTIONS: sourceMaps ? '--enable-source-maps' : '' },
  });
  const processMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (run.status !== 0) throw new Error(`loading ${bundlePath} failed:\n${run.stderr}`);
  return { importMs: Number(run.stdout), processMs };
}

async function measure(fn: CloserFunctionName, variant: Variant): Promise<Measurement> {
  const file = await bundle(fn, variant);
  const code = readFileSync(file);
  coldStart(file, true); // warms the OS file cache, as Lambda's code cache is warm after download
  const deployed = Array.from({ length: RUNS }, () => coldStart(file, true));
  const bare = Array.from({ length: RUNS }, () => coldStart(file, false));
  return {
    fn,
    variant,
    bundleKB: Math.round(statSync(file).size / 102.4) / 10,
    gzipKB: Math.round(gzipSync(code).length / 102.4) / 10,
    importMsP50: p50(deployed.map((r) => r.importMs)),
    importMsP50NoSourceMaps: p50(bare.map((r) => r.importMs)),
    processMsP50: p50(deployed.map((r) => r.processMs)),
  };
}

function recommend(results: Measurement[]): string {
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
  const results: Measurement[] = [];
  for (const fn of fns) {
    for (const variant of ['sdk-bundled', 'sdk-external'] as const) {
      const m = await measure(fn, variant);
      results.push(m);
      console.log(
        `${fn.padEnd(10)} ${variant.padEnd(13)} ${String(m.bundleKB).padStart(8)} KB  gzip ${String(m.gzipKB).padStart(7)} KB  import p50 ${String(m.importMsP50).padStart(6)} ms  (no source maps ${String(m.importMsP50NoSourceMaps).padStart(6)} ms)  process p50 ${String(m.processMsP50).padStart(6)} ms`,
      );
    }
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
  rmSync(WORK_DIR, { recursive: true, force: true });
  console.log(`\nwrote ${RESULTS}`);
}

await main();
