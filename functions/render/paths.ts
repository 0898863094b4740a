import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the templates folder lives. The Lambda bundle ships `templates/` next to the bundle and sets
 * `TEMPLATES_DIR`; from a checkout (tests, local runner) it sits at the repository root. The module
 * URL is only read when the variable is absent, because an esbuild CommonJS bundle has no
 * `import.meta.url` and must not crash just by importing this module.
 */
export function resolveTemplatesDir(env: NodeJS.ProcessEnv = process.env, moduleUrl?: string): string {
  const fromEnv = env.TEMPLATES_DIR;
  if (fromEnv !== undefined && fromEnv !== '') return path.resolve(fromEnv);
  return path.resolve(fileURLToPath(new URL('../../templates/', moduleUrl ?? import.meta.url)));
}

let cached: string | undefined;

/** The templates directory of this process, resolved once (environment is read at cold start). */
export function templatesDir(): string {
  cached ??= resolveTemplatesDir();
  return cached;
}
