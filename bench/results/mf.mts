import { build } from 'esbuild';
import { HOUSE_ESBUILD, PROJECT_ROOT } from '#infra/constructs/function';
const fn = process.argv[2] ?? 'api';
const r = await build({ entryPoints: [`functions/${fn}/handler.ts`], absWorkingDir: PROJECT_ROOT, bundle: true, platform: 'node', format: 'esm', outfile: `/tmp/mf/${fn}.mjs`, target: 'node22', minify: true, metafile: true, mainFields: ['module','main'], banner: { js: HOUSE_ESBUILD.banner }, alias: HOUSE_ESBUILD.alias, logLevel: 'error' });
const out = Object.values(r.metafile.outputs)[0];
if (!out) throw new Error('no output');
const by = new Map<string, number>();
for (const [path, v] of Object.entries(out.inputs)) {
  const m = path.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  const key = m?.[1] ?? path.split('/').slice(0, 2).join('/');
  by.set(key, (by.get(key) ?? 0) + v.bytesInOutput);
}
console.log(fn, (out.bytes / 1024).toFixed(1), 'KB');
for (const [k, v] of [...by].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log('  ', k.padEnd(45), (v / 1024).toFixed(1));
