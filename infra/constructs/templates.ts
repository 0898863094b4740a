import { cpSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PRECOMPILED_SUFFIX, precompileTemplateFile } from '../../functions/render/handlebars.ts';
import { loadTemplates, REGISTRY_FILE, registryFileText } from '../../functions/render/templates.ts';

/**
 * templates/ as the bundles ship it: a copy of the folder with every Handlebars file's precompiled
 * spec next to it, so that the functions load Handlebars' runtime only (see
 * functions/render/handlebars.ts), and the templates read and checked into `REGISTRY_FILE`, so that
 * a broken template fails the build and the functions validate nothing at their first render.
 * Written once per process under `cacheDir`, whose path it returns.
 */
let prepared: string | undefined;

export function preparedTemplates(projectRoot: string, cacheDir: string): string {
  if (prepared !== undefined) return prepared;
  const out = join(cacheDir, 'templates');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(cacheDir, { recursive: true });
  cpSync(join(projectRoot, 'templates'), out, { recursive: true });
  const files = readdirSync(out, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.hbs'));
  for (const file of files) {
    writeFileSync(join(out, `${file}${PRECOMPILED_SUFFIX}`), precompileTemplateFile(out, file));
  }
  writeFileSync(join(out, REGISTRY_FILE), registryFileText(loadTemplates(out), out));
  prepared = out;
  return out;
}
