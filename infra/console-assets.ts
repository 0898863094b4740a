/**
 * What the reps' console needs wherever it is served: its security policy, and its build
 * (console/ → console/dist) when it is missing or older than its sources: `npm start` and the browser tests build it before serving it, the CDK stack before
 * uploading it. Vite 8 builds it; the command line is the same as `npm run build:console` minus
 * the type generation and typecheck.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const ROOT = resolve(import.meta.dirname, '..');
export const CONSOLE_DIR = join(ROOT, 'console');
export const CONSOLE_DIST = join(CONSOLE_DIR, 'dist');

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) {
    if (entry.startsWith('dist') || entry === 'node_modules') continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/** Why the console needs building (missing, or older than a source), or undefined when it is current. */
export function consoleBuildReason(): string | undefined {
  const built = join(CONSOLE_DIST, 'index.html');
  if (!existsSync(built)) return 'console/dist is missing';
  // The console imports the money and deal rules from functions/domain: a change there changes it.
  const sources = Math.max(newestMtime(CONSOLE_DIR), newestMtime(join(ROOT, 'functions', 'domain')));
  return sources > statSync(built).mtimeMs ? 'console/dist is older than its sources' : undefined;
}

/**
 * Vite builds into a directory of its own, then takes dist's place in one rename: two builds at
 * once (the stack tests and `npm start` in one test run) never serve a half-written dist.
 */
const viteArgs = (outDir: string) => [
  join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'),
  'build',
  '--config',
  join(CONSOLE_DIR, 'vite.config.ts'),
  '--outDir',
  outDir,
  '--logLevel',
  'warn',
];

function scratchDir(): string {
  return `${CONSOLE_DIST}.building-${process.pid}-${Date.now()}`;
}

function swapIn(built: string): void {
  const old = `${built}.old`;
  if (existsSync(CONSOLE_DIST)) renameSync(CONSOLE_DIST, old);
  renameSync(built, CONSOLE_DIST);
  rmSync(old, { recursive: true, force: true });
}

/** Builds the console when needed, saying so on `log` first; resolves true when it built. */
export async function ensureConsoleBuilt(log: (line: string) => void = console.log): Promise<boolean> {
  const reason = consoleBuildReason();
  if (!reason) return false;
  log(`building the console (${reason})…`);
  const started = performance.now();
  const outDir = scratchDir();
  try {
    await promisify(execFile)(process.execPath, viteArgs(outDir), { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
    swapIn(outDir);
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
  log(`console built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return true;
}

/** The same, blocking: CDK constructs are synchronous. */
export function ensureConsoleBuiltSync(): string {
  if (!consoleBuildReason()) return CONSOLE_DIST;
  const outDir = scratchDir();
  try {
    execFileSync(process.execPath, viteArgs(outDir), { cwd: ROOT, stdio: 'ignore' });
    swapIn(outDir);
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
  return CONSOLE_DIST;
}

/**
 * The policy the built files work under: nothing inline, nothing from another origin. CloudFront
 * sends the same one in the cloud (plus the Cognito and API origins in `connect-src`).
 */
export function consoleCsp(connect: string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${["'self'", ...connect].join(' ')}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}
