/**
 * Builds code the way the CDK construct bundles a function (same esbuild settings, same assets next
 * to the bundle) and runs it in fresh Node processes: what a Lambda cold start loads. Shared by the
 * bundles, pdf and pages benches.
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { assetFile, functionAssets, houseBuildOptions, PROJECT_ROOT } from '#infra/constructs/function';

/** Inside the repo so an external SDK resolves from node_modules; git-ignored. */
export const WORK_DIR = join(PROJECT_ROOT, 'node_modules', '.cache', 'closer-bench');

export interface BundleSource {
  /** Folder name under WORK_DIR. */
  name: string;
  /** An entry file, or the source of one (resolved from the repository root). */
  entry: { file: string } | { source: string };
  /** Function whose assets (files copied next to index.mjs) the bundle gets. */
  assetsOf?: string;
  sdkExternal?: boolean;
  /**
   * Another checkout to build from (a "before" tree, for side-by-side figures), with its own house
   * esbuild options; assets are not copied.
   */
  root?: string;
  /** false: without the house stubs (HOUSE_ESBUILD.alias), as for the bare-client baseline. */
  stubs?: boolean;
}

/** The esbuild options another checkout's construct used (see `bundle`). */
async function buildOptionsOf(root: string, sdkExternal?: boolean) {
  const theirs = (await import(join(root, 'infra', 'constructs', 'function.ts'))) as {
    houseBuildOptions?: typeof houseBuildOptions;
  };
  return theirs.houseBuildOptions
    ? theirs.houseBuildOptions({ sdkExternal })
    : houseBuildOptions({ sdkExternal, stubs: false });
}

/** Bundles `source` into WORK_DIR/<name>/index.mjs (plus its assets) and returns that path. */
export async function bundle(source: BundleSource): Promise<string> {
  const outdir = join(WORK_DIR, source.name);
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const outfile = join(outdir, 'index.mjs');
  await build({
    ...('file' in source.entry
      ? { entryPoints: [source.entry.file] }
      : { stdin: { contents: source.entry.source, resolveDir: PROJECT_ROOT, loader: 'ts' as const } }),
    absWorkingDir: source.root ?? PROJECT_ROOT,
    // A "before" checkout is built as it was: with its own house options (its stubs), or without
    // stubs when it predates `houseBuildOptions`.
    ...(source.root
      ? await buildOptionsOf(source.root, source.sdkExternal)
      : houseBuildOptions({ sdkExternal: source.sdkExternal, stubs: source.stubs !== false })),
    outfile,
    logLevel: 'error',
  });
  for (const asset of source.assetsOf && !source.root ? functionAssets(source.assetsOf) : []) {
    cpSync(assetFile(asset), join(outdir, asset.to));
  }
  return outfile;
}

/**
 * Runs `body` in a fresh Node process, as an ES module, after `const mod = await import(bundle)`
 * timed into `importMs`. `body` may use `mod`, `input` (the JSON given) and `performance`, and must
 * end with `return <value>`: the value is printed back as JSON with importMs.
 *
 * Synchronous: this process does nothing meanwhile, which is what an import timing wants. When the
 * fresh process calls a server this process hosts (s3rver, the SES emulator, the local API), use
 * `inFreshProcessAsync`, or the two wait for each other until the handler times out.
 */
export function inFreshProcess<T>(
  bundlePath: string,
  body: string,
  options: FreshProcessOptions,
): T & { importMs: number; processMs: number } {
  const { args, env } = freshProcess(bundlePath, body, options);
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, args, { encoding: 'utf8', env });
  const processMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (run.status !== 0) throw new Error(`running ${bundlePath} failed:\n${run.stderr}`);
  return { ...(JSON.parse(run.stdout) as T & { importMs: number }), processMs };
}

/** `inFreshProcess` that lets this process's event loop (and the servers it hosts) run meanwhile. */
export async function inFreshProcessAsync<T>(
  bundlePath: string,
  body: string,
  options: FreshProcessOptions,
): Promise<T & { importMs: number; processMs: number }> {
  const { args, env } = freshProcess(bundlePath, body, options);
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const [status] = (await once(child, 'close')) as [number | null];
  const processMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (status !== 0) throw new Error(`running ${bundlePath} failed:\n${stderr}`);
  return { ...(JSON.parse(stdout) as T & { importMs: number }), processMs };
}

interface FreshProcessOptions {
  input?: unknown;
  env: NodeJS.ProcessEnv;
  sourceMaps?: boolean;
}

function freshProcess(
  bundlePath: string,
  body: string,
  options: FreshProcessOptions,
): { args: string[]; env: NodeJS.ProcessEnv } {
  const url = pathToFileURL(bundlePath).href;
  const script = `const input = JSON.parse(process.env.CLOSER_BENCH_INPUT ?? 'null');
const t = performance.now(); const mod = await import(${JSON.stringify(url)}); const importMs = performance.now() - t;
const value = await (async () => { ${body} })();
process.stdout.write(JSON.stringify({ ...value, importMs }));
process.exit(0);`;
  return {
    args: ['--input-type=module', '--no-warnings', '-e', script],
    env: {
      ...options.env,
      CLOSER_BENCH_INPUT: JSON.stringify(options.input ?? null),
      NODE_OPTIONS: options.sourceMaps === false ? '' : '--enable-source-maps',
    },
  };
}

export function p50(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const value = sorted.length % 2 ? sorted[mid] : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  return Math.round((value ?? Number.NaN) * 10) / 10;
}
